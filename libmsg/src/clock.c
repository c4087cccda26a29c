/*
 * created_at source. Wall-clock time (UTC) at microsecond precision, made
 * strictly increasing process-wide with a compare-and-swap: two messages
 * created in the same microsecond, or across a small backwards clock step,
 * still get distinct, ordered times, and the ids derived from them (uuid.c)
 * stay ordered too. The monotonic clock is reached through a pointer that
 * tests may replace (see clock.h).
 */
#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t last_micros;

static void monotonic_now(struct timespec *now) { clock_gettime(CLOCK_MONOTONIC, now); }

void (*msg__clock_monotonic)(struct timespec *now) = monotonic_now;

int64_t msg__clock_next_micros(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  int64_t last = atomic_load(&last_micros);
  for (;;) {
    int64_t next = now > last ? now : last + 1;
    if (atomic_compare_exchange_weak(&last_micros, &last, next))
      return next;
  }
}
