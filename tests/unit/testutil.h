/* testutil.h -- small helpers more than one unit test needs. Include after <cmocka.h> (the
 * helpers assert) and the project's db.h. */
#ifndef TT_TESTUTIL_H
#define TT_TESTUTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../src/demo/demo.h"
#include "../../src/store/db.h"

/* TEST=name build/chk/test_x runs only the cases whose name matches (cmocka's pattern: * and ?
 * as in the shell); set before main() so no test program needs to know. */
__attribute__((constructor)) static void test_filter_from_env(void)
{
    const char *t = getenv("TEST");
    if (t && *t) cmocka_set_test_filter(t);
}

/* cmocka prints integers in hexadecimal ("0x2 != 0"); counts, statuses and times read better
 * in decimal, so every assert_int_equal after this header says "n is 2, expected 0". */
#undef assert_int_equal
#define assert_int_equal(a, b) test_int_equal((long long)(a), (long long)(b), #a, __FILE__, __LINE__)
static inline void test_int_equal(long long got, long long want, const char *what, const char *file, int line)
{
    if (got == want) return;
    print_error("%s is %lld, expected %lld\n", what, got, want);
    _fail(file, line);
}

/* A shell command's standard output (malloc'd, the caller frees); the command must succeed. */
static inline char *test_command_output(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 4096) out = realloc(out, cap *= 2);
    }
    out[len] = '\0';
    int rc = pclose(p);
    if (rc != 0) print_error("command failed (%d): %s\n", rc, cmd);
    assert_int_equal(rc, 0);
    return out;
}

/* A bare unit (no demo data); its id, or -1. parent 0: none. */
static inline int64_t test_add_unit(db *d, const char *code, const char *kind, const char *name, int64_t parent)
{
    db_stmt *s = db_prepare(d, "INSERT INTO units (code, kind, name, parent_id, created_at) VALUES (?, ?, ?, ?, 0)");
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, name);
    if (parent) db_bind_int(s, 4, parent);
    else db_bind_null(s, 4);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? db_last_id(d) : -1;
}

/* A database at path, migrated, with the demo's units, users and catalogue, and with its two
 * years of history (dossiers, letters, the citizen's voice) when history is true, as
 * `thanthien demo` makes it; NULL on failure, with the reason on stderr. */
static inline db *test_demo_db(const char *path, bool history)
{
    err e = {0};
    db *d = db_open(path, &e);
    if (!d) return NULL;
    if (db_migrate(d, &e) != 0 || demo_create(d, &e) != 0 || (history && demo_history(d, (int64_t)time(NULL), &e) != 0)) {
        fprintf(stderr, "test_demo_db %s: %s / %s\n", path, e.user, e.log);
        db_close(d);
        return NULL;
    }
    return d;
}

#endif
