/*
 * Latency samples (see latency.h). Percentiles use the nearest-rank method:
 * p99 of 1000 samples is the 990th smallest, a value that was measured.
 */
#include "latency.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t msg__latency_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * UINT64_C(1000000000) + (uint64_t)t.tv_nsec;
}

static int reserve(bench_latency *l, size_t more) {
  if (l->count + more <= l->capacity)
    return 0;
  size_t capacity = l->capacity ? l->capacity : 4096;
  while (capacity < l->count + more)
    capacity *= 2;
  uint64_t *grown = realloc(l->ns, capacity * sizeof *grown);
  if (!grown) {
    l->failed = 1;
    return -1;
  }
  l->ns = grown;
  l->capacity = capacity;
  return 0;
}

void msg__latency_add(bench_latency *l, uint64_t ns) {
  if (reserve(l, 1) == 0)
    l->ns[l->count++] = ns;
}

void msg__latency_merge(bench_latency *to, const bench_latency *from) {
  to->failed |= from->failed;
  if (from->count == 0 || reserve(to, from->count) != 0)
    return;
  memcpy(to->ns + to->count, from->ns, from->count * sizeof *from->ns);
  to->count += from->count;
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

void msg__latency_sort(bench_latency *l) {
  if (l->count > 1)
    qsort(l->ns, l->count, sizeof *l->ns, compare_u64);
}

double msg__latency_percentile_us(const bench_latency *l, double p) {
  if (l->count == 0)
    return 0;
  double rank = ceil(p / 100.0 * (double)l->count);
  size_t i = rank < 1 ? 0 : (size_t)rank - 1;
  if (i >= l->count)
    i = l->count - 1;
  return (double)l->ns[i] / 1000.0;
}

void msg__latency_clear(bench_latency *l) {
  l->count = 0;
  l->failed = 0;
}

void msg__latency_free(bench_latency *l) {
  free(l->ns);
  *l = (bench_latency){0};
}
