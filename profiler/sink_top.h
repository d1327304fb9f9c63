/* sink_top.h - `flamer top`: a sink that keeps, per function, how many
 * of the last seconds' samples it was the leaf of (self) or anywhere in
 * (total), and prints the top functions once a second.
 *
 * Samples are counted in one-second buckets; a snapshot covers the last
 * TOP_WINDOW buckets.  On a terminal each snapshot replaces the previous
 * one (cursor home, clear); otherwise snapshots follow each other as
 * plain text, each starting with a "--- " header line.
 */
#ifndef FLAMER_PROFILER_SINK_TOP_H
#define FLAMER_PROFILER_SINK_TOP_H

#include <stdbool.h>
#include <stdio.h>

#include "sink.h"

#define TOP_WINDOW 5 /* seconds a snapshot covers */

struct top;

/* A top printing to out (borrowed), redrawing in place when tty; at most
 * rows functions per snapshot.  NULL on ENOMEM. */
struct top *top_new(FILE *out, bool tty, unsigned rows);
void top_free(struct top *t); /* NULL is accepted */

/* The sink feeding t (t borrowed). */
struct sink sink_top(struct top *t);

/* Prints a snapshot of the last TOP_WINDOW seconds at elapsed seconds
 * since the start, then starts a new bucket.  0 or -errno (a write
 * error). */
int top_tick(struct top *t, double elapsed, const char *what);

#endif
