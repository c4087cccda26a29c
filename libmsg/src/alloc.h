/*
 * The core's allocator. Every allocation in libmsg/src goes through these
 * wrappers so that tests can make the Nth allocation fail and prove that each
 * failure path returns MSG_ERR_NOMEM cleanly (the libuv test-loop-oom idea).
 */
#ifndef MSG_SRC_ALLOC_H
#define MSG_SRC_ALLOC_H

#include <stddef.h>

void *msg__malloc(size_t size);
void *msg__calloc(size_t count, size_t size);
void *msg__realloc(void *ptr, size_t size);
char *msg__strdup(const char *s);
void msg__free(void *ptr);

/* Test hook: the `n`th allocation from now (1 = the next one) fails, and every
 * later one succeeds again; -1 turns failures off. Not thread-aware: use only
 * in single-threaded tests. */
void msg__alloc_fail_after(long n);

/* Test hook: blocks allocated by these wrappers and not yet freed. */
long msg__alloc_live(void);

#endif
