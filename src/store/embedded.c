/* embedded.c -- lookups in the embedded data tables (see embedded.h). */
#include "embedded.h"

#include <string.h>

static const static_asset *find(const static_asset *table, size_t count, const char *name)
{
    for (size_t i = 0; name && i < count; i++)
        if (!strcmp(table[i].name, name)) return &table[i];
    return NULL;
}

const static_asset *data_file_find(const char *name) { return find(data_files, data_files_count, name); }
const static_asset *demo_file_find(const char *name) { return find(demo_files, demo_files_count, name); }
