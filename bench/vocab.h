/*
 * The words conversational bodies are made of (vocab.c), most frequent
 * first.
 */
#ifndef MSG_BENCH_VOCAB_H
#define MSG_BENCH_VOCAB_H

#include <stddef.h>

extern const char *const bench_vocab[];
extern const size_t bench_vocab_count;

/* Text searches skip the most frequent words, which no one searches for. */
#define BENCH_VOCAB_SEARCH_FROM 40

#endif
