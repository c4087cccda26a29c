/*
 * Words for search. The body is case-folded with full Unicode folding and
 * NFKC (so "Straße" ~ "STRASSE" and full-width "ＡＢＣ" ~ "abc"), then cut into
 * words: maximal runs of letters, marks and digits (general categories L, M,
 * N). Everything else separates words. Words are cut to 64 code points so that
 * no backend hits a token-size limit (PostgreSQL's lexemes stop at 2 KiB).
 * libunistring does the Unicode work; nothing here knows a script.
 */
#include "text.h"

#include "alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

static int is_word_char(ucs4_t uc) {
  return uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_M |
                                                  UC_CATEGORY_MASK_N);
}

/* Folds `text` and writes its words into a fresh buffer. `*word_count` gets
 * the number of words. */
static int fold_words(char **out, size_t *word_count, const char *text, msg_error *err) {
  *out = NULL;
  *word_count = 0;
  size_t folded_len = 0;
  uint8_t *folded =
      u8_casefold((const uint8_t *)text, strlen(text), NULL, UNINORM_NFKC, NULL, &folded_len);
  if (!folded)
    return errno == ENOMEM
               ? msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory normalising text")
               : msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot normalise text");
  char *words = msg__malloc(folded_len + 1);
  if (!words) {
    free(folded);
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory normalising text");
  }
  size_t o = 0, chars_in_word = 0;
  const uint8_t *p = folded, *end = folded + folded_len;
  while (p < end) {
    ucs4_t uc;
    int n = u8_mbtouc(&uc, p, (size_t)(end - p));
    if (is_word_char(uc)) {
      if (chars_in_word == 0) {
        if (o > 0)
          words[o++] = ' ';
        (*word_count)++;
      }
      if (chars_in_word < MSG_TEXT_WORD_MAX_CHARS) {
        memcpy(words + o, p, (size_t)n);
        o += (size_t)n;
      }
      chars_in_word++;
    } else {
      chars_in_word = 0;
    }
    p += n;
  }
  words[o] = '\0';
  free(folded);
  *out = words;
  return MSG_OK;
}

int msg__text_words(char **out, const char *text, msg_error *err) {
  size_t count;
  return fold_words(out, &count, text, err);
}

static int compare_terms(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int msg__text_terms(msg__terms *out, const char *q, msg_error *err) {
  *out = (msg__terms){0};
  size_t len = strlen(q);
  if (len > MSG_QUERY_MAX_BYTES)
    return msg_error_set(err, MSG_ERR_INVALID, "q", "q must be at most %d bytes",
                         MSG_QUERY_MAX_BYTES);
  if (u8_check((const uint8_t *)q, len) != NULL)
    return msg_error_set(err, MSG_ERR_INVALID, "q", "q must be valid UTF-8");
  size_t count;
  int rc = fold_words(&out->words, &count, q, err);
  if (rc != MSG_OK)
    return rc;
  if (count == 0)
    return msg_error_set(err, MSG_ERR_INVALID, "q",
                         "q must contain at least one word (letters or digits)");
  if (count > MSG_QUERY_MAX_TERMS)
    return msg_error_set(err, MSG_ERR_INVALID, "q", "q must contain at most %d words",
                         MSG_QUERY_MAX_TERMS);
  out->items = msg__calloc(count, sizeof *out->items);
  if (!out->items)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory splitting the query");
  for (char *w = out->words; w;) {
    out->items[out->count++] = w;
    w = strchr(w, ' ');
    if (w)
      *w++ = '\0';
  }
  qsort(out->items, out->count, sizeof *out->items, compare_terms);
  size_t unique = 0;
  for (size_t i = 0; i < out->count; i++) {
    if (unique == 0 || strcmp(out->items[unique - 1], out->items[i]) != 0)
      out->items[unique++] = out->items[i];
  }
  out->count = unique;
  return MSG_OK;
}

void msg__text_terms_free(msg__terms *terms) {
  msg__free(terms->items);
  msg__free(terms->words);
  *terms = (msg__terms){0};
}
