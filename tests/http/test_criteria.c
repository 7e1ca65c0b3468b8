/* test_criteria.c -- criteria sets over HTTP (src/assess/sets_web.c): a set from a shipped
 * example, imports of JSON and CSV (good, and bad ones refused with 422 naming the criterion or
 * the line, nothing saved), the browser editor (saving makes version 2 as a draft and leaves
 * version 1 as it was; adding a row saves nothing; a bad value is refused naming the
 * criterion), publishing (409 the second time), the set in force read by a commune, who may not
 * edit, publish or create (403) nor see drafts, the province's assessor who may, and downloads
 * as JSON and CSV that import back to the same set. */
#include "harness.h"

#define BASE "/danh-gia/bo-tieu-chi"

/* ---- helpers ----------------------------------------------------------------------------- */

/* A multipart POST of one file (the import form) with the session's CSRF token. */
static response upload(const session *s, const char *filename, const char *data, size_t len)
{
    response r = {0};
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    CURL *c = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "%s%s/nhap", base, BASE);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_headers);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_COOKIE, s->cookie);
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *p = curl_mime_addpart(mime);
    curl_mime_name(p, "_csrf");
    curl_mime_data(p, s->csrf, CURL_ZERO_TERMINATED);
    p = curl_mime_addpart(mime);
    curl_mime_name(p, "file");
    curl_mime_filename(p, filename);
    curl_mime_data(p, data, len);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) fail_msg("upload: %s", curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    return r;
}

static response page(const session *s, const char *path)
{
    return request("GET", path, NULL, s->cookie, NULL);
}

/* The set id a 303 to BASE/{id} names (0 when the answer is not that). */
static int64_t redirect_id(const response *r)
{
    const char *p = strcasestr(r->headers, "Location: ");
    if (!p) return 0;
    p = strstr(p, BASE "/");
    return p ? strtoll(p + strlen(BASE "/"), NULL, 10) : 0;
}

static int64_t sets_count(void)
{
    return sql_int("SELECT count(*) FROM assess_sets");
}

static int64_t from_example(const session *s, const char *file)
{
    char fields[200];
    snprintf(fields, sizeof fields, "&mau=%s", file);
    response r = post_form(s, BASE "/tu-mau", fields);
    assert_status(r, 303);
    int64_t id = redirect_id(&r);
    assert_true(id > 0);
    response_free(&r);
    return id;
}

/* ---- the edit form as a browser would send it back ---------------------------------------- */

typedef struct {
    char *name, *value;
} pair;

typedef struct {
    pair f[3000];
    int n;
} formdata;

static char *unescape(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n;) {
        static const struct {
            const char *ent, ch;
        } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#34;", '"'}};
        bool done = false;
        for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
            size_t l = strlen(ents[k].ent);
            if (i + l <= n && !strncmp(s + i, ents[k].ent, l)) {
                *o++ = ents[k].ch;
                i += l;
                done = true;
            }
        }
        if (!done) *o++ = s[i++];
    }
    *o = '\0';
    return out;
}

/* attr="value" inside the tag [tag, end) */
static char *attr(const char *tag, const char *end, const char *name)
{
    char key[40];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    if (!p || p > end) return NULL;
    p += strlen(key);
    const char *q = strchr(p, '"');
    return unescape(p, (size_t)(q - p));
}

static void form_add(formdata *f, char *name, char *value)
{
    f->f[f->n].name = name;
    f->f[f->n].value = value;
    f->n++;
}

