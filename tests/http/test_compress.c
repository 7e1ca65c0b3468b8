/* test_compress.c -- compressed pages (issue 11): what a citizen's phone downloads on a first
 * visit, and that every client still reads the same page.
 *
 * A cold visit is a page fetched with no cookie and no cache, as a browser's "Accept-Encoding:
 * br, gzip", plus every stylesheet, script and icon it links: the bytes on the wire (status
 * line, headers and the body as sent, still compressed) must stay within 30 KB. The decoded
 * bodies must be the very bytes a client without Accept-Encoding gets, and the answers say
 * "Vary: Accept-Encoding" so no cache hands a compressed page to a client that cannot read it.
 * harness.h starts the server on a fresh demo database. */
#include "harness.h"

#include <stdbool.h>
#include <strings.h>

#define COLD_PAGE_LIMIT 30000   /* bytes: the "at most 30 KB" */
#define ANON_CSRF "tt_csrf=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* GET with an exact Accept-Encoding (NULL: none sent). decode: let libcurl undo the coding, to
 * read the page; otherwise the body is the bytes as sent. */
static response fetch(const char *path, const char *accept_encoding, bool decode, const char *cookie,
                      const char *extra_header)
{
    response r = {0};
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[2048], ae[128];
    snprintf(url, sizeof url, "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_headers);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    if (cookie) curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    struct curl_slist *h = NULL;
    if (accept_encoding && decode) {
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, accept_encoding);   /* sends it and decodes */
    } else if (accept_encoding) {
        snprintf(ae, sizeof ae, "Accept-Encoding: %s", accept_encoding);
        h = curl_slist_append(h, ae);
    }
    if (extra_header) h = curl_slist_append(h, extra_header);
    if (h) curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("GET %s: %s", path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

/* The value of a response header (first one), copied to out; "" when absent. */
static const char *header_value(const response *r, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    const char *p = strcasestr(r->headers, key);
    if (!p) return out;
    p += strlen(key);
    while (*p == ' ') p++;
    size_t k = strcspn(p, "\r\n");
    snprintf(out, n, "%.*s", (int)k, p);
    return out;
}

/* Whether some Vary header of the response names Accept-Encoding. */
static bool varies_on_encoding(const response *r)
{
    for (const char *p = r->headers; (p = strcasestr(p, "\nVary:")); p++) {
        size_t k = strcspn(p + 1, "\r\n");
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)k, p + 1);
        if (strcasestr(line, "Accept-Encoding")) return true;
    }
    return false;
}

static const char *coding_of(const response *r)
{
    static char v[64];
    return header_value(r, "Content-Encoding", v, sizeof v);
}

/* Same status and body bytes as the identity answer, coded as expected, Vary present. */
static void assert_same_decoded(const char *path, const char *cookie, const char *expect_coding)
{
    response plain = fetch(path, NULL, false, cookie, NULL);
    response coded = fetch(path, "br, gzip", false, cookie, NULL);
    response decoded = fetch(path, "br, gzip", true, cookie, NULL);
    assert_int_equal(plain.status, 200);
    assert_int_equal(decoded.status, 200);
    assert_string_equal(coding_of(&plain), "");
    assert_string_equal(coding_of(&coded), expect_coding);
    if (*expect_coding) assert_true(coded.len < plain.len);
    if (decoded.len != plain.len || memcmp(decoded.body, plain.body, plain.len))
        fail_msg("%s: the decoded body (%zu bytes) differs from the identity one (%zu bytes)", path, decoded.len,
                 plain.len);
    if (!varies_on_encoding(&plain) || !varies_on_encoding(&coded))
        fail_msg("%s: no Vary: Accept-Encoding in:\n%s", path, coded.headers);
    response_free(&plain);
    response_free(&coded);
    response_free(&decoded);
}

/* The local URLs a page makes the browser fetch: <link href>, <script src>, <img src>. */
static int page_assets(const char *html, char out[][256], int max)
{
    int n = 0;
    for (const char *p = html; (p = strchr(p, '<')) && n < max; p++) {
        const char *attr = !strncasecmp(p, "<link ", 6) ? "href=\"" : !strncasecmp(p, "<script ", 8) ? "src=\""
                           : !strncasecmp(p, "<img ", 5)  ? "src=\""
                                                          : NULL;
        if (!attr) continue;
        const char *end = strchr(p, '>');
        const char *v = strstr(p, attr);
        if (!end || !v || v > end) continue;
        v += strlen(attr);
        size_t k = strcspn(v, "\"");
        if (*v != '/' || v[1] == '/') continue;   /* data: URIs travel inside the page */
        snprintf(out[n], 256, "%.*s", (int)k, v);
        bool seen = false;
        for (int i = 0; i < n; i++) seen |= !strcmp(out[i], out[n]);
        if (!seen) n++;
    }
    return n;
}

