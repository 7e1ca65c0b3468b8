/* static.c -- lookup of the embedded page assets (see static.h). */
#include "static.h"

#include <string.h>

const static_asset *static_find(const char *name)
{
    for (size_t i = 0; name && i < static_assets_count; i++)
        if (!strcmp(static_assets[i].name, name)) return &static_assets[i];
    return NULL;
}
