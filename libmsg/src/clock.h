/*
 * Creation times: microseconds since the epoch, strictly increasing within a
 * process so that messages created here sort in creation order. And the
 * monotonic clock that waits are measured on, behind a seam.
 */
#ifndef MSG_SRC_CLOCK_H
#define MSG_SRC_CLOCK_H

#include <stdint.h>
#include <time.h>

int64_t msg__clock_next_micros(void);

/* Fills `now` with CLOCK_MONOTONIC's time. A seam, so that a test can put
 * "now" where it wants (just before a second turns over, far in the past);
 * it is set only by tests, before the store it affects is used. */
extern void (*msg__clock_monotonic)(struct timespec *now);

#endif
