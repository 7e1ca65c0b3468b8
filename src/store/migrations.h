/* migrations.h -- the numbered schema migrations, embedded from src/store/migrations/NNN_*.sql
 * at build time (tools/embed.c writes build/gen/migrations.c). */
#ifndef TT_MIGRATIONS_H
#define TT_MIGRATIONS_H

#include <stddef.h>

typedef struct {
    int version;
    const char *name;
    const char *sql;
} migration;

extern const migration migrations[];
extern const size_t migrations_count;

#endif
