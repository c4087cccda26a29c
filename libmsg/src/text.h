/*
 * Search text normalisation, shared by every backend so that all of them
 * match exactly the same messages for the same query.
 */
#ifndef MSG_SRC_TEXT_H
#define MSG_SRC_TEXT_H

#include <msg/backend.h>

/* Longest word kept, in code points; longer words are cut to this. */
#define MSG_TEXT_WORD_MAX_CHARS 64

/* The words of `text` (valid UTF-8), case-folded and NFKC-normalised, joined
 * by single spaces, into `*out` ("" when there are none). Free with msg__free. */
int msg__text_words(char **out, const char *text, msg_error *err);

/* Test hook: msg__text_words always through libunistring, without the
 * shortcut for ASCII text, so tests can prove both give the same words. */
int msg__text_words_unicode(char **out, const char *text, msg_error *err);

/* A query's terms: its words, deduplicated and sorted bytewise. */
typedef struct msg__terms {
  char **items; /* point into `words` */
  size_t count;
  char *words;
} msg__terms;

/* Splits `q` into terms. MSG_ERR_INVALID (field "q") when `q` is too long,
 * not UTF-8, has no terms or more than MSG_QUERY_MAX_TERMS. Free with
 * msg__text_terms_free, also after a failure. */
int msg__text_terms(msg__terms *out, const char *q, msg_error *err);
void msg__text_terms_free(msg__terms *terms);

#endif
