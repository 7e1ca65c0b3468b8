/* demo.h -- the demonstration data: Tỉnh Thái Nguyên with the communes (as merged on 1 July
 * 2025) that took in the seed's twelve pilot communes, three departments, hamlets, an account
 * for every role (and an officer and a leader in every unit) and the commune-level procedure
 * catalogue. Each unit has a fictional quality profile (units.json "demo") so the province's
 * view has desks that differ. The files live in data/demo/ and are embedded at
 * build time, so `thanthien demo` works from any directory. */
#ifndef TT_DEMO_H
#define TT_DEMO_H

#include <stdint.h>
#include <stdio.h>

#include "../core/err.h"
#include "../store/db.h"
#include "../store/embedded.h"

#define DEMO_PASSWORD "ThanThien@2026"

int demo_create(db *d, err *e);

/* After demo_create: about two years of history for every unit (dossiers, letters, ratings,
 * surveys, feedback, receptions and dialogues), as of now. */
int demo_history(db *d, int64_t now, err *e);

/* Dossiers (demo_dossiers.c), written without audit rows or notifications: they are the
 * history a demonstration starts from, not its users' actions. */
#define DEMO_SEED 20241201u

/* About two years (2024-12-01 to the day of now) of dossiers for every commune and department, as a
 * one-stop desk would have them: the catalogue's procedures with time limits, the demo
 * officials, a mix of channels, mostly on time, some early, some late and apologised,
 * supplements, refusals, withdrawals, postal returns; the recent ones still open. The same
 * seed and now give the same rows. */
int demo_dossiers(db *d, int64_t now, uint64_t seed, err *e);

/* Exactly n dossiers for benchmarks, spread evenly over the working days from 2024-12-01 to
 * yesterday and over 50 communes (fictional "Xã Thử Nghiệm NN" added to the demo's), about
 * four control-sheet steps each. Commits every 50,000 dossiers; prints progress to progress
 * when it is not NULL. The caller chooses the durability (the command turns fsync off). */
int demo_dossiers_bulk(db *d, int64_t n, int64_t now, uint64_t seed, FILE *progress, err *e);
/* The same over `communes` communes in all (the province's view is measured over 150). */
int demo_dossiers_bulk_in(db *d, int64_t n, int64_t communes, int64_t now, uint64_t seed, FILE *progress, err *e);

/* After demo_dossiers_bulk: ratings of the returned dossiers and two years of feedback and
 * receptions for every commune and department (demo.c). */
int demo_bulk_voice(db *d, int64_t now, err *e);

/* Prints k "code<TAB>secret" lines of dossiers spread evenly over the whole table. */
int demo_sample_codes(db *d, int64_t k, FILE *out, err *e);

#endif
