/* static.h -- page assets (CSS, scripts) embedded at build time (the table is in
 * store/embedded.h), served with an ETag and a long cache lifetime under /static/<name>. */
#ifndef TT_STATIC_H
#define TT_STATIC_H

#include "../store/embedded.h"

const static_asset *static_find(const char *name);

#endif