/* Every field of the page's form that a browser would send (without the submit buttons). */
static void read_form(const char *html, formdata *f)
{
    f->n = 0;
    for (const char *p = html; (p = strstr(p, "<")) != NULL; p++) {
        const char *end = strchr(p, '>');
        if (!end) break;
        if (!strncmp(p, "<input ", 7)) {
            char *name = attr(p, end, "name"), *type = attr(p, end, "type");
            if (name && !(type && !strcmp(type, "file"))) {
                bool box = type && !strcmp(type, "checkbox");
                const char *checked = strstr(p, " checked");
                if (!box || (checked && checked < end)) {
                    char *v = attr(p, end, "value");
                    form_add(f, name, v ? v : strdup(""));
                    name = NULL;
                }
            }
            free(name);
            free(type);
        } else if (!strncmp(p, "<select ", 8)) {
            char *name = attr(p, end, "name");
            const char *close = strstr(end, "</select>");
            char *chosen = NULL, *first = NULL;
            for (const char *o = end; (o = strstr(o, "<option ")) && o < close; o++) {
                const char *oe = strchr(o, '>');
                char *v = attr(o, oe, "value");
                const char *sel = strstr(o, " selected");
                if (!first) first = strdup(v);
                if (sel && sel < oe && !chosen) chosen = strdup(v);
                free(v);
            }
            if (name) form_add(f, name, chosen ? chosen : first ? first : strdup(""));
            if (chosen) free(first);
        } else if (!strncmp(p, "<textarea ", 10)) {
            char *name = attr(p, end, "name");
            const char *close = strstr(end, "</textarea>");
            if (name) form_add(f, name, unescape(end + 1, (size_t)(close - end - 1)));
        }
    }
}

static void form_set(formdata *f, const char *name, const char *value)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->f[i].name, name)) {
            free(f->f[i].value);
            f->f[i].value = strdup(value);
            return;
        }
    form_add(f, strdup(name), strdup(value));
}

static const char *form_get(const formdata *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->f[i].name, name)) return f->f[i].value;
    return NULL;
}

static void form_free(formdata *f)
{
    for (int i = 0; i < f->n; i++) free(f->f[i].name), free(f->f[i].value);
    f->n = 0;
}

/* The field name of a criterion's input, found by its code in the form ("c3" for "2.1"). */
static const char *criterion_prefix(const formdata *f, const char *code)
{
    static char p[16];
    for (int i = 0; i < f->n; i++) {
        size_t l = strlen(f->f[i].name);
        if (f->f[i].name[0] == 'c' && l > 5 && !strcmp(f->f[i].name + l - 5, "_code") && !strcmp(f->f[i].value, code)) {
            snprintf(p, sizeof p, "%.*s", (int)(l - 5), f->f[i].name);
            return p;
        }
    }
    fail_msg("no criterion %s in the form", code);
    return NULL;
}

static response post_edit(const session *s, int64_t id, formdata *f, const char *action)
{
    form_set(f, "_csrf", s->csrf);
    form_set(f, "hanh_dong", action);
    CURL *c = curl_easy_init();
    size_t cap = 1 << 16, len = 0;
    char *body = malloc(cap);
    body[0] = '\0';
    for (int i = 0; i < f->n; i++) {
        char *k = curl_easy_escape(c, f->f[i].name, 0), *v = curl_easy_escape(c, f->f[i].value, 0);
        size_t need = strlen(k) + strlen(v) + 3;
        if (len + need >= cap) body = realloc(body, cap *= 2);
        len += (size_t)sprintf(body + len, "%s%s=%s", len ? "&" : "", k, v);
        curl_free(k);
        curl_free(v);
    }
    curl_easy_cleanup(c);
    char path[128];
    snprintf(path, sizeof path, BASE "/%lld/sua", (long long)id);
    response r = request("POST", path, body, s->cookie, NULL);
    free(body);
    return r;
}

static void edit_form(const session *s, int64_t id, formdata *f)
{
    char path[128];
    snprintf(path, sizeof path, BASE "/%lld/sua", (long long)id);
    response r = page(s, path);
    assert_status(r, 200);
    read_form(r.body, f);
    response_free(&r);
}

static char *download(const session *s, int64_t id, const char *ext, long want)
{
    char path[128];
    snprintf(path, sizeof path, BASE "/%lld.%s", (long long)id, ext);
    response r = page(s, path);
    assert_status(r, want);
    char *body = strdup(r.body);
    response_free(&r);
    return body;
}

/* ---- cases ------------------------------------------------------------------------------- */

