/* test_open311_fmt.c -- what an Open311 app sends, read as GeoReport v2 says (W3C datetimes
 * with their zone, a format suffix, degrees, comma lists, attribute[code] names), and the XML
 * answers written from the JSON document (src/feedback/open311_fmt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "../../src/feedback/open311_fmt.h"

static void datetimes_need_their_zone(void **state)
{
    (void)state;
    int64_t t, u;
    /* the spec's own pair: the same instant */
    assert_true(o311_parse_datetime("1994-11-05T08:15:30-05:00", &t));
    assert_true(o311_parse_datetime("1994-11-05T13:15:30Z", &u));
    assert_int_equal(t, u);
    assert_int_equal(t, 784041330);
    assert_true(o311_parse_datetime("2026-12-04T09:30+07:00", &t));
    assert_int_equal(t, 1796351400);
    assert_true(o311_parse_datetime("2010-01-01T00:00:00.125Z", &t));
    assert_int_equal(t, 1262304000);
    /* a date alone is midnight in Vietnam */
    assert_true(o311_parse_datetime("2026-12-04", &t));
    char w3c[32];
    o311_datetime(t, w3c);
    assert_string_equal(w3c, "2026-12-04T00:00:00+07:00");
    const char *bad[] = {"2026-12-04T09:30:00", "2026-02-29", "2026-13-01", "2026-12-04T24:00Z", "2026-12-04 09:30Z",
                         "04/12/2026", "2026-12-04T09:30:00+7:00", "2026-12-04T09:30:00Zjunk", "1969-12-31", "",
                         "2026-12-04T09:30:00.Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(o311_parse_datetime(bad[i], &t));
}

static void datetimes_are_written_at_plus_seven(void **state)
{
    (void)state;
    char w3c[32];
    o311_datetime(1262304000, w3c);   /* 2010-01-01T00:00:00Z */
    assert_string_equal(w3c, "2010-01-01T07:00:00+07:00");
    o311_datetime(1796351400 + 59, w3c);
    assert_string_equal(w3c, "2026-12-04T09:30:59+07:00");
}

static void paths_degrees_lists_and_attributes(void **state)
{
    (void)state;
    char name[65];
    assert_int_equal(o311_split("services.json", name), O311_JSON);
    assert_string_equal(name, "services");
    assert_int_equal(o311_split("05443-PA261204-001.xml", name), O311_XML);
    assert_string_equal(name, "05443-PA261204-001");
    assert_int_equal(o311_split("a.b.json", name), O311_BAD);
    assert_int_equal(o311_split("x.csv", name), O311_BAD);
    assert_int_equal(o311_split(".json", name), O311_BAD);
    assert_string_equal(name, "");

    double d;
    assert_true(o311_parse_degree("21.593477", -90, 90, &d));
    assert_true(d > 21.593 && d < 21.594);
    assert_true(o311_parse_degree("-122.4212043", -180, 180, &d));
    const char *bad[] = {"91", "1e2", " 21.5", "21.", ".5", "nan", "inf", "0x10", "21,5", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(o311_parse_degree(bad[i], -90, 90, &d));

    arena *a = arena_new();
    const char *items[3];
    assert_int_equal(o311_split_list(a, " open , closed,,", items, 3), 2);
    assert_string_equal(items[0], "open");
    assert_string_equal(items[1], "closed");
    assert_int_equal(o311_split_list(a, "a,b,c,d", items, 3), -1);
    arena_free(a);

    char code[65];
    bool multi = true;
    assert_true(o311_attribute_field("attribute[consent_publish]", code, &multi));
    assert_string_equal(code, "consent_publish");
    assert_false(multi);
    assert_true(o311_attribute_field("attribute[WHISDORN][]", code, &multi));
    assert_true(multi);
    assert_false(o311_attribute_field("attribute[a b]", code, &multi));
    assert_false(o311_attribute_field("attribute[x]y", code, &multi));
    assert_false(o311_attribute_field("attributes[x]", code, &multi));
}

static void xml_follows_the_json_document(void **state)
{
    (void)state;
    arena *a = arena_new();
    json_t *doc = json_pack("[{s:s, s:b, s:n, s:i, s:[{s:s, s:s}]}]", "service_code", "gop_y", "metadata", 1,
                            "account_id", "order", 2, "values", "key", "1", "name", "Đồng ý");
    assert_string_equal(o311_xml(a, doc, "services"),
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>gop_y</service_code>"
                        "<metadata>true</metadata><account_id></account_id><order>2</order><values><value><key>1</key>"
                        "<name>Đồng ý</name></value></values></service></services>\n");
    json_decref(doc);
    /* every value escaped; what XML 1.0 cannot carry dropped */
    doc = json_pack("[{s:s}]", "description", "<a href='x'>&\"\x01\r\n\xef\xbf\xbf ok");
    assert_string_equal(o311_xml(a, doc, "service_requests"),
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request><description>"
                        "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&#13;\n ok</description></request></service_requests>\n");
    json_decref(doc);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(datetimes_need_their_zone),
        cmocka_unit_test(datetimes_are_written_at_plus_seven),
        cmocka_unit_test(paths_degrees_lists_and_attributes),
        cmocka_unit_test(xml_follows_the_json_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
