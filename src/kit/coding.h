/* coding.h -- reading the request headers that choose a content coding and a cached variant.
 *
 * The choice follows Accept-Encoding (RFC 9110 §12.5.3): br before gzip at equal weight, a
 * coding with q=0 never, identity when nothing else is accepted. If-None-Match is compared
 * weakly (RFC 9110 §13.1.2). compress.c uses both; tests/fuzz/fuzz_coding.c fuzzes both. */
#ifndef TT_CODING_H
#define TT_CODING_H

#include <stdbool.h>

typedef enum { CODING_IDENTITY, CODING_GZIP, CODING_BR } content_coding;

/* The coding to answer with, given the request's Accept-Encoding (NULL when absent) and the
 * codings on offer. */
content_coding compress_choose(const char *accept_encoding, bool have_br, bool have_gzip);

/* Whether If-None-Match (NULL when absent) names etag: "*", or one of its list. */
bool coding_etag_listed(const char *inm, const char *etag);

#endif