static void a_set_from_an_example_shows_its_rules_in_words(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t id = from_example(&admin, "criteria-dong-nai.json");
    char path[64];
    snprintf(path, sizeof path, BASE "/%lld", (long long)id);
    response r = page(&admin, path);
    assert_status(r, 200);
    assert_contains(r.body, "Quyết định 54/2025/QĐ-UBND");
    assert_contains(r.body, "4 sao");
    assert_contains(r.body, "Tự động: tỷ lệ đánh giá hài lòng từ 80% (0 điểm) đến 100% (10 điểm)");
    assert_contains(r.body, "Điểm thưởng");
    assert_contains(r.body, "Bản nháp");
    response_free(&r);
    r = page(&admin, BASE);
    assert_status(r, 200);
    assert_contains(r.body, "Chính quyền thân thiện – xếp hạng sao (Đồng Nai)");
    response_free(&r);
    r = page(&admin, BASE "/moi");
    assert_status(r, 200);
    assert_contains(r.body, "Bắc Giang");
    assert_contains(r.body, "row,group_code,group_name,code,name,max,kind,by,metric,params,guide");
    response_free(&r);
    r = page(&admin, BASE "/mau.csv");
    assert_status(r, 200);
    assert_contains(r.body, "dossier.on_time_rate,98:30;95:20;90:10");
    response_free(&r);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'assess_set.draft' AND entity_id = %lld",
                             (long long)id),
                     1);
}

static const char *JSON_SET =
    "{\"code\": \"tinh-thu\", \"name\": \"Bộ tiêu chí của tỉnh\", \"applies_to\": \"commune\", \"year\": 2026,"
    " \"source\": \"Quyết định thử\", \"groups\": [{\"code\": \"I\", \"name\": \"Cải cách\", \"criteria\": ["
    "  {\"code\": \"I.1\", \"name\": \"Đúng hạn\", \"max\": 60, \"rule\": {\"by\": \"bands\", \"metric\": "
    "\"dossier.on_time_rate\", \"bands\": [[98, 60], [90, 30]]}},"
    "  {\"code\": \"I.2\", \"name\": \"Tuyên truyền\", \"max\": 40}]}],"
    " \"levels\": [{\"level\": 1, \"name\": \"Đạt\", \"min_total\": 80, \"min_pct_each\": 50}]}";

static const char *CSV_SET =
    "row,group_code,group_name,code,name,max,kind,by,metric,params,guide\r\n"
    "set,,,tinh-csv,Bộ tiêu chí CSV,2026,commune,,,,Nguồn thử\r\n"
    "criterion,A,Nhóm A,A.1,Thư chúc mừng,10,,count,letter.congratulation,\"0,5\",\r\n"
    "criterion,A,,A.2,Hài lòng,90,,linear,rating.satisfied_rate,80-100,\r\n"
    "level,,,1,Đạt,70,,,,,\r\n";

