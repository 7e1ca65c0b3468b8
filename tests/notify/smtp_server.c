/* smtp_server.c -- test scaffolding, not product code: a small SMTP server on a loopback port
 * that speaks enough of RFC 5321 for libcurl (EHLO/HELO, AUTH PLAIN, MAIL FROM, RCPT TO,
 * DATA with dot-unstuffing, RSET, NOOP, QUIT), records every message it accepts, and can be
 * told to answer MAIL FROM with a temporary failure (451) the next K times or to refuse
 * recipients with a permanent one (550).
 *
 * One thread, one connection at a time (the sender opens one per message). Included by the
 * tests that use it (#include "../notify/smtp_server.c"). */
#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SMTP_MAX_MAILS 32

typedef struct {
    char from[256];
    char rcpt[4][256];
    int nrcpt;
    char *data;                 /* the message as received, dots unstuffed, CRLF line ends */
    char user[64], pass[64];    /* AUTH PLAIN of the session, if any */
} smtp_mail;

typedef struct {
    int fd, port;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;
    smtp_mail mails[SMTP_MAX_MAILS];
    int nmails;
    int sessions;               /* connections served */
    int fail_mail_from;         /* answer MAIL FROM with 451 this many more times */
    int rcpt_code;              /* 0: accept recipients; else answer RCPT TO with this code */
    bool offer_auth;
} smtp_server;

typedef struct {
    int fd;
    char buf[4096];
    size_t len;
} line_reader;

/* One line without its CRLF into out; false when the peer is gone. */
static bool smtp_read_line(line_reader *lr, char *out, size_t n)
{
    for (;;) {
        char *nl = memchr(lr->buf, '\n', lr->len);
        if (nl) {
            size_t k = (size_t)(nl - lr->buf) + 1;
            size_t copy = k - 1;
            if (copy && lr->buf[copy - 1] == '\r') copy--;
            if (copy >= n) copy = n - 1;
            memcpy(out, lr->buf, copy);
            out[copy] = '\0';
            memmove(lr->buf, lr->buf + k, lr->len - k);
            lr->len -= k;
            return true;
        }
        if (lr->len == sizeof lr->buf) lr->len = 0;   /* an over-long line: drop it */
        ssize_t r = recv(lr->fd, lr->buf + lr->len, sizeof lr->buf - lr->len, 0);
        if (r <= 0) return false;
        lr->len += (size_t)r;
    }
}

