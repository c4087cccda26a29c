/*
 * Allocation wrappers with fault injection for the out-of-memory tests.
 * The countdown is an atomic so that threads in other tests never race on it,
 * though only single-threaded tests arm it.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1;

static int should_fail(void) {
  long n = atomic_load(&fail_countdown);
  if (n < 0)
    return 0;
  n = atomic_fetch_sub(&fail_countdown, 1);
  if (n == 1) {
    atomic_store(&fail_countdown, -1);
    return 1;
  }
  return 0;
}

void msg__alloc_fail_after(long n) {
  atomic_store(&fail_countdown, n <= 0 ? -1 : n);
}

void *msg__malloc(size_t size) {
  if (should_fail())
    return NULL;
  return malloc(size ? size : 1);
}

void *msg__calloc(size_t count, size_t size) {
  if (should_fail())
    return NULL;
  return calloc(count ? count : 1, size ? size : 1);
}

void *msg__realloc(void *ptr, size_t size) {
  if (should_fail())
    return NULL;
  return realloc(ptr, size ? size : 1);
}

char *msg__strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = msg__malloc(n);
  if (copy)
    memcpy(copy, s, n);
  return copy;
}

void msg__free(void *ptr) {
  free(ptr);
}