static void json_and_csv_import_and_bad_files_save_nothing(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t before = sets_count();
    response r = upload(&admin, "tinh.json", JSON_SET, strlen(JSON_SET));
    assert_status(r, 303);
    int64_t j = redirect_id(&r);
    response_free(&r);
    r = upload(&admin, "tinh.csv", CSV_SET, strlen(CSV_SET));
    assert_status(r, 303);
    int64_t c = redirect_id(&r);
    response_free(&r);
    assert_true(j > 0 && c > j);
    assert_int_equal(sets_count(), before + 2);
    char path[64];
    snprintf(path, sizeof path, BASE "/%lld", (long long)c);
    r = page(&admin, path);
    assert_contains(r.body, "Tự động: số thư chúc mừng, mỗi lần được 0,5 điểm, tối đa 10 điểm");
    response_free(&r);

    /* an unknown figure: 422 naming the criterion, nothing saved */
    char *bad = strdup(JSON_SET);
    char *m = strstr(bad, "dossier.on_time_rate");
    memcpy(m, "dossier.on_time_XXXX", 20);
    r = upload(&admin, "bad.json", bad, strlen(bad));
    assert_status(r, 422);
    assert_contains(r.body, "tiêu chí I.1");
    response_free(&r);
    free(bad);
    /* bands written wrong on line 3 of a CSV */
    const char *badcsv = "row,group_code,group_name,code,name,max,kind,by,metric,params,guide\n"
                         "set,,,x,X,2026,commune,,,,\n"
                         "criterion,A,N,A.1,T,100,,bands,dossier.on_time_rate,98=100,\n"
                         "level,,,1,Đạt,70,,,,,\n";
    r = upload(&admin, "bad.csv", badcsv, strlen(badcsv));
    assert_status(r, 422);
    assert_contains(r.body, "dòng 3 (A.1)");
    response_free(&r);
    /* levels out of order, in JSON */
    const char *badlevels =
        "{\"code\": \"y\", \"name\": \"Y\", \"year\": 2026, \"groups\": [{\"code\": \"I\", \"name\": \"N\", "
        "\"criteria\": [{\"code\": \"I.1\", \"name\": \"T\", \"max\": 100}]}], \"levels\": [{\"level\": 1, \"name\": "
        "\"M1\", \"min_total\": 50}, {\"level\": 2, \"name\": \"M2\", \"min_total\": 80}]}";
    r = upload(&admin, "y.json", badlevels, strlen(badlevels));
    assert_status(r, 422);
    assert_contains(r.body, "các mức phải xếp từ cao xuống thấp");
    response_free(&r);
    r = upload(&admin, "empty.csv", "", 0);
    assert_status(r, 400);
    response_free(&r);
    assert_int_equal(sets_count(), before + 2);
}

static void editing_makes_version_2_as_a_draft_and_leaves_version_1(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t v1 = from_example(&admin, "criteria-bac-giang.json");
    char *before = download(&admin, v1, "json", 200);
    int64_t count = sets_count();

    formdata *f = calloc(1, sizeof *f);
    edit_form(&admin, v1, f);
    char field[64];
    const char *p = criterion_prefix(f, "2.1");
    snprintf(field, sizeof field, "%s_b0_pts", p);
    assert_string_equal(form_get(f, field), "8");

    /* adding a level row only shows the form again with an empty row */
    response r = post_edit(&admin, v1, f, "them-muc");
    assert_status(r, 200);
    assert_contains(r.body, "name=\"l1_name\"");
    response_free(&r);
    assert_int_equal(sets_count(), count);

    /* a bad value: 422 naming the criterion, the form as typed, nothing saved */
    snprintf(field, sizeof field, "%s_max", p);
    form_set(f, field, "tám");
    r = post_edit(&admin, v1, f, "luu");
    assert_status(r, 422);
    assert_contains(r.body, "tiêu chí 2.1");
    assert_contains(r.body, "value=\"tám\"");
    char anchor[40];
    snprintf(anchor, sizeof anchor, "href=\"#%s\"", p);   /* the error links to the criterion */
    assert_contains(r.body, anchor);
    response_free(&r);
    assert_int_equal(sets_count(), count);

    /* the first band of 2.1 becomes 97 % for 7,5 points, a fourth band is added */
    form_set(f, field, "8");
    snprintf(field, sizeof field, "%s_b0_at", p);
    form_set(f, field, "97");
    snprintf(field, sizeof field, "%s_b0_pts", p);
    form_set(f, field, "7,5");
    snprintf(field, sizeof field, "%s_b3_at", p);
    form_set(f, field, "80");
    snprintf(field, sizeof field, "%s_b3_pts", p);
    form_set(f, field, "1");
    /* and criterion 4.4 is removed */
    snprintf(field, sizeof field, "%s_del", criterion_prefix(f, "4.4"));
    form_set(f, field, "1");
    r = post_edit(&admin, v1, f, "luu");
    assert_status(r, 303);
    int64_t v2 = redirect_id(&r);
    response_free(&r);
    form_free(f);
    free(f);
    assert_true(v2 > v1);
    assert_int_equal(sql_int("SELECT version FROM assess_sets WHERE id = %lld", (long long)v2), 2);
    assert_int_equal(sql_int("SELECT status = 'draft' FROM assess_sets WHERE id = %lld", (long long)v2), 1);
    assert_int_equal(sql_int("SELECT status = 'draft' FROM assess_sets WHERE id = %lld", (long long)v1), 1);

    char vpath[64];
    snprintf(vpath, sizeof vpath, BASE "/%lld", (long long)v2);
    r = page(&admin, vpath);
    assert_contains(r.body, "<strong>Phiên bản 2</strong>");   /* the versions of the set, this one first */
    char v1link[80];
    snprintf(v1link, sizeof v1link, "href=\"" BASE "/%lld\">Phiên bản 1</a>", (long long)v1);
    assert_contains(r.body, v1link);
    response_free(&r);
    char *after = download(&admin, v1, "json", 200);
    assert_string_equal(after, before);   /* version 1 unchanged */
    free(after);
    char *v2json = download(&admin, v2, "json", 200);
    json_t *doc = json_loads(v2json, 0, NULL);
    free(v2json);
    json_t *c21 = json_array_get(json_object_get(json_array_get(json_object_get(doc, "groups"), 1), "criteria"), 0);
    assert_string_equal(json_string_value(json_object_get(c21, "code")), "2.1");
    json_t *bands = json_object_get(json_object_get(c21, "rule"), "bands");
    assert_int_equal(json_array_size(bands), 4);
    assert_true(json_number_value(json_array_get(json_array_get(bands, 0), 0)) == 97);
    assert_true(json_number_value(json_array_get(json_array_get(bands, 0), 1)) == 7.5);
    assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(doc, "groups"), 3), "criteria")), 3);
    json_decref(doc);
    free(before);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'assess_set.draft' AND entity_id = %lld",
                             (long long)v2),
                     1);
}

