/* db.h -- the database interface every feature uses; sqlite.c implements it.
 *
 * SQL is written once, in the subset SQLite 3.40 and PostgreSQL 15 share (DESIGN.md):
 * '?' placeholders, integer ids, instants as BIGINT Unix seconds, money as BIGINT đồng,
 * booleans as SMALLINT 0/1. A connection is checked out of a pool for one request or one
 * command; statements are prepared once per connection and cached by their SQL text.
 *
 * Every change goes through db_write(): the feature's function runs inside a transaction it
 * neither begins nor ends, and db_write() returns only once that transaction is durable (or
 * rolled back, with the function's error). The interface assumes no particular backend. */
#ifndef TT_DB_H
#define TT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

typedef struct db_pool db_pool;
typedef struct db db;
typedef struct db_stmt db_stmt;

enum { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1, DB_CONSTRAINT = -2 };

db_pool *db_pool_open(const char *path, int connections, err *e);
void db_pool_close(db_pool *p);
db *db_acquire(db_pool *p);               /* waits for a free connection; lowest index first */
void db_release(db_pool *p, db *d);
/* The page cache of the pool's first connections, in KiB (SQLite's default is 2000). They
 * serve the steady load, since db_acquire hands out the lowest free index first; the rest
 * keep the default, so memory stays bounded however many workers a pool has. */
int db_pool_cache(db_pool *p, int first, int kib);

/* Opens one connection outside any pool (commands, tests). */
db *db_open(const char *path, err *e);
void db_close(db *d);

/* Applies the numbered migrations that have not run yet; each in its own transaction. */
int db_migrate(db *d, err *e);
int db_schema_version(db *d);

db_stmt *db_prepare(db *d, const char *sql);   /* cached; NULL (and logged) on a bad SQL */
void db_bind_int(db_stmt *s, int i, int64_t v);   /* i counts from 1 */
void db_bind_text(db_stmt *s, int i, const char *v);  /* NULL binds NULL */
void db_bind_null(db_stmt *s, int i);
int db_step(db_stmt *s);                   /* DB_ROW, DB_DONE, DB_CONSTRAINT or DB_ERROR */
void db_done(db_stmt *s);                  /* resets the statement for its next use */
int64_t db_col_int(db_stmt *s, int i);     /* i counts from 0 */
const char *db_col_text(db_stmt *s, int i);   /* "" for NULL; valid until the next step */
bool db_col_null(db_stmt *s, int i);

/* The first column of the first row of a query with one integer parameter (an id), or
 * fallback when there is no row: the many "which unit owns this?" lookups. */
int64_t db_int_by_id(db *d, const char *sql, int64_t id, int64_t fallback);

/* Runs a statement that returns no rows: binds nothing, steps once. */
int db_exec(db *d, const char *sql);

/* A feature's write: 0 when done, or -1 with e filled (its changes are then undone). It runs
 * on a connection inside a transaction; it must not begin, commit or roll back itself. */
typedef int (*db_write_fn)(db *d, void *ctx, err *e);

/* Runs fn(d', ctx, e) inside a transaction and makes it durable; 0, or -1 with e filled
 * (the function's own error, 503 when the database is busy, 507 when the disk is full).
 * d is the caller's connection: on a pooled connection the write runs on the pool's writer
 * connection, batched with other callers' writes into one commit (so fn must use the
 * connection it is given, never d); a failing fn is undone alone, its batch-mates still
 * commit. On a lone connection (commands, tests) it runs on d. Called from inside a write
 * (or on a connection where the caller began a write itself), fn runs as part of the
 * enclosing transaction, undone alone if it fails. */
int db_write(db *d, db_write_fn fn, void *ctx, err *e);

/* What a pool's writer has done since it opened, for /metrics and tests. */
typedef struct {
    uint64_t writes;    /* db_write calls answered */
    uint64_t commits;   /* transactions committed: fewer than writes when batching works */
    uint64_t pending;   /* db_write calls queued or running now */
} db_write_stats;
void db_pool_write_stats(db_pool *p, db_write_stats *out);
/* True while d runs a db_write function (for assertions in features). */
bool db_in_write(db *d);

int db_begin_write(db *d);
/* db_begin_write, or -1 with e filled as 503 "busy, try again": what every feature says
 * when the database cannot start a write. */
int db_begin_write_or_busy(db *d, err *e);
/* A read snapshot for several statements (db_begin_read ... db_end_read). */
int db_begin_read(db *d);
void db_end_read(db *d);
/* A read snapshot that may be the one the last db_read_recent on this pooled connection left
 * open (see sqlite.c, "Recent reads"): current except for commits by other processes in the
 * last millisecond. For the hottest public read (the citizen's lookup); any other use of the
 * connection ends it first. db_read_recent_done leaves it open; on a lone connection the pair
 * is db_begin_read / db_end_read. */
int db_read_recent(db *d);
void db_read_recent_done(db *d);
/* Ends the read transactions kept on idle connections, so that they do not hold back the
 * write-ahead log's checkpoints (housekeeping calls it). */
void db_pool_end_stale_reads(db_pool *p);
/* How long a kept read transaction may serve when nothing was committed through the pool
 * (nanoseconds; one millisecond unless set): tests set it long to see the change count work. */
void db_pool_recent_window(db_pool *p, int64_t ns);
int db_commit(db *d);
void db_rollback(db *d);
int64_t db_last_id(db *d);
int db_changes(db *d);
const char *db_errmsg(db *d);
bool db_ping(db *d);

/* The disk is full: a statement on this thread failed with SQLITE_FULL since the last
 * db_full_clear() (the server clears it as each request starts, and answers 507). */
bool db_full_seen(void);
void db_full_clear(void);

/* PRAGMA quick_check: 0 when the file is sound, else -1 with SQLite's first complaint in out. */
int db_quick_check(db *d, char *out, size_t n);
/* Stops the statement running on d (from another thread): it fails with an error. */
void db_interrupt(db *d);

/* Copies the live database to a new file with SQLite's online backup API (readers and
 * writers carry on meanwhile); the copy is checked with PRAGMA integrity_check. */
int db_backup(db *d, const char *to_path, err *e);

#endif
