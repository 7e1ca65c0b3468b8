/* clock.h -- "now" for the business rules: due dates, lateness, the age of a letter.
 *
 * clock_now() is time(NULL), unless the environment variable THANTHIEN_CLOCK_FILE names a
 * file: then it is time(NULL) plus the signed number of seconds written in that file. The
 * HTTP tests use it to travel in time (a dossier becomes late because the server's clock moved
 * on, not because a test rewrote due_at in the database). The file is read at most once a
 * second and its offset cached, so a request costs no extra system call; a missing or invalid
 * file means no offset. Timeouts, rate windows and log timestamps keep time(NULL): they are
 * about the machine, not the calendar. */
#ifndef TT_CLOCK_H
#define TT_CLOCK_H

#include <time.h>

time_t clock_now(void);

#endif