static void publishing_puts_a_set_in_force_for_the_communes(void **state)
{
    (void)state;
    session admin, commune;
    sign_in("admin", &admin);
    sign_in("canbo1", &commune);
    int64_t id = from_example(&admin, "criteria-hai-duong.json");
    char path[128];
    snprintf(path, sizeof path, BASE "/%lld", (long long)id);

    /* a draft is not the commune's to see */
    response r = page(&commune, path);
    assert_status(r, 404);
    response_free(&r);

    snprintf(path, sizeof path, BASE "/%lld/ban-hanh", (long long)id);
    r = post_form(&commune, path, "");
    assert_status(r, 404);
    response_free(&r);
    r = post_form(&admin, path, "");
    assert_status(r, 303);
    response_free(&r);
    r = post_form(&admin, path, "");
    assert_status(r, 409);
    assert_contains(r.body, "đã được ban hành");
    response_free(&r);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'assess_set.publish' AND entity_id = %lld",
                             (long long)id),
                     1);

    /* the commune reads the set in force, read-only */
    r = page(&commune, BASE);
    assert_status(r, 303);
    assert_int_equal(redirect_id(&r), id);
    response_free(&r);
    snprintf(path, sizeof path, BASE "/%lld", (long long)id);
    r = page(&commune, path);
    assert_status(r, 200);
    assert_contains(r.body, "Mức độ 4");
    assert_contains(r.body, "Đang áp dụng");
    assert_lacks(r.body, "/sua\"");
    assert_lacks(r.body, "ban-hanh");
    response_free(&r);
    char *json = download(&commune, id, "json", 200);
    assert_non_null(strstr(json, "\"hai-duong\""));
    free(json);
    /* ... and may change nothing */
    snprintf(path, sizeof path, BASE "/%lld/sua", (long long)id);
    r = page(&commune, path);
    assert_status(r, 403);
    response_free(&r);
    int64_t count = sets_count();
    r = post_form(&commune, path, "&hanh_dong=luu&name=X");
    assert_status(r, 403);
    response_free(&r);
    snprintf(path, sizeof path, BASE "/%lld/ban-hanh", (long long)id);
    r = post_form(&commune, path, "");
    assert_status(r, 403);
    response_free(&r);
    r = post_form(&commune, BASE "/tu-mau", "&mau=criteria-dong-nai.json");
    assert_status(r, 403);
    response_free(&r);
    r = page(&commune, BASE "/moi");
    assert_status(r, 403);
    response_free(&r);
    assert_int_equal(sets_count(), count);
}

