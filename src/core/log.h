/* log.h -- the server's log: one JSON object a line on standard error.
 *
 *     log_json("warn", "due-soon warning not queued", "{s:I, s:s}", "dossier", id, "why", why);
 *
 * gives {"level":"warn","msg":"due-soon warning not queued","dossier":42,"why":"..."}. The
 * fields after level and msg are a jansson json_pack() format for an object ("{s:s, s:I}"),
 * or NULL for none, so every value is escaped: a quote or a newline in an error message
 * cannot break the line or forge a field. A value may be NULL with "s?" (JSON null). The line
 * is written with one call, so lines from several threads stay whole. */
#ifndef TT_LOG_H
#define TT_LOG_H

/* level: "info", "warn", "error", "fatal"; msg: what happened, in English (for operators). */
void log_json(const char *level, const char *msg, const char *fields, ...);

#endif
