/* open311_fmt.h -- the pure half of the Open311 GeoReport v2 API (open311.c is the other):
 * reading what an app sends (the format suffix of a path, W3C datetimes, coordinates,
 * comma-delimited lists, attribute[code] field names) and writing the answers as XML.
 *
 * The answers are built once as a jansson document in the shape of the spec's JSON (the
 * "Spark convention" mapping of its XML, wiki.open311.org/GeoReport_v2 "JSON Support") and
 * o311_xml() writes the same document as the spec's XML: an array becomes a container
 * element whose items are named by the singular of its name (services/service,
 * service_requests/request, errors/error, attributes/attribute, values/value), an object's
 * members become child elements in order, null an empty element, true/false and numbers
 * their text. Every text is escaped; characters XML 1.0 cannot carry are dropped.
 *
 * Pure: no I/O, no clock, no database (tests/fuzz/fuzz_open311.c links it alone). */
#ifndef TT_OPEN311_FMT_H
#define TT_OPEN311_FMT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/arena.h"

typedef enum { O311_BAD = 0, O311_JSON, O311_XML } o311_format;

/* "services.json" -> name "services", O311_JSON; "12.xml" -> "12", O311_XML. The name is
 * what comes before the last dot, 1 to 64 bytes of [A-Za-z0-9_-]; O311_BAD otherwise (name
 * is then ""). name has 65 bytes. */
o311_format o311_split(const char *file, char name[65]);

/* A W3C datetime (www.w3.org/TR/NOTE-datetime, the spec's date format) as Unix seconds:
 * YYYY-MM-DD (midnight in Vietnam, UTC+7), or YYYY-MM-DDThh:mm[:ss[.s...]] followed by Z or
 * +hh:mm / -hh:mm (the zone is required with a time). Years 1970 to 9999. */
bool o311_parse_datetime(const char *s, int64_t *out);
/* t as "2026-12-04T09:30:00+07:00" (Vietnam time, the spec's W3C format); 32 bytes (25 used). */
void o311_datetime(int64_t t, char out[32]);

/* A decimal degree: optional sign, digits, optional fraction, nothing else, within lo..hi. */
bool o311_parse_degree(const char *s, double lo, double hi, double *out);

/* Splits a comma-delimited list ("1,2, 3") into at most max items of at most 64 bytes each,
 * empty items skipped, spaces around items trimmed. Returns the count, or -1 when an item is
 * too long or there are more than max. */
int o311_split_list(arena *a, const char *s, const char **items, int max);

/* A form field named attribute[CODE] or attribute[CODE][] (a multivaluelist): true and
 * CODE in code (at most 64 bytes of [A-Za-z0-9_-]); false for any other name. */
bool o311_attribute_field(const char *name, char code[65], bool *multi);

/* The XML document of doc (an array or an object) under its root element: "services",
 * "service_requests", "errors", "service_definition", "discovery". Arrays inside are named
 * as said above. The string is in a. */
const char *o311_xml(arena *a, json_t *doc, const char *root);

/* Appends n bytes of s to b with &, <, >, " and ' escaped and what XML 1.0 cannot carry
 * (C0 controls other than tab, CR and LF; U+FFFE, U+FFFF; invalid UTF-8) dropped. */
void o311_put_escaped(buf *b, const char *s, size_t n);

#endif
