/* message.c -- templates, addresses, unaccented text and MIME for the outbox (message.h). */
#include "message.h"

#include <glib.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "../core/subst.h"
#include "../core/vntime.h"

const char *const notify_var_names[NOTIFY_NVARS] = {"code", "secret", "name",   "procedure", "due",
                                                    "new_due", "reason", "unit", "link", "title",
                                                    "rating_link"};

/* ---- {{variable}} substitution (core/subst.h) ----------------------------------------- */

char *notify_subst(arena *a, const char *tmpl, const char *const values[NOTIFY_NVARS])
{
    return subst(a, tmpl, notify_var_names, NOTIFY_NVARS, values);
}

int notify_subst_check(arena *a, const char *tmpl, const char **bad)
{
    return subst_check(a, tmpl, notify_var_names, NOTIFY_NVARS, bad);
}

/* ---- text ------------------------------------------------------------------------------ */

char *notify_unaccent(arena *a, const char *s)
{
    gchar *nfd = g_utf8_normalize(s ? s : "", -1, G_NORMALIZE_NFD);
    if (!nfd) return arena_strdup(a, "");
    buf b;
    buf_init(&b, a);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        if (u >= 0x0300 && u <= 0x036f) continue;   /* the marks Vietnamese letters carry */
        if (u == 0x0111) u = 'd';
        if (u == 0x0110) u = 'D';
        char tmp[8];
        buf_add(&b, tmp, (size_t)g_unichar_to_utf8(u, tmp));
    }
    g_free(nfd);
    /* what is left of other scripts goes back to its composed form */
    gchar *nfc = g_utf8_normalize(buf_cstr(&b), -1, G_NORMALIZE_NFC);
    char *out = arena_strdup(a, nfc ? nfc : "");
    g_free(nfc);
    return out;
}

bool notify_is_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80) return false;
    return true;
}

char *notify_one_line(arena *a, const char *s)
{
    char *out = arena_strdup(a, s ? s : "");
    for (char *p = out; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t') *p = ' ';
    return out;
}

bool notify_email_ok(const char *s)
{
    if (!s) return false;
    size_t n = strlen(s);
    const char *at = strchr(s, '@');
    if (n < 3 || n > 254 || !at || strchr(at + 1, '@') || at == s || at - s > 64) return false;
    for (const char *p = s; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p)) return false;
    const char *dot = strchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] && s[n - 1] != '.';
}

char *notify_phone_normalize(arena *a, const char *s)
{
    if (!s) return NULL;
    buf b;
    buf_init(&b, a);
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') buf_putc(&b, *p), digits++;
        else if (*p == '+' && b.len == 0 && digits == 0) buf_putc(&b, '+');
        else if (!strchr(" .-()", *p)) return NULL;
    }
    return digits >= 9 && digits <= 15 ? (char *)buf_cstr(&b) : NULL;
}

bool notify_mailbox_split(arena *a, const char *mailbox, const char **name, const char **addr)
{
    const char *lt = mailbox ? strchr(mailbox, '<') : NULL;
    if (!lt) {
        *name = "";
        *addr = g_strstrip(arena_strdup(a, mailbox ? mailbox : ""));
        return notify_email_ok(*addr);
    }
    const char *gt = strchr(lt, '>');
    if (!gt || gt[1 + strspn(gt + 1, " ")] != '\0') return false;
    char *nm = g_strstrip(arena_strndup(a, mailbox, (size_t)(lt - mailbox)));
    size_t nl = strlen(nm);
    if (nl >= 2 && nm[0] == '"' && nm[nl - 1] == '"') nm[nl - 1] = '\0', nm++;
    *name = nm;
    *addr = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
    return notify_email_ok(*addr);
}

/* ---- MIME -------------------------------------------------------------------------------- */

