/* test_reception.c -- citizen reception and dialogues (src/reception): the chairman's weekly
 * schedule on the unit's home page, its own page and as iCalendar parsed back; the register
 * (Sổ tiếp công dân) with its handling, the written conclusion as a PDF read back, the
 * register as PDF and XLSX with the columns in force on the period's last day; who may see
 * the register; the turn into feedback without retyping; dialogues announced only with the
 * notice the rule in force asks, held with minutes, issues followed to closure, published. */
#include "harness.h"

/* "dd/mm/yyyy" of the server's today plus days (Vietnam time), and its year. */
static const char *date_ahead(int days, int *year)
{
    static char out[4][16];
    static int k;
    k = (k + 1) % 4;
    time_t t = (time_t)(server_now() + days * 86400LL + 7 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out[k], sizeof out[k], "%02d/%02d/%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    if (year) *year = tm.tm_year + 1900;
    return out[k];
}

/* Appends "&name=value" (value percent-encoded) to form. */
static void add(char *form, size_t n, const char *name, const char *value)
{
    char *e = curl_easy_escape(NULL, value, 0);
    size_t len = strlen(form);
    snprintf(form + len, n - len, "&%s=%s", name, e ? e : "");
    curl_free(e);
}

static char *xlsx_strings(const response *r, const char *name)
{
    char path[320], out[320];
    snprintf(path, sizeof path, "%s/%s.xlsx", dir, name);
    snprintf(out, sizeof out, "%s/%s.xml", dir, name);
    FILE *f = fopen(path, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/unzip", "-p", path, "xl/sharedStrings.xml", NULL};
    assert_int_equal(run(out, argv, NULL), 0);
    return slurp(out);
}

/* The ics text unfolded (CRLF + space removed); every physical line checked first: ends with
 * CRLF and holds at most 75 octets. */
static char *ics_unfold(const char *body)
{
    const char *line = body;
    while (*line) {
        const char *end = strstr(line, "\r\n");
        assert_non_null(end);
        if (end - line > 75) fail_msg("ics line of %d octets: %.80s", (int)(end - line), line);
        line = end + 2;
    }
    char *out = malloc(strlen(body) + 1), *w = out;
    for (const char *p = body; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        *w++ = *p;
    }
    *w = '\0';
    return out;
}

/* The value of the first unfolded line starting with prefix (up to CRLF), in out. */
static bool ics_value(const char *text, const char *prefix, char *out, size_t n)
{
    const char *p = text;
    size_t k = strlen(prefix);
    while (p && *p) {
        if (!strncmp(p, prefix, k)) {
            const char *end = strstr(p, "\r\n");
            snprintf(out, n, "%.*s", (int)(end - p - k), p + k);
            return true;
        }
        p = strstr(p, "\r\n");
        if (p) p += 2;
    }
    return false;
}

/* RFC 5545 TEXT unescaped in place. */
static void ics_unescape(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *w++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

#define PLACE "Phòng tiếp công dân, tầng 1; trụ sở UBND phường"
#define TOPICS "Đất đai, xây dựng; chính sách xã hội, người có công, bảo trợ xã hội và các kiến nghị khác của Nhân dân"

static void schedule_on_home_page_and_as_icalendar(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t before = db_count("SELECT COUNT(*) FROM reception_schedules");
    /* bad hours are refused, nothing saved */
    char form[2048];
    snprintf(form, sizeof form, "&host_name=%s&weekday=4&start=7:30&end=11:30&place=%s", enc("Lê Minh Tuấn"), enc(PLACE));
    response r = post_form(&desk, "/tiep-cong-dan/lich?don_vi=05443", form);
    assert_status(r, 400);
    assert_contains(r.body, "HH:MM");
    response_free(&r);
    snprintf(form, sizeof form, "&host_name=%s&weekday=4&start=11:30&end=07:30&place=%s", enc("Lê Minh Tuấn"), enc(PLACE));
    r = post_form(&desk, "/tiep-cong-dan/lich?don_vi=05443", form);
    assert_status(r, 400);
    assert_contains(r.body, "Giờ kết thúc phải sau giờ bắt đầu");
    response_free(&r);
    assert_int_equal(db_count("SELECT COUNT(*) FROM reception_schedules"), before);
    /* Thursday mornings, the chairman in person */
    snprintf(form, sizeof form, "&weekday=3&start=14:00&end=16:30&valid_from=01/12/2026");
    add(form, sizeof form, "host_name", "Lê Minh Tuấn");
    add(form, sizeof form, "host_title", "Chủ tịch UBND phường");
    add(form, sizeof form, "place", PLACE);
    add(form, sizeof form, "attendees", "Công chức Tư pháp - Hộ tịch");
    add(form, sizeof form, "topics", TOPICS);
    r = post_form(&desk, "/tiep-cong-dan/lich?don_vi=05443", form);
    assert_status(r, 303);
    response_free(&r);
    int64_t slot = sql_int("SELECT MAX(id) FROM reception_schedules");
    assert_int_equal(audits("reception.schedule_add", slot), 1);
    r = request("GET", "/tiep-cong-dan/lich?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_lacks(r.body, "Lịch chưa đủ số ngày");
    response_free(&r);
    /* a unit without any weekly session is told what the law asks */
    session admin;
    sign_in("admin", &admin);
    r = request("GET", "/tiep-cong-dan/lich?don_vi=19-SNV", NULL, admin.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Lịch chưa đủ số ngày Chủ tịch trực tiếp tiếp công dân mỗi tuần theo quy định");
    assert_contains(r.body, "Điều 15");
    response_free(&r);
    /* the unit's home page and the public schedule show it to anyone */
    r = get("/don-vi/05443");
    assert_status(r, 200);
    assert_contains(r.body, "Thứ Tư hằng tuần, 14:00–16:30");
    assert_contains(r.body, "/don-vi/05443/lich-tiep-dan.ics");
    response_free(&r);
    r = get("/don-vi/05443/lich-tiep-dan");
    assert_status(r, 200);
    assert_contains(r.body, "Lê Minh Tuấn");
    assert_contains(r.body, "Đất đai, xây dựng");
    response_free(&r);
    /* iCalendar: text/calendar, CRLF lines of at most 75 octets, fields read back */
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    assert_status(r, 200);
    assert_contains(r.headers, "text/calendar");
    char *all = ics_unfold(r.body);
    response_free(&r);
    assert_contains(all, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    /* our event: from its UID on */
    char uid[96];
    snprintf(uid, sizeof uid, "UID:tiep-cong-dan-%lld@05443.thanthien\r\n", (long long)slot);
    char *ics = strstr(all, uid);
    assert_non_null(ics);
    char v[1024];
    assert_true(ics_value(ics, "DTSTART;TZID=Asia/Ho_Chi_Minh:", v, sizeof v));
    assert_string_equal(v, "20261202T140000");   /* the first Wednesday from 01/12/2026 */
    assert_true(ics_value(ics, "DTEND;TZID=Asia/Ho_Chi_Minh:", v, sizeof v));
    assert_string_equal(v, "20261202T163000");
    assert_true(ics_value(ics, "RRULE:", v, sizeof v));
    assert_string_equal(v, "FREQ=WEEKLY;BYDAY=WE");
    assert_true(ics_value(ics, "LOCATION:", v, sizeof v));
    assert_contains(v, "\\,");   /* escaped as TEXT */
    ics_unescape(v);
    assert_string_equal(v, PLACE);
    assert_true(ics_value(ics, "DESCRIPTION:", v, sizeof v));
    ics_unescape(v);
    assert_string_equal(v, "Thành phần tham dự: Công chức Tư pháp - Hộ tịch\nDự kiến nội dung: " TOPICS);
    assert_true(ics_value(ics, "SUMMARY:", v, sizeof v));
    ics_unescape(v);
    assert_string_equal(v, "Tiếp công dân: Lê Minh Tuấn, Chủ tịch UBND phường");
    assert_true(ics_value(ics, "DTSTAMP:", v, sizeof v));
    assert_int_equal(strlen(v), 16);
    assert_int_equal(v[15], 'Z');
    /* no holiday of the unit's calendar on a Wednesday yet within the window but Tết's: every
     * EXDATE is a Wednesday at the session's hour, and 16/6/2027 is not among them */
    char ex[1024] = "";
    if (ics_value(ics, "EXDATE;TZID=Asia/Ho_Chi_Minh:", v, sizeof v)) snprintf(ex, sizeof ex, "%s", v);
    assert_lacks(ex, "20270616");
    free(all);
    /* the province declares Wednesday 16/6/2027 a day off: the session that day is cancelled,
     * and the .ics carries it as EXDATE, parsed back */
    session top;
    sign_in("admin", &top);
    r = post_form(&top, "/quan-tri/lich-nghi", "&ngay=2027-06-16&loai=off&ly_do=Ngh%E1%BB%89%20b%C3%B9%20th%E1%BB%AD");
    assert_status(r, 303);
    response_free(&r);
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    assert_status(r, 200);
    all = ics_unfold(r.body);
    response_free(&r);
    ics = strstr(all, uid);
    assert_non_null(ics);
    char *vend = strstr(ics, "END:VEVENT");
    assert_non_null(vend);
    *vend = '\0';
    assert_true(ics_value(ics, "EXDATE;TZID=Asia/Ho_Chi_Minh:", v, sizeof v));
    int nex = 0;
    bool june16 = false;
    for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
        int y, mo, dd, hh, mi, ss;
        assert_int_equal(sscanf(tok, "%4d%2d%2dT%2d%2d%2d", &y, &mo, &dd, &hh, &mi, &ss), 6);
        assert_int_equal(hh * 60 + mi, 14 * 60);   /* the session's start */
        struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = dd, .tm_hour = 12};
        time_t t = timegm(&tm);
        gmtime_r(&t, &tm);
        assert_int_equal(tm.tm_wday, 3);           /* a Wednesday */
        june16 |= y == 2027 && mo == 6 && dd == 16;
        nex++;
    }
    assert_true(june16);
    assert_true(nex >= 1);
    free(all);
    /* an ad hoc session of the chairman, once: not in the past, on the home page, no RRULE */
    snprintf(form, sizeof form, "&start=08:00&end=10:00&on_date=%s", date_ahead(-1, NULL));
    add(form, sizeof form, "host_name", "Lê Minh Tuấn");
    add(form, sizeof form, "place", "Nhà văn hóa tổ 9");
    r = post_form(&desk, "/tiep-cong-dan/lich?don_vi=05443", form);
    assert_status(r, 400);
    assert_contains(r.body, "không được ở quá khứ");
    response_free(&r);
    const char *once = date_ahead(7, NULL);
    snprintf(form, sizeof form, "&start=08:00&end=10:00&on_date=%s", once);
    add(form, sizeof form, "host_name", "Lê Minh Tuấn");
    add(form, sizeof form, "place", "Nhà văn hóa tổ 9");
    r = post_form(&desk, "/tiep-cong-dan/lich?don_vi=05443", form);
    assert_status(r, 303);
    response_free(&r);
    int64_t adhoc = sql_int("SELECT MAX(id) FROM reception_schedules");
    assert_int_equal(sql_int("SELECT single FROM reception_schedules WHERE id = %lld", (long long)adhoc), 1);
    r = get("/don-vi/05443");
    assert_contains(r.body, "Tiếp đột xuất");
    assert_contains(r.body, once);
    response_free(&r);
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    all = ics_unfold(r.body);
    response_free(&r);
    char auid[96];
    snprintf(auid, sizeof auid, "UID:tiep-cong-dan-%lld@05443.thanthien\r\n", (long long)adhoc);
    ics = strstr(all, auid);
    assert_non_null(ics);
    char *end = strstr(ics, "END:VEVENT");
    assert_non_null(end);
    *end = '\0';
    assert_null(strstr(ics, "RRULE"));
    assert_true(ics_value(ics, "DTSTART;TZID=Asia/Ho_Chi_Minh:", v, sizeof v));
    char want[32];   /* dd/mm/yyyy -> yyyymmdd */
    snprintf(want, sizeof want, "%.4s%.2s%.2sT080000", once + 6, once + 3, once);
    assert_string_equal(v, want);
    assert_contains(ics, "SUMMARY:Tiếp công dân đột xuất: Lê Minh Tuấn");
    free(all);
    /* an unknown unit: 404 */
    r = get("/don-vi/99999/lich-tiep-dan.ics");
    assert_status(r, 404);
    response_free(&r);
    /* removing the row takes it off the calendar */
    char path[96];
    snprintf(path, sizeof path, "/tiep-cong-dan/lich/%lld/xoa", (long long)slot);
    r = post_form(&desk, path, "");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(audits("reception.schedule_remove", slot), 1);
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    assert_lacks(r.body, uid);
    response_free(&r);
}

static int64_t receive(session *s, const char *fields, long expect)
{
    response r = post_form(s, "/tiep-cong-dan?don_vi=05443", fields);
    assert_status(r, expect);
    response_free(&r);
    return expect == 303 ? sql_int("SELECT MAX(id) FROM receptions") : -1;
}

static const char *citizen(const char *name, const char *kind, const char *content)
{
    static char form[2048];
    snprintf(form, sizeof form, "&session=periodic&id_number=019088001234&phone=0912345678&people=3&kind=%s", kind);
    add(form, sizeof form, "host_name", "Lê Minh Tuấn");
    add(form, sizeof form, "host_title", "Chủ tịch UBND phường");
    add(form, sizeof form, "citizen_name", name);
    add(form, sizeof form, "address", "Tổ 5, phường Phan Đình Phùng");
    add(form, sizeof form, "content", content);
    add(form, sizeof form, "request", "Đề nghị xem xét lại");
    return form;
}

static void register_conclusion_and_printouts(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t before = db_count("SELECT COUNT(*) FROM receptions");
    response f = request("GET", "/tiep-cong-dan/moi?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(f, 200);
    assert_contains(f.body, "name=\"citizen_name\"");
    assert_contains(f.body, "Chủ tịch tiếp định kỳ");
    response_free(&f);
    /* in English too */
    char cookie[512];
    snprintf(cookie, sizeof cookie, "%s; lang=en", desk.cookie);
    f = request("GET", "/tiep-cong-dan/moi?don_vi=05443", NULL, cookie, NULL);
    assert_status(f, 200);
    assert_contains(f.body, "Record a citizen reception");
    assert_contains(f.body, "Chairman&#39;s periodic reception");
    response_free(&f);
    /* bad input: a clear message, nothing saved */
    char bad[2048];
    snprintf(bad, sizeof bad, "%s", citizen("Nguyễn Văn Bình", "khieu_nai", "Khiếu nại việc thu hồi đất"));
    char *id = strstr(bad, "019088001234");
    memcpy(id, "01908800-234", 12);
    receive(&desk, bad, 400);
    receive(&desk, citizen("Nguyễn Văn Bình", "ky_la", "x"), 400);
    receive(&desk, citizen("", "khieu_nai", "x"), 400);
    assert_int_equal(db_count("SELECT COUNT(*) FROM receptions"), before);
    /* two citizens received: numbered in the unit's register for the year */
    int64_t a = receive(&desk, citizen("Nguyễn Văn Bình", "khieu_nai", "Khiếu nại việc bồi thường khi thu hồi đất ở tổ 5"), 303);
    int64_t b = receive(&desk, citizen("Trần Thị Cúc", "phan_anh", "Phản ánh đèn đường hỏng ở ngõ 12"), 303);
    assert_int_equal(sql_int("SELECT seq FROM receptions WHERE id = %lld", (long long)b) -
                         sql_int("SELECT seq FROM receptions WHERE id = %lld", (long long)a),
                     1);
    assert_int_equal(audits("reception.create", a), 1);
    char path[96], form[1024];
    /* a correction of what was recorded keeps the number and the day */
    int64_t seq_a = sql_int("SELECT seq FROM receptions WHERE id = %lld", (long long)a);
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/sua", (long long)a);
    char fix[2048];
    snprintf(fix, sizeof fix, "%s", citizen("Nguyễn Văn Bình", "khieu_nai", "Khiếu nại việc bồi thường khi thu hồi đất ở tổ 5"));
    char *p5 = strstr(fix, "people=3");
    p5[7] = '0';   /* no one */
    response r = post_form(&desk, path, fix);
    assert_status(r, 400);
    assert_contains(r.body, "Số người phải là số từ 1 đến 10.000.");
    response_free(&r);
    p5[7] = '4';
    r = post_form(&desk, path, fix);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT people = 4 AND seq = %lld FROM receptions WHERE id = %lld", (long long)seq_a,
                             (long long)a),
                     1);
    assert_int_equal(audits("reception.update", a), 1);
    /* handling and follow-up */
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/xu-ly", (long long)a);
    snprintf(form, sizeof form, "&handling=accepted&handling_note=%s&followup=%s", enc("Thụ lý theo thẩm quyền"),
             enc("Đang xác minh"));
    r = post_form(&desk, path, form);
    assert_status(r, 303);
    response_free(&r);
    r = post_form(&desk, path, "&handling=nowhere");
    assert_status(r, 400);
    response_free(&r);
    assert_int_equal(audits("reception.handle", a), 1);
    /* no conclusion yet: no notice to print */
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/ket-luan.pdf", (long long)a);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 409);
    response_free(&r);
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/ket-luan", (long long)a);
    const char *deadline = date_ahead(10, NULL);
    snprintf(form, sizeof form, "&deadline=%s", deadline);
    add(form, sizeof form, "conclusion", "Giao công chức Địa chính xác minh, báo cáo Chủ tịch");
    add(form, sizeof form, "contact", "Ông Phạm Văn Đức, công chức Địa chính");
    r = post_form(&desk, path, form);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(audits("reception.conclude", a), 1);
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/ket-luan.pdf", (long long)a);
    r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char *text = pdf_flat_text(&r, "conclusion");
    response_free(&r);
    assert_contains(text, "THÔNG BÁO");
    assert_contains(text, "Kết luận việc tiếp công dân");
    assert_contains(text, "Nguyễn Văn Bình");
    assert_contains(text, "019088001234");
    assert_contains(text, "Giao công chức Địa chính xác minh, báo cáo Chủ tịch");
    assert_contains(text, deadline);
    assert_contains(text, "Lê Minh Tuấn");
    free(text);
    /* the register as PDF: the columns of NĐ 154/2026 for a period ending after 01/7/2026 */
    r = request("GET", "/tiep-cong-dan/so.pdf?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    text = pdf_flat_text(&r, "register");
    response_free(&r);
    if (getenv("SHOW_PDF")) fprintf(stderr, "%s\n", text);
    assert_contains(text, "SỔ TIẾP CÔNG DÂN");
    assert_contains(text, "Mẫu sổ áp dụng từ ngày 01/07/2026 (NĐ 154/2026/NĐ-CP)");
    assert_contains(text, "Khiếu nại việc");
    assert_contains(text, "Phản ánh đèn đường hỏng ở ngõ 12");
    assert_contains(text, "Nguyễn Văn Bình");
    assert_contains(text, "019088001234");
    char total[64];
    int this_year;
    date_ahead(0, &this_year);
    snprintf(total, sizeof total, "Tổng số: %lld lượt tiếp",
             (long long)sql_int("SELECT COUNT(*) FROM receptions r JOIN units u ON u.id = r.unit_id "
                               "WHERE u.code = '05443' AND r.year = %d", this_year));
    assert_contains(text, total);
    free(text);
    /* a period of 2025: the columns of TT 04/2021 (the dated set in force then) */
    r = request("GET", "/tiep-cong-dan/so.pdf?don_vi=05443&tu=01/01/2025&den=31/12/2025", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    text = pdf_flat_text(&r, "register2025");
    response_free(&r);
    assert_contains(text, "Mẫu sổ áp dụng từ ngày 15/11/2021 (TT 04/2021/TT-TTCP, Mẫu số 03)");
    assert_contains(text, "CMND/Hộ chiếu của công dân");
    assert_contains(text, "Phân loại đơn/Số người");
    snprintf(total, sizeof total, "Tổng số: %lld lượt tiếp",
             (long long)db_count("SELECT COUNT(*) FROM receptions r JOIN units u ON u.id = r.unit_id "
                                 "WHERE u.code = '05443' AND r.year = 2025"));
    assert_contains(text, total);
    assert_lacks(text, "Phản ánh đèn đường");
    free(text);
    r = request("GET", "/tiep-cong-dan/so.pdf?don_vi=05443&tu=31/02/2026", NULL, desk.cookie, NULL);
    assert_status(r, 400);
    response_free(&r);
    /* and as XLSX */
    r = request("GET", "/tiep-cong-dan/so.xlsx?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char *xml = xlsx_strings(&r, "register");
    response_free(&r);
    assert_contains(xml, "Số CCCD/CMND/Hộ chiếu");
    assert_contains(xml, "Số người cùng nội dung");
    assert_contains(xml, "Nguyễn Văn Bình");
    assert_contains(xml, "019088001234");
    assert_contains(xml, "Trần Thị Cúc");
    assert_contains(xml, "Phản ánh đèn đường hỏng ở ngõ 12");
    free(xml);
    /* the list finds a citizen without diacritics */
    r = request("GET", "/tiep-cong-dan?don_vi=05443&q=tran+thi+cuc", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Trần Thị Cúc");
    assert_lacks(r.body, "Nguyễn Văn Bình");
    response_free(&r);
}

/* pdfinfo's "Page size:" line of a PDF, e.g. "841.89 x 595.276 pts (A4)". */
static void page_size(const response *r, const char *name, char *out, size_t n)
{
    char pdf[320], info[320];
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    snprintf(info, sizeof info, "%s/%s.info", dir, name);
    FILE *f = fopen(pdf, "wb");
    fwrite(r->body, 1, r->len, f);
    fclose(f);
    char *argv[] = {"/usr/bin/pdfinfo", pdf, NULL};
    assert_int_equal(run(info, argv, NULL), 0);
    char *s = slurp(info), *p = strstr(s, "Page size:");
    assert_non_null(p);
    p += strlen("Page size:");
    while (*p == ' ') p++;
    size_t k = strcspn(p, "\n");
    snprintf(out, n, "%.*s", (int)k, p);
    free(s);
}

static void refusal_recorded_printed_and_in_the_register(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t id = receive(&desk, citizen("Đỗ Văn Khải", "khieu_nai",
                                        "Tiếp tục khiếu nại việc thu hồi đất đã được giải quyết năm 2024"), 303);
    char path[96];
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld", (long long)id);
    /* the page offers the grounds of Art. 9 in force on the day */
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Từ chối tiếp công dân");
    assert_contains(r.body, "value=\"da_giai_quyet\"");
    assert_contains(r.body, "Luật Tiếp công dân 2013, Điều 9 khoản 3");
    response_free(&r);
    /* no notice before a refusal */
    char pdfpath[96];
    snprintf(pdfpath, sizeof pdfpath, "/tiep-cong-dan/%lld/tu-choi.pdf", (long long)id);
    r = request("GET", pdfpath, NULL, desk.cookie, NULL);
    assert_status(r, 404);
    response_free(&r);
    /* bad input: no ground, an unknown ground, no reason; nothing saved */
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/tu-choi", (long long)id);
    char form[2048] = "";
    add(form, sizeof form, "reason", "Đã được trả lời bằng văn bản");
    add(form, sizeof form, "signer_name", "Lê Minh Tuấn");
    r = post_form(&desk, path, form);
    assert_status(r, 400);
    assert_contains(r.body, "Chọn trường hợp từ chối tiếp công dân");
    response_free(&r);
    snprintf(form, sizeof form, "&ground=say_ruou");
    add(form, sizeof form, "reason", "x");
    add(form, sizeof form, "signer_name", "Lê Minh Tuấn");
    r = post_form(&desk, path, form);
    assert_status(r, 400);
    response_free(&r);
    snprintf(form, sizeof form, "&ground=da_giai_quyet&reason=++");
    add(form, sizeof form, "signer_name", "Lê Minh Tuấn");
    r = post_form(&desk, path, form);
    assert_status(r, 400);
    assert_contains(r.body, "Nhập lý do cụ thể");
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM reception_refusals WHERE reception_id = %lld", (long long)id), 0);
    /* recorded: numbered in the unit's register of notices for the year, audited */
    int year;
    date_ahead(0, &year);
    int64_t next = sql_int("SELECT COALESCE(MAX(number), 0) + 1 FROM reception_refusals r JOIN units u ON u.id = r.unit_id "
                           "WHERE u.code = '05443' AND r.year = %d", year);
    snprintf(form, sizeof form, "&ground=da_giai_quyet");
    add(form, sizeof form, "reason", "Vụ việc đã được Chủ tịch UBND phường giải quyết bằng Quyết định số 12/QĐ-UBND, "
                                     "được kiểm tra, rà soát và trả lời bằng văn bản; công dân đã được tiếp, giải thích ba lần");
    add(form, sizeof form, "signer_name", "Lê Minh Tuấn");
    add(form, sizeof form, "signer_title", "Chủ tịch");
    r = post_form(&desk, path, form);
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT number FROM reception_refusals WHERE reception_id = %lld", (long long)id), next);
    assert_int_equal(audits("reception.refuse", id), 1);
    /* only once; and a refused reception is not turned into a complaint */
    r = post_form(&desk, path, form);
    assert_status(r, 409);
    response_free(&r);
    /* the notice: A4 portrait, Decree 30 layout, read back */
    r = request("GET", pdfpath, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.headers, "application/pdf");
    char size[128];
    page_size(&r, "refusal", size, sizeof size);
    assert_contains(size, "595.276 x 841.89");
    char *text = pdf_flat_text(&r, "refusal");
    response_free(&r);
    if (getenv("SHOW_PDF")) fprintf(stderr, "%s\n", text);
    assert_contains(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_contains(text, "Mẫu số 01/TCD");
    char num[64];
    snprintf(num, sizeof num, "Số: %lld/TB-TCD", (long long)next);
    assert_contains(text, num);
    assert_contains(text, "THÔNG BÁO");
    assert_contains(text, "Về việc từ chối tiếp công dân");
    assert_contains(text, "Đỗ Văn Khải");
    assert_contains(text, "019088001234");
    assert_contains(text, "đã được tiếp, giải thích, hướng dẫn nhưng vẫn cố tình khiếu nại, tố cáo kéo dài");
    assert_contains(text, "Quyết định số 12/QĐ-UBND");
    assert_contains(text, "Lê Minh Tuấn");
    free(text);
    /* the register: A4 landscape, the refusal in the handling column; and in the XLSX */
    r = request("GET", "/tiep-cong-dan/so.pdf?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    page_size(&r, "register-landscape", size, sizeof size);
    assert_contains(size, "841.89 x 595.276");
    text = pdf_flat_text(&r, "register-landscape");
    response_free(&r);
    if (getenv("SHOW_PDF")) fprintf(stderr, "%s\n", text);
    assert_contains(text, "SỔ TIẾP CÔNG DÂN");
    assert_contains(text, "Đỗ Văn Khải");
    snprintf(num, sizeof num, "TB số %lld/TB", (long long)next);   /* pdftotext drops a hyphen at a line end */
    assert_contains(text, num);
    assert_contains(text, "Từ chối tiếp (Luật Tiếp công dân 2013, Điều 9 khoản 3");
    free(text);
    r = request("GET", "/tiep-cong-dan/so.xlsx?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char *xml = xlsx_strings(&r, "register-refusal");
    response_free(&r);
    assert_contains(xml, "Từ chối tiếp (Luật Tiếp công dân 2013, Điều 9 khoản 3");
    free(xml);
}

static void register_is_for_the_units_staff(void **state)
{
    (void)state;
    session desk, other, board;
    sign_in("canbo1", &desk);
    int64_t id = receive(&desk, citizen("Hoàng Văn Em", "to_cao", "Tố cáo hành vi lấn chiếm vỉa hè"), 303);
    char path[64];
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld", (long long)id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Hoàng Văn Em");
    response_free(&r);
    /* another commune's officer, a member of the People's Inspection Board, nobody */
    sign_in("canbo2", &other);
    r = request("GET", path, NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = request("GET", "/tiep-cong-dan?don_vi=05443", NULL, other.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    sign_in("bantt1", &board);
    r = request("GET", path, NULL, board.cookie, NULL);
    assert_status(r, 403);
    response_free(&r);
    r = get(path);
    assert_true(r.status == 303 || r.status == 403);
    assert_lacks(r.body, "Hoàng Văn Em");
    response_free(&r);
    /* the leader of the unit sees it */
    session leader;
    sign_in("lanhdao1", &leader);
    r = request("GET", path, NULL, leader.cookie, NULL);
    assert_status(r, 200);
    response_free(&r);
}

static void reception_turns_into_feedback_without_retyping(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    int64_t id = receive(&desk, citizen("Đỗ Thị Giang", "kien_nghi", "Kiến nghị làm lại rãnh thoát nước tổ 7"), 303);
    char path[64];
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld", (long long)id);
    response r = request("GET", path, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    /* the form shows what will be sent, taken from the register */
    assert_contains(r.body, "không phải nhập lại");
    assert_contains(r.body, "Kiến nghị làm lại rãnh thoát nước tổ 7");
    assert_contains(r.body, "value=\"kien_nghi\" selected");
    response_free(&r);
    /* the JSON of the reception carries everything the feedback needs */
    r = request("GET", path, NULL, desk.cookie, "Accept: application/json");
    assert_status(r, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "citizen_name")), "Đỗ Thị Giang");
    assert_string_equal(json_string_value(json_object_get(j, "phone")), "0912345678");
    json_decref(j);
    response_free(&r);
    /* an unknown kind: 400, nothing filed */
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld/chuyen", (long long)id);
    r = post_form(&desk, path, "&kind=thu_tin");
    assert_status(r, 400);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback WHERE source_ref = 'reception:%lld'", (long long)id), 0);
    /* turned into a complaint in one step: the case carries the reception's words, once */
    r = post_form(&desk, path, "&kind=khieu_nai");
    assert_status(r, 303);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback WHERE source_ref = 'reception:%lld' AND channel = 'reception' "
                             "AND kind = 'khieu_nai' AND name = 'Đỗ Thị Giang' AND phone = '0912345678' "
                             "AND content LIKE 'Kiến nghị làm lại rãnh thoát nước tổ 7%%'",
                             (long long)id),
                     1);
    int64_t fb = sql_int("SELECT id FROM feedback WHERE source_ref = 'reception:%lld'", (long long)id);
    assert_int_equal(sql_int("SELECT converted_ref = 'feedback:%lld' AND converted_code <> '' FROM receptions WHERE id = %lld",
                             (long long)fb, (long long)id),
                     1);
    assert_int_equal(audits("reception.convert", id), 1);
    r = post_form(&desk, path, "&kind=khieu_nai");
    assert_status(r, 409);
    response_free(&r);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM feedback WHERE source_ref = 'reception:%lld'", (long long)id), 1);
    /* the reception links to its case */
    snprintf(path, sizeof path, "/tiep-cong-dan/%lld", (long long)id);
    r = request("GET", path, NULL, desk.cookie, NULL);
    char link[64];
    snprintf(link, sizeof link, "/phan-anh/%lld", (long long)fb);
    assert_contains(r.body, link);
    response_free(&r);
}

/* "dd/mm/yyyy HH:MM" of the server's now plus days, in Vietnam time. */
static const char *days_ahead(int days, const char *hhmm)
{
    static char out[4][32];
    static int k;
    k = (k + 1) % 4;
    time_t t = (time_t)(server_now() + days * 86400LL + 7 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out[k], sizeof out[k], "%02d/%02d/%04d %s", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, hhmm);
    return out[k];
}

static int64_t plan(session *s, const char *kind, const char *title, int days)
{
    char form[2048];
    snprintf(form, sizeof form, "&kind=%s&ends_at=10:30", kind);
    add(form, sizeof form, "title", title);
    add(form, sizeof form, "place", "Nhà văn hóa tổ 5");
    add(form, sizeof form, "starts_at", days_ahead(days, "08:00"));
    add(form, sizeof form, "chair_name", "Lê Minh Tuấn");
    add(form, sizeof form, "agenda", "Nghe dân nói – nói dân hiểu – làm dân tin");
    response r = post_form(s, "/doi-thoai?don_vi=05443", form);
    assert_status(r, 303);
    response_free(&r);
    return sql_int("SELECT MAX(id) FROM dialogues");
}

static long step(session *s, int64_t id, const char *action, const char *form, response *keep)
{
    char path[96];
    snprintf(path, sizeof path, "/doi-thoai/%lld/%s", (long long)id, action);
    response r = post_form(s, path, form);
    long st = r.status;
    if (keep) *keep = r;
    else response_free(&r);
    return st;
}

static void dialogues_announced_held_and_followed_up(void **state)
{
    (void)state;
    session desk;
    sign_in("canbo1", &desk);
    /* a dialogue in a complaint's settlement: 5 days' notice from 01/7/2026 (NĐ 155/2026) */
    int64_t soon = plan(&desk, "complaint", "Đối thoại vụ khiếu nại đất tổ 5", 3);
    response r;
    assert_int_equal(step(&desk, soon, "thong-bao", "", &r), 422);
    assert_contains(r.body, "ít nhất 5 ngày");
    response_free(&r);
    assert_int_equal(sql_int("SELECT status = 'planned' FROM dialogues WHERE id = %lld", (long long)soon), 1);
    /* the unit's list of dialogues shows it, planned, to staff */
    r = request("GET", "/doi-thoai?don_vi=05443", NULL, desk.cookie, NULL);
    assert_status(r, 200);
    assert_contains(r.body, "Đối thoại vụ khiếu nại đất tổ 5");
    assert_contains(r.body, "Dự kiến");
    response_free(&r);
    /* a planned dialogue is not public */
    char path[64];
    snprintf(path, sizeof path, "/doi-thoai/%lld", (long long)soon);
    r = get(path);
    assert_status(r, 404);
    response_free(&r);
    /* the yearly conference with the people: no minimum in the law, announced 2 days ahead */
    int64_t people = plan(&desk, "people", "Hội nghị đối thoại với Nhân dân năm 2026", 2);
    assert_int_equal(step(&desk, people, "thong-bao", "", NULL), 303);
    int64_t ok = plan(&desk, "complaint", "Đối thoại vụ khiếu nại bồi thường", 6);
    assert_int_equal(step(&desk, ok, "thong-bao", "", NULL), 303);
    assert_int_equal(audits("dialogue.announce", ok), 1);
    assert_int_equal(step(&desk, ok, "thong-bao", "", NULL), 409);
    /* moved: an announced dialogue needs a reason and the notice again for its new time */
    char form[1024];
    snprintf(form, sizeof form, "&ends_at=10:00");
    add(form, sizeof form, "starts_at", days_ahead(9, "09:00"));
    assert_int_equal(step(&desk, ok, "doi-lich", form, NULL), 400);
    add(form, sizeof form, "reason", "Trùng lịch tiếp xúc cử tri");
    char soon_form[1024];
    snprintf(soon_form, sizeof soon_form, "&reason=x");
    add(soon_form, sizeof soon_form, "starts_at", days_ahead(3, "09:00"));
    assert_int_equal(step(&desk, ok, "doi-lich", soon_form, &r), 422);
    assert_contains(r.body, "ít nhất 5 ngày");
    response_free(&r);
    assert_int_equal(step(&desk, ok, "doi-lich", form, NULL), 303);
    assert_int_equal(audits("dialogue.reschedule", ok), 1);
    snprintf(path, sizeof path, "/doi-thoai/%lld", (long long)ok);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Thời gian đã thông báo trước đó");
    assert_contains(r.body, "Trùng lịch tiếp xúc cử tri");
    response_free(&r);
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    char *moved = ics_unfold(r.body);
    response_free(&r);
    char uid[96], v[64];
    snprintf(uid, sizeof uid, "UID:doi-thoai-%lld@05443.thanthien\r\n", (long long)ok);
    const char *ev = strstr(moved, uid);
    assert_non_null(ev);
    assert_true(ics_value(ev, "SEQUENCE:", v, sizeof v));
    assert_string_equal(v, "1");
    assert_true(ics_value(ev, "DTSTART;TZID=Asia/Ho_Chi_Minh:", v, sizeof v));
    assert_int_equal(strcmp(v + 8, "T090000"), 0);
    free(moved);
    /* public from its announcement: the unit's list, the page, the calendar, the home page */
    r = get("/don-vi/05443/doi-thoai");
    assert_status(r, 200);
    assert_contains(r.body, "Đối thoại vụ khiếu nại bồi thường");
    assert_lacks(r.body, "Đối thoại vụ khiếu nại đất tổ 5");
    response_free(&r);
    r = get("/don-vi/05443/lich-tiep-dan.ics");
    char *ics = ics_unfold(r.body);
    response_free(&r);
    assert_contains(ics, "SUMMARY:Đối thoại: Hội nghị đối thoại với Nhân dân năm 2026\r\n");
    assert_lacks(ics, "khiếu nại đất tổ 5");
    free(ics);
    r = get("/don-vi/05443");
    assert_contains(r.body, "Hội nghị đối thoại với Nhân dân năm 2026");
    response_free(&r);
    /* not held before it starts */
    assert_int_equal(step(&desk, people, "to-chuc", "&attendance=120&minutes=x", NULL), 409);
    clock_advance(3 * 86400);
    sign_in("canbo1", &desk);
    assert_int_equal(step(&desk, people, "to-chuc", "&attendance=abc&minutes=x", NULL), 400);
    snprintf(form, sizeof form, "&attendance=120&minutes=%s", enc("Biên bản: 15 ý kiến, Chủ tịch trả lời trực tiếp 12 ý kiến."));
    assert_int_equal(step(&desk, people, "to-chuc", form, NULL), 303);
    snprintf(form, sizeof form, "&due=31/12/2026");
    add(form, sizeof form, "content", "Đường vào tổ 9 xuống cấp");
    add(form, sizeof form, "raised_by", "Ông Vũ Văn Hải, tổ 9");
    add(form, sizeof form, "answer", "Đưa vào kế hoạch sửa chữa");
    add(form, sizeof form, "assignee", "Công chức Xây dựng");
    response keep;
    assert_int_equal(step(&desk, people, "van-de", form, &keep), 303);
    response_free(&keep);
    int64_t issue = sql_int("SELECT MAX(id) FROM dialogue_issues");
    /* before publication the public sees neither minutes nor issues */
    snprintf(path, sizeof path, "/doi-thoai/%lld", (long long)people);
    r = get(path);
    assert_status(r, 200);
    assert_lacks(r.body, "15 ý kiến");
    assert_lacks(r.body, "Đường vào tổ 9");
    response_free(&r);
    /* the minutes on paper, with the issue and its follow-up */
    char ppath[96];
    snprintf(ppath, sizeof ppath, "/doi-thoai/%lld/bien-ban.pdf", (long long)people);
    r = request("GET", ppath, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    char *text = pdf_flat_text(&r, "minutes");
    response_free(&r);
    assert_contains(text, "BIÊN BẢN");
    assert_contains(text, "Hội nghị đối thoại với Nhân dân năm 2026");
    assert_contains(text, "Biên bản: 15 ý kiến, Chủ tịch trả lời trực tiếp 12 ý kiến.");
    assert_contains(text, "Đường vào tổ 9 xuống cấp");
    assert_contains(text, "Đang giải quyết");
    assert_contains(text, "NGƯỜI GHI BIÊN BẢN");
    free(text);
    /* the written notice of the announced dialogue: time, place, content */
    snprintf(ppath, sizeof ppath, "/doi-thoai/%lld/thong-bao.pdf", (long long)ok);
    r = request("GET", ppath, NULL, desk.cookie, NULL);
    assert_status(r, 200);
    text = pdf_flat_text(&r, "notice");
    response_free(&r);
    assert_contains(text, "THÔNG BÁO");
    assert_contains(text, "Về việc tổ chức Đối thoại trong giải quyết khiếu nại");
    assert_contains(text, "Nhà văn hóa tổ 5");
    assert_contains(text, "09 giờ 00 phút");   /* the time it was moved to */
    assert_contains(text, "Nghe dân nói – nói dân hiểu – làm dân tin");
    free(text);
    /* no minutes before it is held; not for the public */
    snprintf(ppath, sizeof ppath, "/doi-thoai/%lld/bien-ban.pdf", (long long)ok);
    r = request("GET", ppath, NULL, desk.cookie, NULL);
    assert_status(r, 409);
    response_free(&r);
    snprintf(ppath, sizeof ppath, "/doi-thoai/%lld/thong-bao.pdf", (long long)ok);
    r = get(ppath);
    assert_true(r.status == 303 || r.status == 403);
    response_free(&r);
    assert_int_equal(step(&desk, people, "cong-khai", "", NULL), 303);
    assert_int_equal(audits("dialogue.publish", people), 1);
    r = get(path);
    assert_contains(r.body, "15 ý kiến");
    assert_contains(r.body, "Đường vào tổ 9 xuống cấp");
    assert_contains(r.body, "Đang giải quyết");
    response_free(&r);
    /* followed up to closure */
    char cpath[128];
    snprintf(cpath, sizeof cpath, "/doi-thoai/%lld/van-de/%lld/dong", (long long)people, (long long)issue);
    r = post_form(&desk, cpath, "&result=");
    assert_status(r, 400);
    response_free(&r);
    snprintf(form, sizeof form, "&result=%s", enc("Đã trải nhựa 300 m ngày 20/12/2026"));
    r = post_form(&desk, cpath, form);
    assert_status(r, 303);
    response_free(&r);
    r = post_form(&desk, cpath, form);
    assert_status(r, 409);
    response_free(&r);
    assert_int_equal(audits("dialogue.issue_close", people), 1);
    r = get(path);
    assert_contains(r.body, "Đã giải quyết");
    assert_contains(r.body, "Đã trải nhựa 300 m");
    response_free(&r);
    /* another commune's officer cannot act on it */
    session other;
    sign_in("canbo2", &other);
    assert_int_equal(step(&other, ok, "huy", "&reason=x", NULL), 403);
    /* a cancellation names its reason publicly */
    snprintf(form, sizeof form, "&reason=%s", enc("Hoãn do mưa bão"));
    assert_int_equal(step(&desk, ok, "huy", form, NULL), 303);
    snprintf(path, sizeof path, "/doi-thoai/%lld", (long long)ok);
    r = get(path);
    assert_status(r, 200);
    assert_contains(r.body, "Hoãn do mưa bão");
    response_free(&r);
    clock_reset();
}

/* The demo database has each commune's schedule, register and dialogues. */
static void demo_has_receptions_and_dialogues(void **state)
{
    (void)state;
    /* two years of the register, from December 2024, in every session type */
    assert_true(sql_int("SELECT COUNT(*) FROM receptions r JOIN units u ON u.id = r.unit_id WHERE u.code = '05602'") > 100);
    assert_int_equal(sql_int("SELECT MIN(year) FROM receptions"), 2024);
    assert_int_equal(sql_int("SELECT COUNT(DISTINCT session) FROM receptions r JOIN units u ON u.id = r.unit_id "
                             "WHERE u.code = '05602'"), 3);
    assert_true(sql_int("SELECT COUNT(*) FROM receptions WHERE conclusion <> ''") > 0);
    assert_true(sql_int("SELECT COUNT(*) FROM reception_refusals") > 0);
    /* the chairman of Phú Đình receives on Tuesdays, but not on Quốc khánh (Tuesday 2/9/2025) */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM receptions r JOIN units u ON u.id = r.unit_id WHERE u.code = '05602' "
                             "AND r.session = 'periodic' AND date(r.received_at, 'unixepoch', '+7 hours') = '2025-09-02'"), 0);
    assert_true(sql_int("SELECT COUNT(*) FROM receptions r JOIN units u ON u.id = r.unit_id WHERE u.code = '05602' "
                        "AND r.session = 'periodic' AND strftime('%%w', r.received_at + 7 * 3600, 'unixepoch') <> '2'") == 0);
    /* dialogues: the 2025 conference, a thematic one and a complaint's held; the 2025 issues all
     * closed, the 2026 conference's followed up */
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dialogues d JOIN units u ON u.id = d.unit_id WHERE u.code = '05602' "
                             "AND status = 'held' AND published_at IS NOT NULL"),
                     3);
    assert_int_equal(sql_int("SELECT COUNT(*) FROM dialogue_issues i JOIN dialogues d ON d.id = i.dialogue_id "
                             "JOIN units u ON u.id = d.unit_id WHERE u.code = '05602' AND d.title LIKE '%%năm 2025' "
                             "AND i.status = 'open'"), 0);
    response r = get("/don-vi/05602");
    assert_status(r, 200);
    assert_contains(r.body, "Thứ Ba hằng tuần, 07:30–11:30");
    assert_contains(r.body, "Đối thoại chuyên đề về chỉnh trang đô thị");
    response_free(&r);
    r = get("/don-vi/05602/doi-thoai");
    assert_contains(r.body, "Hội nghị đối thoại giữa Chủ tịch UBND với Nhân dân năm 2026");
    response_free(&r);
    int64_t held = sql_int("SELECT d.id FROM dialogues d JOIN units u ON u.id = d.unit_id WHERE u.code = '05602' "
                           "AND status = 'held' AND title LIKE '%%năm 2026'");
    char path[64];
    snprintf(path, sizeof path, "/doi-thoai/%lld", (long long)held);
    r = get(path);
    assert_contains(r.body, "Đã sửa chữa 250 m đường");
    assert_contains(r.body, "Đang giải quyết");
    response_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demo_has_receptions_and_dialogues),
        cmocka_unit_test(schedule_on_home_page_and_as_icalendar),
        cmocka_unit_test(register_conclusion_and_printouts),
        cmocka_unit_test(register_is_for_the_units_staff),
        cmocka_unit_test(refusal_recorded_printed_and_in_the_register),
        cmocka_unit_test(reception_turns_into_feedback_without_retyping),
        cmocka_unit_test(dialogues_announced_held_and_followed_up),
    };
    int failed = cmocka_run_group_tests_name("reception", tests, start_server, stop_server);
    curl_global_cleanup();
    return failed;
}
