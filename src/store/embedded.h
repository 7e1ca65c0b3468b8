/* embedded.h -- the data tables compiled into the program, one header for all of them.
 *
 * tools/embed.c turns files of the source tree into C arrays in build/gen/ at build time,
 * so the binary needs no data directory and `thanthien demo` works from anywhere:
 *   migrations.c  the numbered schema migrations (src/store/migrations/NNN_*.sql)
 *   templates.c   the HTML templates (src/<folder>/<name>.html, named "<folder>/<name>")
 *   static.c      page assets served under /static/ (CSS, scripts)
 *   demo.c        the demonstration data (data/demo/)
 *   data.c        reference data: published holiday schedules (data/calendar/), the
 *                 search's filler words, the form sets (data/forms/)
 * The tables are plain data below every layer, so any layer may read them through this
 * header; the page kit compiles the templates (kit/templates.h) and serves the assets
 * (kit/static.h). */
#ifndef TT_EMBEDDED_H
#define TT_EMBEDDED_H

#include <stddef.h>

typedef struct {
    int version;
    const char *name;
    const char *sql;
} migration;

extern const migration migrations[];
extern const size_t migrations_count;

typedef struct {
    const char *name;          /* the path under src/ without ".html": "catalog/list" */
    const char *source;
} template_source;

extern const template_source template_sources[];
extern const size_t template_sources_count;

/* One embedded file: static assets, demo files and reference data share the shape. */
typedef struct {
    const char *name;          /* the file's base name */
    const char *content_type;
    const char *etag;
    size_t size;
    const char *data;
    /* the precompressed variants (static assets only): data NULL when not worth it.
     * tools/embed.c stores each asset compressed with gzip and brotli where that is
     * smaller, each variant with its own ETag; kit/compress.c picks the one the client
     * accepts. */
    const char *gzip_etag;
    size_t gzip_size;
    const char *gzip;
    const char *br_etag;
    size_t br_size;
    const char *br;
} static_asset;

extern const static_asset static_assets[];
extern const size_t static_assets_count;
/* A hash of every static asset, changed by any change of one: the layout adds it to its links
 * (?v=) so a new stylesheet is fetched at once rather than after the day it may be cached. */
extern const char static_version[];

extern const static_asset demo_files[];
extern const size_t demo_files_count;

extern const static_asset data_files[];
extern const size_t data_files_count;

/* The reference data file (data_files) or demo file (demo_files) of that base name; NULL when absent. */
const static_asset *data_file_find(const char *name);
const static_asset *demo_file_find(const char *name);

#endif