/* Bytes on the wire for a cold visit to path: the page and each asset it links, br or gzip. */
static size_t cold_visit(const char *path, char *report, size_t report_len)
{
    response page = fetch(path, "br, gzip", false, NULL, NULL);
    if (page.status != 200) fail_msg("GET %s: %ld", path, page.status);
    size_t total = page.hlen + page.len;
    int off = snprintf(report, report_len, "%s: page %zu", path, page.hlen + page.len);
    response read = fetch(path, "br, gzip", true, NULL, NULL);
    char assets[16][256];
    int n = page_assets(read.body, assets, 16);
    assert_true(n >= 2);   /* the two stylesheets at least */
    for (int i = 0; i < n; i++) {
        response a = fetch(assets[i], "br, gzip", false, NULL, NULL);
        if (a.status != 200) fail_msg("%s links %s: %ld", path, assets[i], a.status);
        total += a.hlen + a.len;
        if (off > 0 && (size_t)off < report_len)
            off += snprintf(report + off, report_len - (size_t)off, " + %s %zu", assets[i], a.hlen + a.len);
        response_free(&a);
    }
    if (off > 0 && (size_t)off < report_len) snprintf(report + off, report_len - (size_t)off, " = %zu bytes", total);
    response_free(&page);
    response_free(&read);
    return total;
}

/* The citizen's pages, found in the demo database: procedure, a dossier's code and secret. */
static int citizen_pages(char pages_out[][256])
{
    int64_t proc = procedure_id("khai+sinh");
    char *codes[] = {(char *)bin, "export", "codes", "--db", dbpath, "--sample", "1", NULL};
    char out[320];
    snprintf(out, sizeof out, "%s/codes.txt", dir);
    assert_int_equal(run(out, codes, NULL), 0);
    char *line = slurp(out), code[64] = "", secret[16] = "";
    assert_int_equal(sscanf(line, "%63s %15s", code, secret), 2);
    free(line);
    int n = 0;
    snprintf(pages_out[n++], 256, "/");
    snprintf(pages_out[n++], 256, "/don-vi/05443");
    snprintf(pages_out[n++], 256, "/thu-tuc");
    snprintf(pages_out[n++], 256, "/thu-tuc?don_vi=05443");
    snprintf(pages_out[n++], 256, "/thu-tuc/%lld", (long long)proc);
    snprintf(pages_out[n++], 256, "/tra-cuu");
    snprintf(pages_out[n++], 256, "/tra-cuu?ma=%s&bm=%s", code, secret);
    snprintf(pages_out[n++], 256, "/dat-lich?don_vi=05443");
    snprintf(pages_out[n++], 256, "/dat-lich?don_vi=05443&thu_tuc=%lld", (long long)proc);
    snprintf(pages_out[n++], 256, "/dat-lich/tra-cuu");
    return n;
}

/* ---- the cases ---------------------------------------------------------------------------- */

/* A first visit to any citizen page costs at most 30 KB, assets included. */
static void cold_citizen_pages_stay_within_30_kb(void **state)
{
    (void)state;
    char pages[16][256];
    int n = citizen_pages(pages);
    for (int i = 0; i < n; i++) {
        char report[2048];
        size_t total = cold_visit(pages[i], report, sizeof report);
        print_message("%s\n", report);
        if (total > COLD_PAGE_LIMIT) fail_msg("a cold visit costs more than %d bytes: %s", COLD_PAGE_LIMIT, report);
    }
}

/* The decoded page and assets are the identity bytes; the coding is br for a browser. */
static void decoded_bodies_equal_identity(void **state)
{
    (void)state;
    char pages[16][256];
    int n = citizen_pages(pages);
    for (int i = 0; i < n; i++) assert_same_decoded(pages[i], ANON_CSRF, "br");
    response page = fetch("/", "br, gzip", true, NULL, NULL);
    char assets[16][256];
    int k = page_assets(page.body, assets, 16);
    response_free(&page);
    for (int i = 0; i < k; i++) assert_same_decoded(assets[i], NULL, "br");
    /* JSON as well: the catalogue's API */
    assert_same_decoded("/api/v1/procedures?don_vi=05443", NULL, "br");
}

