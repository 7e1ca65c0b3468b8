/* static.h -- page assets (CSS, icons) embedded at build time, served with an ETag and a
 * long cache lifetime under /static/<name>. tools/embed.c also stores each asset compressed
 * with gzip and brotli (where that is smaller), each variant with its own ETag; compress.c
 * picks the one the client accepts. */
#ifndef TT_STATIC_H
#define TT_STATIC_H

#include <stddef.h>

typedef struct {
    const char *name;
    const char *content_type;
    const char *etag;
    size_t size;
    const char *data;
    /* the precompressed variants (static assets only): data NULL when not worth it */
    const char *gzip_etag;
    size_t gzip_size;
    const char *gzip;
    const char *br_etag;
    size_t br_size;
    const char *br;
} static_asset;

extern const static_asset static_assets[];
extern const size_t static_assets_count;

const static_asset *static_find(const char *name);

/* A hash of every static asset, changed by any change of one: the layout adds it to its links
 * (?v=) so a new stylesheet is fetched at once rather than after the day it may be cached. */
extern const char static_version[];

/* Reference data shipped inside the program (the .tsv files of data/calendar: the published holiday
 * schedules), looked up by file name; NULL when absent. */
extern const static_asset data_files[];
extern const size_t data_files_count;
const static_asset *data_file_find(const char *name);

#endif
