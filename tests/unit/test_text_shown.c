/* test_text_shown.c -- text that prints as typed (src/core/text.c, text_check_shown): the
 * attack put bidi overrides, zero-width characters and 30 stacked accents into names, and
 * the PDFs printed them reversed or smeared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "../../src/core/arena.h"
#include "../../src/core/text.h"

static text_status clean(const char *s)
{
    arena *a = arena_new();
    char *out = NULL;
    text_status st = text_clean(a, s, strlen(s), true, 0, &out);
    arena_free(a);
    return st;
}

static void vietnamese_names_pass(void **state)
{
    (void)state;
    assert_int_equal(clean("Nguyễn Thị Hồng Nhung"), TEXT_OK);
    assert_int_equal(clean("Đặng Quốc Khánh"), TEXT_OK);
    /* typed decomposed (Unikey's "Unicode tổ hợp"): two marks on ệ, folded in by NFC */
    assert_int_equal(clean("Nguye\xCC\x82\xCC\x83n"), TEXT_OK);
    assert_int_equal(clean("tiếng Việt có dấu ở mọi chữ: ữ ỵ ặ ậ ờ"), TEXT_OK);
    assert_int_equal(clean("a\xC2\xA0" "b"), TEXT_OK);   /* a no-break space is visible as a space */
}

static void bidi_controls_are_refused(void **state)
{
    (void)state;
    assert_int_equal(clean("Nguy\xE2\x80\xAEn\xE1\xBB\x85"), TEXT_HIDDEN_CHAR);   /* U+202E RLO */
    assert_int_equal(clean("\xE2\x80\xAA" "abc"), TEXT_HIDDEN_CHAR);               /* U+202A LRE */
    assert_int_equal(clean("abc\xE2\x81\xA7"), TEXT_HIDDEN_CHAR);                  /* U+2067 RLI */
    assert_int_equal(clean("abc\xE2\x81\xA9"), TEXT_HIDDEN_CHAR);                  /* U+2069 PDI */
    assert_int_equal(clean("a\xE2\x80\x8F" "b"), TEXT_HIDDEN_CHAR);                /* U+200F RLM */
    assert_int_equal(clean("a\xD8\x9C" "b"), TEXT_HIDDEN_CHAR);                    /* U+061C ALM */
}

static void invisible_characters_are_refused(void **state)
{
    (void)state;
    assert_int_equal(clean("Ngu\xE2\x80\x8Byen"), TEXT_HIDDEN_CHAR);   /* U+200B zero width space */
    assert_int_equal(clean("Ngu\xE2\x80\x8Dyen"), TEXT_HIDDEN_CHAR);   /* U+200D ZWJ */
    assert_int_equal(clean("\xEF\xBB\xBFNguyen"), TEXT_HIDDEN_CHAR);   /* U+FEFF BOM */
    assert_int_equal(clean("Ngu\xE2\x81\xA0yen"), TEXT_HIDDEN_CHAR);   /* U+2060 word joiner */
    assert_int_equal(clean("Ngu\xC2\xADyen"), TEXT_HIDDEN_CHAR);       /* U+00AD soft hyphen */
    assert_int_equal(clean("a\xF3\xA0\x80\x81" "b"), TEXT_HIDDEN_CHAR); /* U+E0001 language tag */
}

static void stacked_accents_are_refused(void **state)
{
    (void)state;
    char s[128] = "Nguye";
    for (int i = 0; i < 30; i++) strcat(s, "\xCC\x81");   /* 30 acute accents on one letter */
    strcat(s, "n");
    assert_int_equal(clean(s), TEXT_STACKED_MARKS);
    /* three marks that NFC cannot fold in are too many; two are not */
    assert_int_equal(clean("x\xCC\x81\xCC\x82"), TEXT_OK);
    assert_int_equal(clean("x\xCC\x81\xCC\x82\xCC\x83"), TEXT_STACKED_MARKS);
    assert_int_equal(text_check_shown("x\xCC\x81\xCC\x82\xCC\x83"), TEXT_STACKED_MARKS);
    assert_int_equal(text_check_shown("Nguyễn"), TEXT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vietnamese_names_pass),
        cmocka_unit_test(bidi_controls_are_refused),
        cmocka_unit_test(invisible_characters_are_refused),
        cmocka_unit_test(stacked_accents_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