/* No Accept-Encoding: the identity body, whatever its size, and still Vary. */
static void a_client_without_accept_encoding_gets_identity(void **state)
{
    (void)state;
    const char *paths[] = {"/thu-tuc", "/static/govuk-frontend.min.css", "/static/app.css", "/api/v1/procedures"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        response r = fetch(paths[i], NULL, false, NULL, NULL);
        assert_int_equal(r.status, 200);
        assert_string_equal(coding_of(&r), "");
        assert_true(varies_on_encoding(&r));
        assert_true(r.body[0] == '<' || r.body[0] == '{' || r.body[0] == '@' || r.body[0] == '/');
        response_free(&r);
    }
    /* "identity" alone, or an unknown coding, is no different */
    response r = fetch("/thu-tuc", "identity", false, NULL, NULL);
    assert_string_equal(coding_of(&r), "");
    response_free(&r);
    r = fetch("/static/app.css", "compress, zstd", false, NULL, NULL);
    assert_string_equal(coding_of(&r), "");
    response_free(&r);
}

/* q=0 refuses a coding; the higher weight wins; br before gzip at equal weight. */
static void accept_encoding_weights_are_honoured(void **state)
{
    (void)state;
    struct {
        const char *ae, *coding;
    } cases[] = {
        {"br, gzip", "br"},
        {"gzip, br", "br"},
        {"gzip", "gzip"},
        {"x-gzip", "gzip"},
        {"br;q=0, gzip", "gzip"},
        {"br; q=0.0, gzip;q=0.5", "gzip"},
        {"gzip;q=0", ""},
        {"br;q=0, gzip;q=0", ""},
        {"*;q=0", ""},
        {"*", "br"},
        {"br;q=0, *", "gzip"},
        {"gzip;q=1, br;q=0.5", "gzip"},
        {"gzip;q=0.5, br;q=0.8", "br"},
        {"BR, GZIP", "br"},
        {"deflate, gzip;q=0.001", "gzip"},
    };
    const char *paths[] = {"/thu-tuc", "/static/govuk-frontend.min.css"};
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            response r = fetch(paths[p], cases[i].ae, false, NULL, NULL);
            assert_int_equal(r.status, 200);
            if (strcmp(coding_of(&r), cases[i].coding))
                fail_msg("%s with Accept-Encoding: %s: coded \"%s\", expected \"%s\"", paths[p], cases[i].ae,
                         coding_of(&r), cases[i].coding);
            response_free(&r);
        }
    }
}

/* Each coding of a static asset has its own ETag, and a revalidation answers 304 only for
 * the variant it names. */
static void each_coding_has_its_own_etag(void **state)
{
    (void)state;
    char plain_tag[80], br_tag[80], gz_tag[80], h[160];
    response r = fetch("/static/app.css", NULL, false, NULL, NULL);
    header_value(&r, "ETag", plain_tag, sizeof plain_tag);
    response_free(&r);
    r = fetch("/static/app.css", "br", false, NULL, NULL);
    header_value(&r, "ETag", br_tag, sizeof br_tag);
    response_free(&r);
    r = fetch("/static/app.css", "gzip", false, NULL, NULL);
    header_value(&r, "ETag", gz_tag, sizeof gz_tag);
    response_free(&r);
    assert_true(plain_tag[0] && br_tag[0] && gz_tag[0]);
    assert_string_not_equal(plain_tag, br_tag);
    assert_string_not_equal(plain_tag, gz_tag);
    assert_string_not_equal(br_tag, gz_tag);
    snprintf(h, sizeof h, "If-None-Match: %s", br_tag);
    r = fetch("/static/app.css", "br, gzip", false, NULL, h);
    assert_int_equal(r.status, 304);
    assert_true(varies_on_encoding(&r));
    assert_int_equal(r.len, 0);
    response_free(&r);
    r = fetch("/static/app.css", "gzip", false, NULL, h);   /* the br variant's tag: not this one */
    assert_int_equal(r.status, 200);
    assert_string_equal(coding_of(&r), "gzip");
    response_free(&r);
    snprintf(h, sizeof h, "If-None-Match: \"other\", W/%s", plain_tag);   /* a list, weakly compared */
    r = fetch("/static/app.css", NULL, false, NULL, h);
    assert_int_equal(r.status, 304);
    response_free(&r);
}