static void base64_add(buf *b, const unsigned char *data, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = arena_alloc(b->a, cap);
    sodium_bin2base64(out, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
    buf_puts(b, out);
}

size_t notify_header_words(buf *b, const char *text, size_t used)
{
    char *s = notify_one_line(b->a, text);
    size_t n = strlen(s);
    bool plain = used + n <= 76 && !strstr(s, "=?");
    for (size_t i = 0; i < n && plain; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f) plain = false;
    if (plain) {
        buf_puts(b, s);
        return used + n;
    }
    /* each word "=?UTF-8?B?" + base64 + "?=" stays within the 76 columns of its line */
    size_t line = used;
    const char *p = s, *end = s + n;
    do {
        size_t room = line + 12 < 76 ? (76 - line - 12) / 4 * 3 : 0;
        if (room < 12) {                  /* too little left on this line: fold first */
            buf_puts(b, "\r\n ");
            line = 1;
            continue;
        }
        const char *q = p;                /* take whole UTF-8 characters that fit */
        while (q < end) {
            const char *next = g_utf8_find_next_char(q, end);
            if (!next) next = end;
            if ((size_t)(next - p) > room) break;
            q = next;
        }
        if (q == p) q = p + 1;            /* a stray byte longer than room cannot happen; be safe */
        size_t before = b->len;
        buf_puts(b, "=?UTF-8?B?");
        base64_add(b, (const unsigned char *)p, (size_t)(q - p));
        buf_puts(b, "?=");
        line += b->len - before;
        p = q;
        if (p < end) {
            buf_puts(b, "\r\n ");
            line = 1;
        }
    } while (p < end);
    return line;
}

void notify_rfc5322_date(int64_t t, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    vn_civil c;
    vn_civil_time(t, &c);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0700", days[c.weekday], c.day, months[c.month - 1], c.year,
             c.hour, c.minute, c.second);
}

char *notify_mail_build(arena *a, const notify_mail *m)
{
    const char *from_name, *from_addr;
    if (!notify_mailbox_split(a, m->from, &from_name, &from_addr) || !notify_email_ok(m->to)) return NULL;
    buf b;
    buf_init(&b, a);
    buf_puts(&b, "From: ");
    if (*from_name) {
        bool quotable = notify_is_ascii(from_name) && !strpbrk(from_name, "\"\\\r\n") && strlen(from_name) < 50;
        size_t line = 6 + strlen(from_name) + 2;
        if (quotable) buf_printf(&b, "\"%s\"", from_name);
        else line = notify_header_words(&b, from_name, 6);
        /* the address on a line of its own when it would not fit after the name */
        buf_printf(&b, "%s<%s>\r\n", line + 3 + strlen(from_addr) > 76 ? "\r\n " : " ", from_addr);
    } else {
        buf_printf(&b, "%s\r\n", from_addr);
    }
    buf_printf(&b, "To: %s\r\n", m->to);
    buf_puts(&b, "Subject: ");
    notify_header_words(&b, m->subject, 9);
    char date[40];
    notify_rfc5322_date(m->date, date);
    buf_printf(&b, "\r\nDate: %s\r\n", date);
    if (m->message_id) buf_printf(&b, "Message-ID: %s\r\n", m->message_id);
    buf_puts(&b, "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=UTF-8\r\n"
                 "Content-Transfer-Encoding: base64\r\n"
                 "Auto-Submitted: auto-generated\r\n\r\n");
    /* the canonical form of text is CRLF line ends, then base64 in lines of 76 */
    buf text;
    buf_init(&text, a);
    for (const char *p = m->body ? m->body : ""; *p; p++) {
        if (*p == '\r') continue;
        if (*p == '\n') buf_putc(&text, '\r');
        buf_putc(&text, *p);
    }
    for (size_t off = 0; off < text.len; off += 57) {
        size_t k = text.len - off < 57 ? text.len - off : 57;
        base64_add(&b, (const unsigned char *)text.data + off, k);
        buf_puts(&b, "\r\n");
    }
    return (char *)buf_cstr(&b);
}
