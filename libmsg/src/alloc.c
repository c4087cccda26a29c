/*
 * Allocation wrappers with fault injection for the out-of-memory tests, and a
 * count of live blocks so those tests can prove a failed call freed all it
 * took. Both counters are atomics so that threads in other tests never race
 * on them, though only single-threaded tests arm the failure.
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1;
static atomic_long live_blocks;

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

long msg__alloc_live(void) {
  return atomic_load(&live_blocks);
}

static void *counted(void *block) {
  if (block)
    atomic_fetch_add(&live_blocks, 1);
  return block;
}

void *msg__malloc(size_t size) {
  if (should_fail())
    return NULL;
  return counted(malloc(size ? size : 1));
}

void *msg__calloc(size_t count, size_t size) {
  if (should_fail())
    return NULL;
  return counted(calloc(count ? count : 1, size ? size : 1));
}

void *msg__realloc(void *ptr, size_t size) {
  if (should_fail())
    return NULL;
  void *grown = realloc(ptr, size ? size : 1);
  return ptr ? grown : counted(grown);
}

char *msg__strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = msg__malloc(n);
  if (copy)
    memcpy(copy, s, n);
  return copy;
}

void msg__free(void *ptr) {
  if (ptr)
    atomic_fetch_sub(&live_blocks, 1);
  free(ptr);
}
