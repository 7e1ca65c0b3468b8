/* main.c -- the `thanthien` command: subcommands in the style of git and sqlite3.
 *
 * The subcommands are one table (commands[], at the end): name, function, and the line
 * `thanthien help` prints. Every subcommand states its options in a table too and reads them
 * with parse(); an unknown option, a missing value or a bad number is reported with a clear
 * message and exit code 2. */
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/clock.h"
#include "../account/account.h"
#include "../audit/audit.h"
#include "../catalog/catalog.h"
#include "../core/text.h"
#include "../core/vntime.h"
#include "../demo/demo.h"
#include "../holiday/holiday.h"
#include "../dossier/dossier.h"
#include "../feedback/feedback.h"
#include "../feedback/open311.h"
#include "../letter/letter.h"
#include "../survey/survey.h"
#include "../reception/reception.h"
#include "../report/figures.h"
#include "../notify/notify.h"
#include "../survey/rating.h"
#include "../server/app.h"

typedef struct {
    const char *name;     /* "--db" */
    bool takes_value;
    const char *value;    /* filled by parse */
    bool seen;
    bool once;            /* refused when given twice */
} opt;

typedef struct {
    const char *usage;
    const char *help;
} command_help;

static int usage_error(const char *cmd, const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "thanthien %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nusage: thanthien %s\n", usage);
    return 2;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return true;
    return false;
}

/* Parses argv into opts; positional arguments go to pos (at most maxpos). */
static int parse(const char *cmd, const char *usage, int argc, char **argv, opt *opts, const char **pos, int maxpos,
                 int *npos)
{
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            if (*npos >= maxpos) return usage_error(cmd, usage, "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        opt *o = NULL;
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        for (opt *p = opts; p->name; p++)
            if (strlen(p->name) == n && !strncmp(p->name, a, n)) o = p;
        if (!o) return usage_error(cmd, usage, "unknown option '%s'", a);
        if (o->seen && o->once) return usage_error(cmd, usage, "option '%s' given twice", o->name);
        o->seen = true;
        if (o->takes_value) {
            if (eq) o->value = eq + 1;
            else if (i + 1 < argc) o->value = argv[++i];
            else return usage_error(cmd, usage, "option '%s' needs a value", o->name);
        } else if (eq) {
            return usage_error(cmd, usage, "option '%s' takes no value", o->name);
        }
    }
    return 0;
}

static const char *get(opt *opts, const char *name)
{
    for (opt *p = opts; p->name; p++)
        if (!strcmp(p->name, name)) return p->value;
    return NULL;
}

static bool flag(opt *opts, const char *name)
{
    for (opt *p = opts; p->name; p++)
        if (!strcmp(p->name, name)) return p->seen;
    return false;
}

static int need_int(const char *cmd, const char *usage, opt *opts, const char *name, int64_t lo, int64_t hi,
                    int64_t def, int64_t *out)
{
    const char *v = get(opts, name);
    if (!v) {
        *out = def;
        return 0;
    }
    if (!text_parse_uint(v, hi, out) || *out < lo) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a whole number from %lld to %lld, got '%%s'", name, (long long)lo,
                 (long long)hi);
        return usage_error(cmd, usage, msg, v);
    }
    return 0;
}

static db *open_db(const char *path)
{
    err e = {0};
    db *d = db_open(path, &e);
    if (!d || db_migrate(d, &e) != 0) {
        fprintf(stderr, "thanthien: %s (%s)\n", e.user, e.log);
        db_close(d);
        return NULL;
    }
    return d;
}

static char *exe_dir_path(const char *rel)
{
    static char path[PATH_MAX + 64];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(path, sizeof path, "%s/%s", exe, rel);
    return path;
}

/* ---- notification options (serve and notify) ------------------------------------------- */

#define NOTIFY_USAGE "[--smtp-url URL --mail-from MAILBOX [--smtp-user NAME --smtp-password-file FILE]] " \
                     "[--sms-url URL] [--zalo-url URL] [--gateway-key-file FILE] [--notify-poll SECONDS]"
#define NOTIFY_OPTS {"--smtp-url", 1}, {"--smtp-user", 1}, {"--smtp-password-file", 1}, {"--mail-from", 1}, \
                    {"--sms-url", 1}, {"--zalo-url", 1}, {"--gateway-key-file", 1}, {"--notify-poll", 1}

static char smtp_password[512], gateway_key[512];   /* read from files, never from argv */

/* The first line of a file holding a secret. */
static int read_secret(const char *cmd, const char *usage, const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) return usage_error(cmd, usage, "cannot read '%s'", path);
    bool ok = fgets(out, (int)n, f) != NULL;
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    if (!ok || !*out) return usage_error(cmd, usage, "'%s' holds no secret on its first line", path);
    return 0;
}

static int notify_options(const char *cmd, const char *usage, opt *opts, notify_config *nc)
{
    int64_t poll;
    if (need_int(cmd, usage, opts, "--notify-poll", 1, 86400, 10, &poll)) return 2;
    *nc = (notify_config){.smtp_url = get(opts, "--smtp-url"), .smtp_user = get(opts, "--smtp-user"),
                          .mail_from = get(opts, "--mail-from"), .sms_url = get(opts, "--sms-url"),
                          .zalo_url = get(opts, "--zalo-url"), .poll_seconds = (int)poll};
    if (get(opts, "--smtp-password-file")) {
        if (read_secret(cmd, usage, get(opts, "--smtp-password-file"), smtp_password, sizeof smtp_password)) return 2;
        nc->smtp_password = smtp_password;
    }
    if (get(opts, "--gateway-key-file")) {
        if (read_secret(cmd, usage, get(opts, "--gateway-key-file"), gateway_key, sizeof gateway_key)) return 2;
        nc->gateway_key = gateway_key;
    }
    err e = {0};
    if (notify_config_check(nc, &e) != 0) return usage_error(cmd, usage, "%s", e.log);
    return 0;
}