static void smtp_say(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

/* "<addr>" (with optional parameters after it) -> addr */
static void smtp_angle(const char *arg, char *out, size_t n)
{
    const char *lt = strchr(arg, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!lt || !gt) {
        snprintf(out, n, "%s", arg);
        return;
    }
    snprintf(out, n, "%.*s", (int)(gt - lt - 1), lt + 1);
}

static void smtp_auth_plain(const char *b64, char *user, char *pass)
{
    gsize len = 0;
    guchar *raw = g_base64_decode(b64, &len);
    /* authzid \0 authcid \0 password */
    const char *p = (const char *)raw, *end = p + len;
    const char *u = memchr(p, '\0', len);
    if (u && u + 1 < end) {
        u++;
        const char *pw = memchr(u, '\0', (size_t)(end - u));
        if (pw) {
            snprintf(user, 64, "%.*s", (int)(pw - u), u);
            snprintf(pass, 64, "%.*s", (int)(end - pw - 1), pw + 1);
        }
    }
    g_free(raw);
}

static void smtp_session(smtp_server *s, int fd)
{
    line_reader lr = {.fd = fd};
    char line[4096];
    smtp_mail cur = {0};
    char user[64] = "", pass[64] = "";
    smtp_say(fd, "220 localhost ESMTP test\r\n");
    while (smtp_read_line(&lr, line, sizeof line)) {
        if (!strncasecmp(line, "EHLO", 4)) {
            smtp_say(fd, s->offer_auth ? "250-localhost\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n"
                                       : "250-localhost\r\n250 8BITMIME\r\n");
        } else if (!strncasecmp(line, "HELO", 4)) {
            smtp_say(fd, "250 localhost\r\n");
        } else if (!strncasecmp(line, "AUTH PLAIN", 10)) {
            if (line[10] == ' ' && line[11]) {
                smtp_auth_plain(line + 11, user, pass);
            } else {
                smtp_say(fd, "334 \r\n");
                if (!smtp_read_line(&lr, line, sizeof line)) break;
                smtp_auth_plain(line, user, pass);
            }
            smtp_say(fd, "235 2.7.0 Authentication successful\r\n");
        } else if (!strncasecmp(line, "MAIL FROM:", 10)) {
            pthread_mutex_lock(&s->mu);
            bool fail = s->fail_mail_from > 0;
            if (fail) s->fail_mail_from--;
            pthread_mutex_unlock(&s->mu);
            if (fail) {
                smtp_say(fd, "451 4.3.0 Try again later\r\n");
                continue;
            }
            memset(&cur, 0, sizeof cur);
            smtp_angle(line + 10, cur.from, sizeof cur.from);
            smtp_say(fd, "250 OK\r\n");
        } else if (!strncasecmp(line, "RCPT TO:", 8)) {
            if (s->rcpt_code) {
                char answer[64];
                snprintf(answer, sizeof answer, "%d No such user\r\n", s->rcpt_code);
                smtp_say(fd, answer);
                continue;
            }
            if (cur.nrcpt < 4) smtp_angle(line + 8, cur.rcpt[cur.nrcpt++], sizeof cur.rcpt[0]);
            smtp_say(fd, "250 OK\r\n");
        } else if (!strcasecmp(line, "DATA")) {
            if (!cur.nrcpt) {
                smtp_say(fd, "503 No recipients\r\n");
                continue;
            }
            smtp_say(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
            GString *data = g_string_new(NULL);
            bool whole = false;
            while (smtp_read_line(&lr, line, sizeof line)) {
                if (!strcmp(line, ".")) {
                    whole = true;
                    break;
                }
                g_string_append(data, line[0] == '.' ? line + 1 : line);
                g_string_append(data, "\r\n");
            }
            if (!whole) {
                g_string_free(data, TRUE);
                break;
            }
            cur.data = g_string_free(data, FALSE);
            snprintf(cur.user, sizeof cur.user, "%s", user);
            snprintf(cur.pass, sizeof cur.pass, "%s", pass);
            pthread_mutex_lock(&s->mu);
            if (s->nmails < SMTP_MAX_MAILS) s->mails[s->nmails++] = cur;
            else g_free(cur.data);
            pthread_mutex_unlock(&s->mu);
            memset(&cur, 0, sizeof cur);
            smtp_say(fd, "250 OK queued\r\n");
        } else if (!strcasecmp(line, "RSET")) {
            memset(&cur, 0, sizeof cur);
            smtp_say(fd, "250 OK\r\n");
        } else if (!strcasecmp(line, "NOOP")) {
            smtp_say(fd, "250 OK\r\n");
        } else if (!strcasecmp(line, "QUIT")) {
            smtp_say(fd, "221 Bye\r\n");
            break;
        } else {
            smtp_say(fd, "502 Command not implemented\r\n");
        }
    }
}

static void *smtp_main(void *arg)
{
    smtp_server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0) continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0) continue;
        struct timeval tv = {.tv_sec = 5};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        pthread_mutex_lock(&s->mu);
        s->sessions++;
        pthread_mutex_unlock(&s->mu);
        smtp_session(s, c);
        close(c);
    }
    return NULL;
}

/* port 0: any free port. NULL when the port cannot be had. */
static smtp_server *smtp_start(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0) {
        close(fd);
        return NULL;
    }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    smtp_server *s = calloc(1, sizeof *s);
    s->fd = fd;
    s->port = ntohs(a.sin_port);
    pthread_mutex_init(&s->mu, NULL);
    /* the server thread takes no signals: a test's SIGTERM is for the thread it means */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_create(&s->thread, NULL, smtp_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return s;
}

static int smtp_count(smtp_server *s)
{
    pthread_mutex_lock(&s->mu);
    int n = s->nmails;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void smtp_stop(smtp_server *s)
{
    if (!s) return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->fd);
    for (int i = 0; i < s->nmails; i++) g_free(s->mails[i].data);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
