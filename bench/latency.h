/*
 * Latency samples: every operation's duration is kept (nanoseconds), so the
 * percentiles are exact rather than read off a histogram. A run of a few
 * seconds holds at most a few million samples.
 */
#ifndef MSG_BENCH_LATENCY_H
#define MSG_BENCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_latency {
  uint64_t *ns;
  size_t count, capacity;
  int failed; /* an allocation failed: samples were lost */
} bench_latency;

/* Monotonic time in nanoseconds. */
uint64_t msg__latency_now(void);

void msg__latency_add(bench_latency *l, uint64_t ns);
/* Appends every sample of `from` to `to`; sets to->failed on failure. */
void msg__latency_merge(bench_latency *to, const bench_latency *from);
/* Sorts the samples; the percentile calls need it. */
void msg__latency_sort(bench_latency *l);
/* The p-th percentile (0 < p <= 100) of sorted samples, in microseconds;
 * 0 when there are none. */
double msg__latency_percentile_us(const bench_latency *l, double p);
void msg__latency_clear(bench_latency *l);
void msg__latency_free(bench_latency *l);

#endif