static void the_provinces_assessor_manages_sets(void **state)
{
    (void)state;
    session assessor;
    sign_in("thamdinh", &assessor);
    response r = page(&assessor, BASE "/moi");
    assert_status(r, 200);
    response_free(&r);
    int64_t id = from_example(&assessor, "criteria-cong-so-than-thien.json");
    assert_int_equal(sql_int("SELECT applies_to = 'department' FROM assess_sets WHERE id = %lld", (long long)id), 1);
    char path[128];
    snprintf(path, sizeof path, BASE "/%lld/sua", (long long)id);
    r = page(&assessor, path);
    assert_status(r, 200);
    assert_contains(r.body, "Lưu thành bản nháp mới");
    response_free(&r);
    snprintf(path, sizeof path, BASE "/%lld/ban-hanh", (long long)id);
    r = post_form(&assessor, path, "");
    assert_status(r, 303);
    response_free(&r);
    /* an example adopted for a year of the province's own */
    int64_t count = sets_count();
    r = post_form(&assessor, BASE "/tu-mau", "&mau=criteria-dong-nai.json&nam=hai+ngh%C3%ACn");
    assert_status(r, 422);
    assert_contains(r.body, "Năm áp dụng phải là một năm");
    response_free(&r);
    assert_int_equal(sets_count(), count);
    r = post_form(&assessor, BASE "/tu-mau", "&mau=criteria-dong-nai.json&nam=2026");
    assert_status(r, 303);
    assert_int_equal(sql_int("SELECT year FROM assess_sets WHERE id = %lld", (long long)redirect_id(&r)), 2026);
    response_free(&r);
    r = post_form(&assessor, BASE "/tu-mau", "&mau=../../etc/passwd");
    assert_status(r, 404);
    response_free(&r);
    /* the department's officer reads it as the set in force for departments */
    session dept;
    sign_in("congchuc.so", &dept);
    r = page(&dept, BASE);
    assert_status(r, 303);
    assert_int_equal(redirect_id(&r), id);
    response_free(&r);
}

static void downloads_import_back_to_the_same_set(void **state)
{
    (void)state;
    session admin;
    sign_in("admin", &admin);
    int64_t id = from_example(&admin, "criteria-dong-nai.json");
    char *json = download(&admin, id, "json", 200);
    response r = upload(&admin, "dong-nai.json", json, strlen(json));
    assert_status(r, 303);
    int64_t again = redirect_id(&r);
    response_free(&r);
    char *json2 = download(&admin, again, "json", 200);
    assert_string_equal(json2, json);
    assert_true(sql_int("SELECT version FROM assess_sets WHERE id = %lld", (long long)again) >= 2);

    char *csv = download(&admin, id, "csv", 200);
    assert_memory_equal(csv, "\xEF\xBB\xBFrow,group_code", 17);
    r = upload(&admin, "dong-nai.csv", csv, strlen(csv));
    assert_status(r, 303);
    int64_t third = redirect_id(&r);
    response_free(&r);
    char *json3 = download(&admin, third, "json", 200);
    assert_string_equal(json3, json);
    free(json);
    free(json2);
    free(json3);
    free(csv);
    /* another province's set or a missing one is not found */
    r = page(&admin, BASE "/999999");
    assert_status(r, 404);
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_set_from_an_example_shows_its_rules_in_words),
        cmocka_unit_test(json_and_csv_import_and_bad_files_save_nothing),
        cmocka_unit_test(editing_makes_version_2_as_a_draft_and_leaves_version_1),
        cmocka_unit_test(publishing_puts_a_set_in_force_for_the_communes),
        cmocka_unit_test(the_provinces_assessor_manages_sets),
        cmocka_unit_test(downloads_import_back_to_the_same_set),
    };
    int failed = cmocka_run_group_tests_name("criteria", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
