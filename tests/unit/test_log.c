/* test_log.c -- cmocka tests of the JSON log (src/core/log.h): whatever a value holds, the
 * line is one valid JSON object, ended by the only newline. Before log_json, lines were built
 * with printf and a quote or newline in an error message broke them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/log.h"

/* What fn writes on standard error (malloc'd). */
static char *captured(void (*fn)(void))
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(tmp), 2), 2);
    fn();
    fflush(stderr);
    assert_int_equal(dup2(saved, 2), 2);
    close(saved);
    long n = ftell(tmp);
    if (n <= 0) n = (long)lseek(fileno(tmp), 0, SEEK_END);
    char *out = calloc(1, (size_t)n + 1);
    assert_int_equal(pread(fileno(tmp), out, (size_t)n, 0), n);
    fclose(tmp);
    return out;
}

static void log_nasty(void)
{
    log_json("warn", "due-soon warning not queued", "{s:I, s:s}", "dossier", (json_int_t)42, "why",
             "bad \"address\"\n{\"level\":\"fatal\"} \\ tab\there");
}

static void log_plain(void) { log_json("error", "audit checkpoint not written", NULL); }

static void log_null_value(void) { log_json("fatal", "unknown template", "{s:s?}", "name", (const char *)NULL); }

static json_t *one_line(const char *text)
{
    size_t n = strlen(text);
    assert_true(n > 1);
    assert_int_equal(text[n - 1], '\n');
    assert_ptr_equal(strchr(text, '\n'), text + n - 1);   /* the only newline ends the line */
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    if (!j) fail_msg("not JSON (%s): %s", je.text, text);
    assert_true(json_is_object(j));
    return j;
}

static void quote_and_newline_stay_in_one_line(void **state)
{
    (void)state;
    char *text = captured(log_nasty);
    json_t *j = one_line(text);
    assert_string_equal(json_string_value(json_object_get(j, "level")), "warn");
    assert_string_equal(json_string_value(json_object_get(j, "msg")), "due-soon warning not queued");
    assert_int_equal(json_integer_value(json_object_get(j, "dossier")), 42);
    assert_string_equal(json_string_value(json_object_get(j, "why")),
                        "bad \"address\"\n{\"level\":\"fatal\"} \\ tab\there");
    assert_int_equal(json_object_size(j), 4);
    /* level and msg come first, as operators' tools expect */
    assert_int_equal(strncmp(text, "{\"level\":\"warn\",\"msg\":", 22), 0);
    json_decref(j);
    free(text);
}

static void no_fields_and_null_values(void **state)
{
    (void)state;
    char *text = captured(log_plain);
    assert_string_equal(text, "{\"level\":\"error\",\"msg\":\"audit checkpoint not written\"}\n");
    free(text);
    text = captured(log_null_value);
    json_t *j = one_line(text);
    assert_true(json_is_null(json_object_get(j, "name")));
    json_decref(j);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quote_and_newline_stay_in_one_line),
        cmocka_unit_test(no_fields_and_null_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