static void forget_secrets(void)
{
    sodium_memzero(smtp_password, sizeof smtp_password);
    sodium_memzero(gateway_key, sizeof gateway_key);
}

/* ---- subcommands -------------------------------------------------------------------- */

/* Serves, then signs the audit log's last head: every request has ended by then. */
static int serve_and_checkpoint(app_config *cfg)
{
    int rc = app_serve(cfg);
    db *d = open_db(cfg->db_path);
    if (d && audit_checkpoint(d, (int64_t)clock_now()) < 0) {
        fprintf(stderr, "thanthien: cannot write the audit checkpoint\n");
        rc = rc ? rc : 1;
    }
    db_close(d);
    audit_anchor_close();
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    const char *usage = "serve --db PATH --port N [--listen ADDR] [--max-body BYTES] [--max-per-ip N] "
                        "[--request-timeout SECONDS] [--header-timeout SECONDS] [--idle-timeout SECONDS] [--max-connections N] [--threads N] [--workers N] [--quiet] "
                        "[--public-url URL] [--trust-proxy] [--create] [--audit-key FILE] [--audit-log FILE] " NOTIFY_USAGE;
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nServes the web site and the JSON API. Defaults: --listen 127.0.0.1, "
               "--max-body 10485760, --max-per-ip 32, --request-timeout 30, --header-timeout 10, --idle-timeout 60, "
               "--max-connections 256, --threads one per processor, --workers 16.\n--threads: the event-loop threads that "
               "answer every connection; --workers: the threads that run writes, PDFs and XLSX files, so that a slow "
               "request never holds up a fast one.\n--public-url is the address citizens reach the site at, for the links in "
               "messages (default http://ADDR:PORT).\n--trust-proxy: behind nginx on the same machine, take the client's address from the last "
               "X-Forwarded-For hop (for the tracking lookup's limit on wrong guesses).\n--create: serve even when the "
               "database file is missing or empty, creating an empty site (without it serve refuses, so that a "
               "mistyped path does not serve an empty site).\n--audit-key FILE (created, mode 0600, "
               "when missing) and --audit-log FILE anchor the audit log: every minute its head is signed and appended to "
               "FILE; defaults: DB.audit-key and DB.audit-log; in production put both on another disk, owned by another "
               "user.\nWith --smtp-url, --sms-url or --zalo-url the notification outbox is sent "
               "too (see 'thanthien notify --help').\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--db", 1},          {"--port", 1},         {"--listen", 1},          {"--max-body", 1},
                  {"--max-per-ip", 1},  {"--request-timeout", 1}, {"--header-timeout", 1}, {"--idle-timeout", 1}, {"--max-connections", 1},
                  {"--threads", 1},     {"--workers", 1},
                  {"--quiet", 0},       {"--public-url", 1},   {"--trust-proxy", 0}, {"--create", 0}, {"--audit-key", 1},
                  {"--audit-log", 1},   NOTIFY_OPTS,           {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("serve", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    notify_config nc;
    if (notify_options("serve", usage, opts, &nc)) return 2;
    if (!get(opts, "--db")) return usage_error("serve", usage, "%s", "--db is required");
    /* a mistyped or lost path would otherwise be created empty and served as an empty site */
    struct stat dbst;
    if (!flag(opts, "--create") && (stat(get(opts, "--db"), &dbst) != 0 || dbst.st_size == 0)) {
        fprintf(stderr,
                "thanthien serve: the database %s %s. Check the path; to start a new site, create it with "
                "'thanthien migrate --db %s' (or 'thanthien demo'), or pass --create.\n",
                get(opts, "--db"), stat(get(opts, "--db"), &dbst) != 0 ? "does not exist" : "is empty",
                get(opts, "--db"));
        return 2;
    }
    int64_t port, max_body, per_ip, req_to, head_to, idle_to, max_conn, threads, workers;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (!get(opts, "--port")) return usage_error("serve", usage, "%s", "--port is required");
    if (need_int("serve", usage, opts, "--port", 1, 65535, 8080, &port) ||
        need_int("serve", usage, opts, "--max-body", 1024, 1LL << 30, 10 << 20, &max_body) ||
        need_int("serve", usage, opts, "--max-per-ip", 1, 10000, 32, &per_ip) ||
        need_int("serve", usage, opts, "--request-timeout", 1, 3600, 30, &req_to) ||
        need_int("serve", usage, opts, "--header-timeout", 1, 3600, 10, &head_to) ||
        need_int("serve", usage, opts, "--idle-timeout", 1, 3600, 60, &idle_to) ||
        need_int("serve", usage, opts, "--max-connections", 4, 10000, 256, &max_conn) ||
        need_int("serve", usage, opts, "--threads", 1, 64, cpus > 1 ? (cpus < 64 ? cpus : 64) : 1, &threads) ||
        need_int("serve", usage, opts, "--workers", 1, 256, 16, &workers))
        return 2;
    app_config cfg = {
        .db_path = get(opts, "--db"),
        .listen = get(opts, "--listen") ? get(opts, "--listen") : "127.0.0.1",
        .port = (int)port,
        .max_connections = (int)max_conn,
        .max_per_ip = (int)per_ip,
        .max_body = (size_t)max_body,
        .max_header = 32 * 1024,
        .idle_timeout = (int)idle_to,
        .request_timeout = (int)req_to,
        .header_timeout = (int)head_to,
        .threads = (int)threads,
        .workers = (int)workers,
        /* every thread that runs handlers holds a connection while it does: none waits */
        .db_connections = (int)(threads + workers),
        .locale_dir = exe_dir_path("locale"),
        .quiet = flag(opts, "--quiet"),
        .trust_proxy = flag(opts, "--trust-proxy"),
    };
    const char *url = get(opts, "--public-url");
    if (url && strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
        return usage_error("serve", usage, "--public-url must start with http:// or https://, got '%s'", url);
    char local[300];
    snprintf(local, sizeof local, "http://%s:%d", cfg.listen, cfg.port);
    dossier_set_public_url(url ? url : local);
    feedback_set_public_url(url ? url : local);
    letter_set_public_url(url ? url : local);
    /* letters of care follow the dossiers' results and apologies (letter.h) */
    dossier_listen(letter_on_dossier_event);
    i18n_init(cfg.locale_dir ? cfg.locale_dir : "build/locale");
    err ae = {0};
    if (audit_anchor_open(cfg.db_path, get(opts, "--audit-key"), get(opts, "--audit-log"), &ae) != 0) {
        fprintf(stderr, "thanthien: %s (%s)\n", ae.user, ae.log);
        return 1;
    }
    if (!notify_configured(&nc)) return serve_and_checkpoint(&cfg);
    /* the sender has a pool of its own, so it never waits for a request's connection */
    db *d = open_db(cfg.db_path);
    db_close(d);
    err e = {0};
    db_pool *pool = d ? db_pool_open(cfg.db_path, 1, &e) : NULL;
    if (!pool || notify_start(pool, &nc, &e) != 0) {
        if (d) fprintf(stderr, "thanthien: %s (%s)\n", e.user, e.log);
        db_pool_close(pool);
        forget_secrets();
        return 1;
    }
    int rc = serve_and_checkpoint(&cfg);
    notify_stop();
    db_pool_close(pool);
    forget_secrets();
    return rc;
}

static int cmd_migrate(int argc, char **argv)
{
    const char *usage = "migrate --db PATH";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nCreates the database if needed and applies pending migrations.\n", usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("migrate", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("migrate", usage, "%s", "--db is required");
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    printf("schema version %d\n", db_schema_version(d));
    db_close(d);
    return 0;
}

static int cmd_notify(int argc, char **argv)
{
    const char *usage = "notify --db PATH [--once] " NOTIFY_USAGE;
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nSends the notification outbox: e-mail through an SMTP server (libcurl; smtps:// "
               "or STARTTLS when offered, required when a password is sent to another machine), SMS and Zalo OA "
               "messages as an HTTP POST of {\"to\", \"text\", \"channel\", \"id\"} with \"Authorization: Bearer "
               "KEY\" (the key's file holds it on its first line; so does the SMTP password's). A 2xx answer is "
               "success; a 4xx refusal of the request (an SMTP 5xx) fails at once; other failures are tried again "
               "after 60 s, 120 s, 240 s, ... and given up after 10 tries. "
               "Rows of a channel with no endpoint are marked skipped.\n--once sends what is due now and exits "
               "(cron); without it the sender runs until SIGINT or SIGTERM, every --notify-poll seconds (10).\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--once", 0}, NOTIFY_OPTS, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("notify", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("notify", usage, "%s", "--db is required");
    notify_config nc;
    if (notify_options("notify", usage, opts, &nc)) return 2;
    if (!notify_configured(&nc))
        return usage_error("notify", usage, "%s", "nothing to send with: give --smtp-url, --sms-url or --zalo-url");
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    db_close(d);
    err e = {0};
    db_pool *pool = db_pool_open(get(opts, "--db"), 1, &e);
    if (!pool) {
        fprintf(stderr, "thanthien notify: %s (%s)\n", e.user, e.log);
        return 1;
    }
    int rc = 0;
    if (flag(opts, "--once")) {
        int n = notify_run_once(pool, &nc);
        if (n < 0) rc = 1;
        else printf("%d notifications attempted\n", n);
    } else {
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop, NULL);
        if (notify_start(pool, &nc, &e) != 0) {
            fprintf(stderr, "thanthien notify: %s (%s)\n", e.user, e.log);
            rc = 1;
        } else {
            int sig = 0;
            sigwait(&stop, &sig);
            notify_stop();
        }
    }
    db_pool_close(pool);
    forget_secrets();
    return rc;
}

static int cmd_demo(int argc, char **argv)
{
    const char *usage = "demo --db PATH [--dossiers N [--communes K] [--voice]]";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nCreates the demonstration data (units, accounts, procedure catalogue and "
               "about two years of dossiers and the letters they led to) in an empty database. Every demo account's password is %s.\n"
               "--dossiers N makes a benchmark database instead: exactly N dossiers over 50 communes and the working "
               "days since 2024-12-01, written fast (no fsync; rerun from scratch if it is interrupted); --communes K "
               "spreads them over K communes instead (the province's view is measured over 150); --voice adds "
               "ratings of the returned dossiers and two years of feedback and receptions for every unit.\n",
               usage, DEMO_PASSWORD);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--dossiers", 1}, {"--communes", 1}, {"--voice", 0}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("demo", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("demo", usage, "%s", "--db is required");
    int64_t bulk = -1, communes = 50;
    if (get(opts, "--dossiers") && need_int("demo", usage, opts, "--dossiers", 0, 50000000, 0, &bulk)) return 2;
    if ((get(opts, "--communes") || flag(opts, "--voice")) && !get(opts, "--dossiers"))
        return usage_error("demo", usage, "%s", "--communes and --voice go with --dossiers");
    if (get(opts, "--communes") && need_int("demo", usage, opts, "--communes", 1, 2000, 50, &communes)) return 2;
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    err e = {0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = demo_create(d, &e);
    if (rc == 0 && bulk < 0) rc = demo_history(d, (int64_t)clock_now(), &e);
    if (rc == 0 && bulk > 0) {
        /* a benchmark database is rebuilt, not recovered: no fsync while it is written */
        db_exec(d, "PRAGMA synchronous=OFF");
        db_exec(d, "PRAGMA journal_mode=OFF");
        db_exec(d, "PRAGMA cache_size=-1048576");
        db_exec(d, "PRAGMA foreign_keys=OFF");
        rc = demo_dossiers_bulk_in(d, bulk, communes, (int64_t)clock_now(), DEMO_SEED, stderr, &e);
        if (rc == 0 && flag(opts, "--voice")) rc = demo_bulk_voice(d, (int64_t)clock_now(), &e);
        db_exec(d, "PRAGMA journal_mode=WAL");
        db_exec(d, "PRAGMA synchronous=FULL");
    }
    db_close(d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        fprintf(stderr, "thanthien demo: %s (%s)\n", e.user, e.log);
        return 1;
    }
    if (bulk >= 0) {
        printf("benchmark database %s: %lld dossiers in %.1f s\n", get(opts, "--db"), (long long)bulk,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        return 0;
    }
    printf("demo data created in %s; accounts admin, thamdinh, canbo1, chuyenvien1, lanhdao1, bantt1, canbo2, "
           "congchuc.so, and canbo.X and lanhdao.X in every other unit (data/demo/units.json); password %s\n",
           get(opts, "--db"), DEMO_PASSWORD);
    return 0;
}

/* Audit rows a command wrote are anchored at once when the database has its audit key in the
 * default place (a server made it); otherwise the next server's first checkpoint does it. */
static void checkpoint_cli(db *d, const char *db_path)
{
    char key[PATH_MAX], log[PATH_MAX];
    audit_default_paths(db_path, NULL, NULL, key, log);
    err e = {0};
    if (access(key, F_OK) != 0 || audit_anchor_open(db_path, NULL, NULL, &e) != 0) return;
    if (audit_checkpoint(d, (int64_t)clock_now()) < 0) fprintf(stderr, "thanthien: cannot write the audit checkpoint %s\n", log);
    audit_anchor_close();
}

static int cmd_user(int argc, char **argv)
{
    const char *usage = "user add --db PATH --unit CODE --role ROLE --username NAME [--full-name NAME] --password-stdin";
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        if (wants_help(argc, argv)) {
            printf("usage: thanthien %s\n\nRoles: officer, specialist, leader, board, assessor, admin. The password "
                   "is read from the first line of standard input.\n",
                   usage);
            return 0;
        }
        return usage_error("user", usage, "%s", "the only user subcommand is 'add'");
    }
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n", usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--unit", 1}, {"--role", 1}, {"--username", 1}, {"--full-name", 1},
                  {"--password-stdin", 0}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("user add", usage, argc - 1, argv + 1, opts, pos, 0, &npos)) return 2;
    const char *need[] = {"--db", "--unit", "--role", "--username"};
    for (size_t i = 0; i < 4; i++)
        if (!get(opts, need[i])) return usage_error("user add", usage, "%s is required", need[i]);
    if (!flag(opts, "--password-stdin"))
        return usage_error("user add", usage, "%s", "--password-stdin is required (never put a password on the command line)");
    if (!account_role_valid(get(opts, "--role")))
        return usage_error("user add", usage, "unknown role '%s' (officer, specialist, leader, board, assessor, admin)",
                           get(opts, "--role"));
    char line[512];
    if (!fgets(line, sizeof line, stdin)) return usage_error("user add", usage, "%s", "no password on standard input");
    line[strcspn(line, "\r\n")] = '\0';
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    err e = {0};
    int64_t id = 0;
    arena *a = arena_new();
    char *full = NULL;
    const char *fn = get(opts, "--full-name") ? get(opts, "--full-name") : get(opts, "--username");
    if (text_clean(a, fn, strlen(fn), false, 100, &full) != TEXT_OK) full = NULL;
    int rc = account_user_add(d, get(opts, "--unit"), get(opts, "--role"), get(opts, "--username"), full, line, 0,
                              &id, &e);
    sodium_memzero(line, sizeof line);
    arena_free(a);
    if (rc == 0) checkpoint_cli(d, get(opts, "--db"));
    db_close(d);
    if (rc != 0) {
        fprintf(stderr, "thanthien user add: %s\n", e.user);
        return e.status == 400 || e.status == 409 ? 2 : 1;
    }
    printf("user %s added (id %lld)\n", get(opts, "--username"), (long long)id);
    return 0;
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    char *d = malloc(cap);
    size_t r;
    while (d && (r = fread(d + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) d = realloc(d, cap *= 2);
    }
    fclose(f);
    if (!d) return -1;
    *data = d;
    *len = n;
    return 0;
}

static int cmd_import(int argc, char **argv)
{
    const char *usage = "import procedures --db PATH FILE.csv";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nImports procedures (RFC 4180 CSV, UTF-8) with the columns %s", usage,
               catalog_csv_columns[0]);
        for (int i = 1; catalog_csv_columns[i]; i++) printf(",%s", catalog_csv_columns[i]);
        printf(".\nA procedure with the same unit and code is updated. If any line is wrong, nothing is saved.\n");
        return 0;
    }
    if (argc < 1 || strcmp(argv[0], "procedures") != 0)
        return usage_error("import", usage, "%s", "what to import: 'procedures'");
    opt opts[] = {{"--db", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("import procedures", usage, argc - 1, argv + 1, opts, pos, 1, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("import procedures", usage, "%s", "--db is required");
    if (npos != 1) return usage_error("import procedures", usage, "%s", "name the CSV file");
    char *data = NULL;
    size_t len = 0;
    if (read_file(pos[0], &data, &len) != 0) {
        fprintf(stderr, "thanthien import procedures: cannot read %s\n", pos[0]);
        return 1;
    }
    db *d = open_db(get(opts, "--db"));
    if (!d) {
        free(data);
        return 1;
    }
    arena *a = arena_new();
    err e = {0};
    int imported = 0;
    char *report = NULL;
    int rc = catalog_import_csv(d, a, data, len, 0, NULL, NULL, &imported, &report, &e);
    if (rc != 0) fprintf(stderr, "thanthien import procedures: %s\n%s", e.user, report ? report : "");
    else printf("%d procedures imported\n", imported);
    if (rc == 0) checkpoint_cli(d, get(opts, "--db"));
    arena_free(a);
    free(data);
    db_close(d);
    return rc == 0 ? 0 : 1;
}

static int cmd_export_codes(const char *usage, int argc, char **argv)
{
    opt opts[] = {{"--db", 1}, {"--sample", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    int64_t k;
    if (parse("export codes", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db") || !get(opts, "--sample"))
        return usage_error("export codes", usage, "%s", "--db and --sample are required");
    if (need_int("export codes", usage, opts, "--sample", 1, 100000000, 0, &k)) return 2;
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    err e = {0};
    int rc = demo_sample_codes(d, k, stdout, &e);
    db_close(d);
    if (rc != 0) fprintf(stderr, "thanthien export codes: %s (%s)\n", e.user, e.log);
    return rc == 0 ? 0 : 1;
}

static int cmd_export(int argc, char **argv)
{
    const char *usage = "export procedures --db PATH [--unit CODE] | export codes --db PATH --sample K";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nWrites the catalogue as CSV (the import format) to standard output; or K "
               "'code<TAB>secret' lines of dossiers spread evenly over the whole table (for benchmarks).\n", usage);
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "codes")) return cmd_export_codes(usage, argc - 1, argv + 1);
    if (argc < 1 || strcmp(argv[0], "procedures") != 0)
        return usage_error("export", usage, "%s", "what to export: 'procedures' or 'codes'");
    opt opts[] = {{"--db", 1}, {"--unit", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("export procedures", usage, argc - 1, argv + 1, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("export procedures", usage, "%s", "--db is required");
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    int64_t unit = 0;
    if (get(opts, "--unit") && (unit = account_unit_id(d, get(opts, "--unit"))) < 0) {
        db_close(d);
        return usage_error("export procedures", usage, "unknown unit '%s'", get(opts, "--unit"));
    }
    arena *a = arena_new();
    buf b;
    buf_init(&b, a);
    catalog_export_csv(d, a, unit, &b);
    fwrite(buf_cstr(&b), 1, b.len, stdout);
    arena_free(a);
    db_close(d);
    return 0;
}

static int cmd_verify_audit(int argc, char **argv)
{
    const char *usage = "verify-audit --db PATH [--audit-key FILE] [--audit-log FILE] [--expect-head ID:HASH]";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nChecks the hash chain of the audit log and, when the checkpoint file exists, "
               "every checkpoint the server signed with its key: a row removed before the last checkpoint (the last "
               "rows too), a rewritten log or a forged checkpoint fails. Defaults: DB.audit-key and DB.audit-log.\n"
               "--expect-head: a head written down earlier (as printed after OK) must still be in the log.\n"
               "Prints OK and the head, or what is broken, and exits 1.\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--audit-key", 1}, {"--audit-log", 1}, {"--expect-head", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("verify-audit", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("verify-audit", usage, "%s", "--db is required");
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    char key[PATH_MAX], log[PATH_MAX], why[PATH_MAX + 256] = "", head[96];
    audit_default_paths(get(opts, "--db"), get(opts, "--audit-key"), get(opts, "--audit-log"), key, log);
    audit_check c = {.key_path = key, .log_path = log, .expect_head = get(opts, "--expect-head")};
    int64_t checked = 0;
    int64_t broken = audit_verify_with(d, &c, why, sizeof why, &checked, head);
    db_close(d);
    bool anchored = access(log, F_OK) == 0;
    if (broken == 0) {
        printf("OK: %lld audit rows, chain intact%s; head %s\n", (long long)checked,
               anchored ? ", checkpoints signed and matching" : " (no checkpoint file: the last rows are not anchored)",
               head[0] ? head : "0:(empty)");
        return 0;
    }
    if (broken > 0) printf("BROKEN at row %lld: %s\n", (long long)broken, why);
    else printf("BROKEN: %s\n", why);
    return 1;
}

static int cmd_backup(int argc, char **argv)
{
    const char *usage = "backup --db PATH --to FILE";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nCopies the database to a new FILE while the server runs (SQLite's online "
               "backup API) and checks the copy. FILE must not exist. Restore by serving the copy.\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--to", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("backup", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db") || !get(opts, "--to"))
        return usage_error("backup", usage, "%s", "--db and --to are required");
    if (access(get(opts, "--to"), F_OK) == 0)
        return usage_error("backup", usage, "'%s' exists; a backup never overwrites a file", get(opts, "--to"));
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    err e = {0};
    int rc = db_backup(d, get(opts, "--to"), &e);
    db_close(d);
    if (rc != 0) {
        fprintf(stderr, "thanthien backup: %s (%s)\n", e.user, e.log);
        return 1;
    }
    printf("backup written to %s and checked\n", get(opts, "--to"));
    return 0;
}

/* The units a report covers: the one named, or every top-level unit (and so every unit). */
static int report_units(db *d, const char *code, int64_t *ids, int max)
{
    if (code) {
        ids[0] = account_unit_id(d, code);
        return ids[0] < 0 ? 0 : 1;
    }
    json_t *units = account_units_list(d, NULL);
    int n = 0;
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u) {
        if (n < max && !*json_string_value(json_object_get(u, "parent_code")))
            ids[n++] = json_integer_value(json_object_get(u, "id"));
    }
    json_decref(units);
    return n;
}

/* report model: one unit's figures for a year or half-year as JSON (report/figures.h), for
 * other systems (the province's portal, the ministry's spreadsheet). */
static int cmd_report_model(int argc, char **argv)
{
    const char *usage = "report model --db PATH --unit CODE --year Y [--half 1|2]";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nPrints the figures of the unit CODE (and every unit below it, summed) for year Y, "
               "or its first (January to June) or second (July to December) half, as one JSON object: the period, "
               "\"metrics\" (each figure by its key, rates in percent, null when there is nothing to count), their "
               "\"text\" as the pages print them, and the \"counts\" behind them.\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--db", 1}, {"--unit", 1}, {"--year", 1}, {"--half", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("report model", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("report model", usage, "%s", "--db is required");
    if (!get(opts, "--unit")) return usage_error("report model", usage, "%s", "--unit is required");
    if (!get(opts, "--year")) return usage_error("report model", usage, "%s", "--year is required");
    int64_t year, half = 0;
    if (need_int("report model", usage, opts, "--year", 1900, 9999, 0, &year)) return 2;
    if (get(opts, "--half") && need_int("report model", usage, opts, "--half", 1, 2, 0, &half)) return 2;
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    int64_t unit = account_unit_id(d, get(opts, "--unit"));
    if (unit < 0) {
        db_close(d);
        return usage_error("report model", usage, "no unit with code '%s'", get(opts, "--unit"));
    }
    cal_day from = cal_from_ymd((int)year, half == 2 ? 7 : 1, 1);
    cal_day to = half == 1 ? cal_from_ymd((int)year, 6, 30) : cal_from_ymd((int)year, 12, 31);
    arena *a = arena_new();
    unit_figures f;
    err e = {0};
    int rc = figures_compute(d, a, unit, from, to, (int64_t)clock_now(), &f, &e);
    db_close(d);
    if (rc) {
        fprintf(stderr, "thanthien report model: %s (%s)\n", e.user, e.log);
        arena_free(a);
        return 1;
    }
    json_t *o = figures_json(a, &f);
    if (half) json_object_set_new(o, "half", json_integer(half));
    json_object_set_new(o, "year", json_integer(year));
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    printf("%s\n", text ? text : "{}");
    free(text);
    arena_free(a);
    return 0;
}

static int cmd_report(int argc, char **argv)
{
    const char *usage = "report letters --db PATH --year Y [--unit CODE]\n       thanthien report model --db PATH "
                        "--unit CODE --year Y [--half 1|2]";
    if (argc >= 1 && !strcmp(argv[0], "model")) return cmd_report_model(argc - 1, argv + 1);
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nPrints one line \"kind<TAB>count\" for each kind of letter (apology, thanks, "
               "congratulation, condolence): the letters delivered in year Y (Vietnam time) by the unit CODE and every "
               "unit below it, or by all units; then \"stale_congratulation\" and \"stale_condolence\": those "
               "proposed letters that went stale that year (past their unit's limit, not handed over).\n",
               usage);
        return 0;
    }
    if (argc < 1 || strcmp(argv[0], "letters"))
        return usage_error("report", usage, "%s", "what to report: letters or model");
    opt opts[] = {{"--db", 1}, {"--year", 1}, {"--unit", 1}, {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("report", usage, argc - 1, argv + 1, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error("report", usage, "%s", "--db is required");
    int64_t year;
    if (!get(opts, "--year")) return usage_error("report", usage, "%s", "--year is required");
    if (need_int("report", usage, opts, "--year", 1900, 9999, 0, &year)) return 2;
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    int64_t units[64], total[LETTER_NKINDS] = {0}, stale[LETTER_NKINDS] = {0};
    int n = report_units(d, get(opts, "--unit"), units, 64);
    if (get(opts, "--unit") && n == 0) {
        db_close(d);
        return usage_error("report", usage, "no unit with code '%s'", get(opts, "--unit"));
    }
    for (int i = 0; i < n; i++) {
        int64_t c[LETTER_NKINDS][13];
        int64_t st[LETTER_NKINDS];
        if (letter_counts(d, units[i], (int)year, c) == 0)
            for (int k = 0; k < LETTER_NKINDS; k++) total[k] += c[k][0];
        if (letter_stale_counts(d, units[i], (int)year, (int64_t)clock_now(), st) == 0)
            for (int k = 0; k < LETTER_NKINDS; k++) stale[k] += st[k];
    }
    db_close(d);
    for (int k = 0; k < LETTER_NKINDS; k++) printf("%s\t%lld\n", letter_kinds[k], (long long)total[k]);
    /* apart: congratulations and condolences that went stale that year, never handed over */
    for (int k = 0; k < LETTER_NKINDS; k++)
        if (!strcmp(letter_kinds[k], "congratulation") || !strcmp(letter_kinds[k], "condolence"))
            printf("stale_%s\t%lld\n", letter_kinds[k], (long long)stale[k]);
    return 0;
}

/* ---- calendar ------------------------------------------------------------------------ */

#define YEAR_FIRST HOLIDAY_YEAR_FIRST
#define YEAR_LAST HOLIDAY_YEAR_LAST

/* "YYYY-MM-DD HH:MM" (or with a T) in Vietnam's time -> Unix seconds */
static bool parse_from(const char *s, int64_t *out)
{
    char local[17];
    if (!s || strlen(s) != 16 || (s[10] != ' ' && s[10] != 'T')) return false;
    memcpy(local, s, sizeof local);
    local[10] = 'T';
    return cal_parse_local_time(local, out);
}

static int calendar_year_days(const calendar *c, const cal_unit *u, int year)
{
    cal_entry *days = NULL;
    int n = calendar_year(c, u, year, &days);
    if (n < 0) {
        fprintf(stderr, "thanthien calendar: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (days[i].kind != CAL_OFF) continue;
        char iso[11];
        cal_format(days[i].day, iso);
        printf("%s\t%s\n", iso, days[i].reason);
    }
    free(days);
    return 0;
}

static int calendar_due(const calendar *c, const cal_unit *u, int64_t received, int days)
{
    char d0[11], due[11];
    cal_format(calendar_start_day(c, u, received), d0);
    int64_t at = calendar_due_at(c, u, received, days);
    cal_format(cal_local_day(at), due);
    printf("start (D0)\t%s\n", d0);
    arena *a = arena_new();
    printf("due\t%s %s\n", due, vn_hhmm(a, cal_local_minutes(at)));
    arena_free(a);
    printf("%s\n", due);
    return 0;
}

static int cmd_calendar(int argc, char **argv)
{
    const char *usage = "calendar --year Y [--unit CODE] [--db PATH]\n"
                        "       thanthien calendar --due --from \"YYYY-MM-DD HH:MM\" --days N [--unit CODE] [--db PATH]";
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nPrints the year's days off and why (YYYY-MM-DD<TAB>reason a line), or the due "
               "date of a procedure of N working days received at the given local time (UTC+7), on the last line. "
               "Without --db the built-in holiday rules and published schedules are used; --unit (with --db) applies "
               "the unit's cut-off hour and Saturday service.\n",
               usage);
        return 0;
    }
    opt opts[] = {{"--year", 1, .once = true}, {"--due", 0, .once = true},  {"--from", 1, .once = true},
                  {"--days", 1, .once = true}, {"--unit", 1, .once = true}, {"--db", 1, .once = true},
                  {NULL, 0}};
    const char *pos[1];
    int npos;
    if (parse("calendar", usage, argc, argv, opts, pos, 0, &npos)) return 2;
    bool due = flag(opts, "--due");
    const char *year_s = get(opts, "--year"), *from = get(opts, "--from");
    const char *days_s = get(opts, "--days"), *unit = get(opts, "--unit"), *path = get(opts, "--db");
    int64_t year = 0, days = 0, received = 0;
    if (due == (year_s != NULL)) return usage_error("calendar", usage, "%s", "give either --year Y or --due --from ... --days N");
    if (!due && (from || days_s)) return usage_error("calendar", usage, "%s", "--from and --days go with --due");
    if (year_s && (!text_parse_uint(year_s, YEAR_LAST, &year) || year < YEAR_FIRST))
        return usage_error("calendar", usage, "--year must be a year from 1900 to 2199, got '%s'", year_s);
    if (due && !parse_from(from, &received))
        return usage_error("calendar", usage, "--from must be \"YYYY-MM-DD HH:MM\" (a real date, local time), got '%s'",
                           from ? from : "");
    if (due && (!days_s || !text_parse_uint(days_s, CAL_MAX_DAYS, &days)))
        return usage_error("calendar", usage, "--days must be a whole number of working days from 0 to 3650, got '%s'",
                           days_s ? days_s : "");
    if (unit && !path) return usage_error("calendar", usage, "%s", "--unit needs --db (units live in the database)");
    int64_t from_year = due ? 0 : year;
    if (due) {
        int y, m, d;
        cal_to_ymd(cal_local_day(received), &y, &m, &d);
        from_year = y;
    }
    if (from_year < YEAR_FIRST || from_year > YEAR_LAST)
        return usage_error("calendar", usage, "the date must be in the years 1900 to 2199, got '%s'", from ? from : year_s);

    err e = {0};
    db *d = NULL;
    if (path) {
        d = db_open(path, &e);
        if (!d || db_migrate(d, &e) != 0) {
            fprintf(stderr, "thanthien calendar: %s (%s)\n", e.user, e.log);
            db_close(d);
            return 1;
        }
    }
    cal_unit u = CAL_UNIT_DEFAULT;
    if (unit) {
        int64_t id = account_unit_id(d, unit);
        if (id < 0) {
            db_close(d);
            return usage_error("calendar", usage, "unknown unit '%s'", unit);
        }
        u = holiday_unit(d, id);
    }
    const calendar *c = holiday_calendar(d, &e);
    int rc;
    if (!c) {
        fprintf(stderr, "thanthien calendar: %s (%s)\n", e.user, e.log);
        rc = 1;
    } else {
        rc = due ? calendar_due(c, &u, received, (int)days) : calendar_year_days(c, &u, (int)year);
    }
    db_close(d);
    holiday_cleanup();
    return rc;
}

/* ---- api-key: the keys of the apps that file feedback through Open311 (open311.h) ------ */

static int cmd_api_key(int argc, char **argv)
{
    const char *usage = "api-key add --db PATH --unit CODE --name NAME | api-key list --db PATH [--unit CODE] | "
                        "api-key revoke --db PATH --id N";
    const char *sub = argc > 0 ? argv[0] : "";
    bool add = !strcmp(sub, "add"), list = !strcmp(sub, "list"), revoke = !strcmp(sub, "revoke");
    if (wants_help(argc, argv)) {
        printf("usage: thanthien %s\n\nAn app (a reporting app, a portal) files feedback at /open311/v2/ with a key "
               "issued for one unit.\n'add' prints the new key once: only its hash is kept, so write it down. 'revoke' "
               "stops a key at once.\n",
               usage);
        return 0;
    }
    if (!add && !list && !revoke) return usage_error("api-key", usage, "%s", "say add, list or revoke");
    opt opts[] = {{"--db", 1, .once = true}, {"--unit", 1, .once = true}, {"--name", 1, .once = true},
                  {"--id", 1, .once = true}, {NULL, 0}};
    const char *pos[1];
    int npos;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "api-key %s", sub);
    if (parse(cmd, usage, argc - 1, argv + 1, opts, pos, 0, &npos)) return 2;
    if (!get(opts, "--db")) return usage_error(cmd, usage, "%s", "--db is required");
    if (add && (!get(opts, "--unit") || !get(opts, "--name")))
        return usage_error(cmd, usage, "%s", "--unit and --name are required");
    if ((add || list) && get(opts, "--id")) return usage_error(cmd, usage, "%s", "--id is only for revoke");
    if (!add && get(opts, "--name")) return usage_error(cmd, usage, "%s", "--name is only for add");
    int64_t id = 0;
    if (revoke) {
        if (!get(opts, "--id")) return usage_error(cmd, usage, "%s", "--id is required (see api-key list)");
        if (get(opts, "--unit")) return usage_error(cmd, usage, "%s", "--unit is not for revoke");
        if (need_int(cmd, usage, opts, "--id", 1, INT64_MAX / 2, 0, &id)) return 2;
    }
    db *d = open_db(get(opts, "--db"));
    if (!d) return 1;
    err e = {0};
    int rc = 0;
    int64_t now = (int64_t)clock_now();
    if (add) {
        char key[OPEN311_KEY_LEN + 1];
        arena *a = arena_new();
        char *name = NULL;
        const char *raw = get(opts, "--name");
        if (text_clean(a, raw, strlen(raw), false, 200, &name) != TEXT_OK) name = NULL;
        if (!name) {
            arena_free(a);
            db_close(d);
            return usage_error(cmd, usage, "--name must be UTF-8 text of at most 200 characters, got '%s'", raw);
        }
        rc = open311_key_add(d, get(opts, "--unit"), name, now, key, &id, &e);
        arena_free(a);
        if (rc == 0) {
            checkpoint_cli(d, get(opts, "--db"));
            printf("%s\n", key);
            fprintf(stderr, "api key %lld for unit %s; shown once, only its hash is stored\n", (long long)id,
                    get(opts, "--unit"));
            sodium_memzero(key, sizeof key);
        }
    } else if (revoke) {
        rc = open311_key_revoke(d, id, now, &e);
        if (rc == 0) {
            checkpoint_cli(d, get(opts, "--db"));
            printf("api key %lld revoked\n", (long long)id);
        }
    } else {
        json_t *keys = open311_key_list(d, get(opts, "--unit"));
        size_t i;
        json_t *k;
        printf("id\tunit\tname\tprefix\tcreated\tstatus\n");
        json_array_foreach(keys, i, k)
        {
            arena *a = arena_new();
            json_t *rev = json_object_get(k, "revoked_at");
            printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(k, "id")),
                   json_string_value(json_object_get(k, "unit")), json_string_value(json_object_get(k, "name")),
                   json_string_value(json_object_get(k, "prefix")),
                   vn_datetime(a, json_integer_value(json_object_get(k, "created_at"))),
                   json_is_null(rev) ? "active" : arena_printf(a, "revoked %s", vn_datetime(a, json_integer_value(rev))));
            arena_free(a);
        }
        json_decref(keys);
    }
    db_close(d);
    if (rc != 0) {
        fprintf(stderr, "thanthien %s: %s\n", cmd, e.user);
        return e.status == 400 || e.status == 404 || e.status == 409 ? 2 : 1;
    }
    return 0;
}

/* ---- the table ------------------------------------------------------------------------ */

typedef struct {
    const char *name;                  /* argv[1] */
    int (*run)(int argc, char **argv); /* the arguments after the name */
    const char *help;                  /* its line(s) in `thanthien help` */
} command;

static const command commands[] = {
    {"serve", cmd_serve, "serve          serve the web site and API (--db PATH --port N [--listen ADDR])"},
    {"migrate", cmd_migrate, "migrate        create or upgrade a database (--db PATH)"},
    {"notify", cmd_notify, "notify         send the notification outbox (--db PATH --once --smtp-url ...)"},
    {"demo", cmd_demo, "demo           fill an empty database with demonstration data (--db PATH [--dossiers N])"},
    {"user", cmd_user, "user add       add a user (--db --unit --role --username --password-stdin)"},
    {"import", cmd_import, "import procedures  import the procedure catalogue from CSV"},
    {"export", cmd_export, "export procedures  write the procedure catalogue as CSV\n"
                           "  export codes   K dossier codes and secrets for benchmarks (--db PATH --sample K)"},
    {"verify-audit", cmd_verify_audit, "verify-audit   check the audit log's hash chain"},
    {"backup", cmd_backup, "backup         copy the live database to a new file (--db PATH --to FILE)"},
    {"calendar", cmd_calendar, "calendar       a year's days off, or a due date (--year Y | --due --from T --days N)"},
    {"api-key", cmd_api_key, "api-key add    issue an Open311 key to an app (--db PATH --unit CODE --name NAME);\n"
                             "  api-key list   the keys (--db PATH [--unit CODE]); api-key revoke --db PATH --id N"},
    {"report", cmd_report, "report letters letters delivered in a year, by kind (--db PATH --year Y [--unit CODE]); "
                          "report model: a unit's figures as JSON (--db PATH --unit CODE --year Y [--half 1|2])"},
};

static void general_help(FILE *out)
{
    fprintf(out, "usage: thanthien COMMAND [OPTIONS]\n\n"
                 "Thân Thiện: the friendly-government system for Vietnamese communes.\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) fprintf(out, "  %s\n", commands[i].help);
    fprintf(out, "\n'thanthien COMMAND --help' tells more.\n");
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "thanthien: libsodium failed to start\n");
        return 1;
    }
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        general_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "thanthien: unknown command '%s'\n\n", cmd);
    general_help(stderr);
    return 2;
}
