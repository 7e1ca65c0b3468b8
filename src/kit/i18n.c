/* i18n.c -- the interface language. Vietnamese is the source language: msgids are the
 * Vietnamese texts, so "vi" needs no catalogue. Every other language has its own text
 * domain "thanthien-<lang>", and LANGUAGE lists them all once at start, so one process
 * can answer each request in its own language without touching the thread's locale. */
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

void i18n_init(const char *locale_dir)
{
    /* Must run before any thread starts: setenv and setlocale are not thread-safe. */
    setenv("LANGUAGE", "en", 1);
    setlocale(LC_ALL, "C.UTF-8");
    bindtextdomain("thanthien-en", locale_dir);
    bind_textdomain_codeset("thanthien-en", "UTF-8");
}

const char *i18n_translate(const char *lang, const char *msgid)
{
    if (!msgid || !*msgid) return msgid;
    if (lang && !strcmp(lang, "en")) return dgettext("thanthien-en", msgid);
    return msgid;
}
