/* demo.h -- the demonstration data: Tỉnh Thái Nguyên with two of the seed's pilot communes
 * (as merged on 1 July 2025), one department, hamlets, an account for every role and the
 * commune-level procedure catalogue. The files live in data/demo/ and are embedded at
 * build time, so `thanthien demo` works from any directory. */
#ifndef TT_DEMO_H
#define TT_DEMO_H

#include "../core/err.h"
#include "../store/db.h"
#include "../web/static.h"

#define DEMO_PASSWORD "ThanThien@2026"

extern const static_asset demo_files[];
extern const size_t demo_files_count;

int demo_create(db *d, err *e);

#endif