/* Small bodies and documents compressed already (PDF) go out as they are. */
static void small_and_binary_bodies_are_left_alone(void **state)
{
    (void)state;
    response r = fetch("/healthz", "br, gzip", false, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(coding_of(&r), "");
    assert_string_equal(r.body, "ok\n");
    response_free(&r);
    r = fetch("/api/v1/procedures?don_vi=05443&limit=1", "br, gzip", false, NULL, NULL);   /* under 1 KB */
    assert_int_equal(r.status, 200);
    assert_true(r.len < 1024);
    assert_string_equal(coding_of(&r), "");
    response_free(&r);
    session desk;
    assert_int_equal(login("canbo1", PASSWORD, &desk), 303);
    intake_result d;
    assert_int_equal(intake(&desk, procedure_id("khai+sinh"), NULL, &d), 201);
    char path[96];
    snprintf(path, sizeof path, "/ho-so/%lld/giay-hen.pdf", (long long)d.id);
    r = fetch(path, "br, gzip", false, desk.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(coding_of(&r), "");
    assert_memory_equal(r.body, "%PDF", 4);
    response_free(&r);
    /* a signed-in page is compressed too (it is HTML) */
    r = fetch("/bang-dieu-khien", "gzip", false, desk.cookie, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(coding_of(&r), "gzip");
    response_free(&r);
}

/* A favicon: linked from the layout, and /favicon.ico answered for those that ask anyway. */
static void a_favicon_is_served(void **state)
{
    (void)state;
    char type[80];
    response r = fetch("/favicon.ico", NULL, false, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(header_value(&r, "Content-Type", type, sizeof type), "image/x-icon");
    assert_memory_equal(r.body, "\0\0\1\0", 4);   /* an ICO header */
    response_free(&r);
    r = fetch("/", NULL, false, NULL, NULL);
    assert_contains(r.body, "<link rel=\"icon\" href=\"/static/favicon.svg\"");
    response_free(&r);
    r = fetch("/static/favicon.svg", NULL, false, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(header_value(&r, "Content-Type", type, sizeof type), "image/svg+xml");
    assert_contains(r.body, "<svg");
    response_free(&r);
}

/* The stylesheets are linked with the assets' version (?v=), so a stylesheet cut anew for a new
 * page is fetched at once, not after the day a browser may keep the old one. */
static void stylesheet_links_carry_the_assets_version(void **state)
{
    (void)state;
    response r = fetch("/tra-cuu", NULL, false, NULL, NULL);
    const char *p = strstr(r.body, "href=\"/static/govuk-frontend.min.css?v=");
    assert_non_null(p);
    p += strlen("href=\"/static/govuk-frontend.min.css?v=");
    assert_int_equal(strspn(p, "0123456789abcdef"), 16);
    char version[17];
    snprintf(version, sizeof version, "%.16s", p);
    char link[96];
    snprintf(link, sizeof link, "href=\"/static/app.css?v=%s\"", version);
    assert_contains(r.body, link);
    response_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/static/govuk-frontend.min.css?v=%s", version);
    r = fetch(path, NULL, false, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_contains(r.headers, "text/css");
    response_free(&r);
}

/* ---- the program ------------------------------------------------------------------------- */

int main(void)
{
    curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (!(v->features & CURL_VERSION_BROTLI) || !(v->features & CURL_VERSION_LIBZ)) {
        fprintf(stderr, "test_compress: this libcurl cannot decode brotli and gzip\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cold_citizen_pages_stay_within_30_kb),
        cmocka_unit_test(decoded_bodies_equal_identity),
        cmocka_unit_test(a_client_without_accept_encoding_gets_identity),
        cmocka_unit_test(accept_encoding_weights_are_honoured),
        cmocka_unit_test(each_coding_has_its_own_etag),
        cmocka_unit_test(small_and_binary_bodies_are_left_alone),
        cmocka_unit_test(a_favicon_is_served),
        cmocka_unit_test(stylesheet_links_carry_the_assets_version),
    };
    int failed = cmocka_run_group_tests_name("compress", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
