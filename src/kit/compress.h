/* compress.h -- content codings: what a client accepts, and the bytes it gets.
 *
 * Citizens open these pages on cheap phones over slow mobile links, so a cold page should cost
 * a few kilobytes, not a hundred and forty. Two paths:
 *   - static assets (CSS, JS, icons) were compressed once at build time by tools/embed.c
 *     (brotli 11, gzip 9); compress_static() answers the variant the client accepts, each
 *     with its own ETag;
 *   - HTML and JSON are compressed per response by compress_response(), just before sending,
 *     when the body is big enough to gain (COMPRESS_MIN_BYTES) -- brotli at a low quality (as
 *     cheap as gzip, smaller), else gzip. PDFs and workbooks are compressed already: left alone.
 * The choice follows Accept-Encoding (RFC 9110 §12.5.3): br before gzip at equal weight, a
 * coding with q=0 never, identity when nothing else is accepted. Every answer that could have
 * been coded otherwise says "Vary: Accept-Encoding", so a cache keeps the variants apart. */
#ifndef TT_COMPRESS_H
#define TT_COMPRESS_H

#include <stdbool.h>

#include "coding.h"
#include "static.h"
#include "web.h"

#define COMPRESS_MIN_BYTES 1024

/* Answers an embedded static asset: the accepted variant, or 304 when If-None-Match names it. */
void compress_static(req *r, const static_asset *s);

/* Compresses r's body in place (in its arena) when it is HTML or JSON of at least
 * COMPRESS_MIN_BYTES and the client accepts a coding. Called once, as the response is sent. */
void compress_response(req *r);

#endif
