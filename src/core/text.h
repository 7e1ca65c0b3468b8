/* text.h -- Vietnamese text: UTF-8 checks, NFC, diacritic folding, small validators.
 *
 * All outside input passes text_clean() at the HTTP edge: it must be valid UTF-8 without
 * control characters, and it is normalised to NFC (Unikey's "Unicode tổ hợp" types NFD).
 * Search keys are made by text_fold(): NFD, combining marks dropped, đ/Đ -> d, lower case,
 * runs of spaces collapsed, so "ĐĂNG KÝ  Kết hôn" and "dang ky ket hon" meet. */
#ifndef TT_TEXT_H
#define TT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef enum {
    TEXT_OK = 0,
    TEXT_BAD_UTF8,      /* not valid UTF-8 */
    TEXT_CONTROL_CHAR,  /* a control character other than tab/newline */
    TEXT_TOO_LONG,
    TEXT_HIDDEN_CHAR,   /* a bidi control or an invisible character (text_check_shown) */
    TEXT_STACKED_MARKS, /* more accents on one letter than Vietnamese ever has */
} text_status;

/* Checks s[0..n) and returns an NFC copy in *out. allow_newlines keeps \n (textareas);
 * \r\n becomes \n. max_chars 0 means no limit. */
text_status text_clean(arena *a, const char *s, size_t n, bool allow_newlines,
                       size_t max_chars, char **out);

/* Text printed on paper must read as it was typed: no bidi overrides or isolates (which
 * print "Nguyễn" reversed), no zero-width or other invisible characters, and no more than
 * TEXT_MAX_MARKS combining marks on one letter (Vietnamese has at most two, and NFC folds
 * them in). s must be valid UTF-8. text_clean() applies it to every value it passes. */
#define TEXT_MAX_MARKS 2
text_status text_check_shown(const char *s);

/* The folded search key of s (which must be valid UTF-8). */
char *text_fold(arena *a, const char *s);

/* Trims ASCII and Unicode spaces at both ends (returns a pointer into a copy). */
char *text_trim(arena *a, const char *s);

size_t text_char_count(const char *s);   /* code points in valid UTF-8 */
bool text_is_blank(const char *s);       /* NULL, empty or only spaces */

/* Parses a non-negative decimal integer with optional '.' thousands separators
 * ("10.000"); returns false on anything else or on overflow. */
bool text_parse_uint(const char *s, int64_t max, int64_t *out);

/* "10000" -> "10.000" (Vietnamese grouping). */
char *text_money(arena *a, int64_t dong);

/* A Vietnamese phone number normalised to 0xxxxxxxxx (mobile) or 02xxxxxxxxx (landline);
 * false when it is not one. */
bool text_phone_vn(const char *in, char out[16]);

/* ---- SMS ------------------------------------------------------------------------------
 * An SMS is sent as GSM-7 when every character is in the GSM 03.38 alphabet (160 characters
 * a message, 153 a part of a longer one; ^ { } [ ] ~ | \ and the euro sign take two), else
 * as UCS-2 (70 a message, 67 a part). Vietnamese with its marks is always UCS-2. */

/* Vietnamese without marks (đ -> d, Đ -> D, case kept), typographic quotes, dashes, ellipses
 * and spaces as their ASCII forms, and '?' for anything else outside GSM-7: a text that is
 * sent as GSM-7 whatever was typed. s must be valid UTF-8. */
char *text_gsm7(arena *a, const char *s);

typedef struct {
    int parts;      /* messages the operator charges; 0 for an empty text */
    int units;      /* septets (GSM-7) or UTF-16 code units (UCS-2) */
    bool unicode;   /* sent as UCS-2 */
} text_sms;
text_sms text_sms_parts(const char *s);

/* The characters of codes people read off paper or over the phone (lookup secrets, booking
 * codes): digits and capitals that cannot be mistaken for one another, no 0/O, 1/I/L. */
#define TEXT_CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

/* A code or secret as printed on a slip: ASCII capitals, no whitespace. A citizen typing
 * "05443-261203-0001" or "abc 123" in lower case or in groups is not guessing. Never NULL. */
char *text_code_printed(arena *a, const char *typed);

#endif
