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

/*
 * Most text is ASCII, or ASCII with a few other words, and libunistring
 * costs some hundred times more per character than ASCII needs. So the text
 * is cut into segments that can be folded independently, and only segments
 * holding a non-ASCII byte go through libunistring; the others take a
 * shortcut that gives exactly what libunistring gives them: no ASCII
 * character has a compatibility decomposition, full case folding of ASCII
 * is A-Z to a-z, and the ASCII characters in categories L, M and N are the
 * letters and digits.
 *
 * A segment ends at an ASCII separator (neither letter nor digit) that is
 * followed by ASCII or by the end. That is a safe cut: every ASCII
 * character is a starter that never composes with what precedes it, so
 * normalisation never reaches across the separator, and case folding maps
 * each character alone. The cut is not made where a non-ASCII character
 * follows, since that may be a mark composing with the separator ("<" and
 * U+0338 are NFKC "≮", which is not a word). A separator is never part of a
 * word, so no word spans two segments.
 */

/* The words found so far, joined by single spaces. */
typedef struct word_buf {
  char *data;
  size_t len, cap, count;
} word_buf;

static int reserve(word_buf *w, size_t more, msg_error *err) {
  if (w->cap - w->len > more)
    return MSG_OK;
  size_t cap = w->cap ? w->cap : 64;
  while (cap - w->len <= more)
    cap *= 2;
  char *grown = msg__realloc(w->data, cap);
  if (!grown)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory normalising text");
  w->data = grown;
  w->cap = cap;
  return MSG_OK;
}

/* Adds one character (`n` bytes at `p`) that is part of a word;
 * `chars_in_word` counts the word's characters so far. Room is reserved. */
static void add_word_char(word_buf *w, const char *p, size_t n, size_t *chars_in_word) {
  if (*chars_in_word == 0) {
    if (w->len > 0)
      w->data[w->len++] = ' ';
    w->count++;
  }
  if (*chars_in_word < MSG_TEXT_WORD_MAX_CHARS) {
    memcpy(w->data + w->len, p, n);
    w->len += n;
  }
  (*chars_in_word)++;
}

static int is_ascii_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* An ASCII segment is one word (or empty): fold_words cuts the text at
 * every ASCII separator that ASCII or the end follows, so a segment without
 * a non-ASCII byte holds letters and digits only. */
static int ascii_segment(word_buf *w, const char *text, size_t len, msg_error *err) {
  /* The word and the space before it. */
  int rc = reserve(w, len + 1, err);
  size_t chars_in_word = 0;
  for (size_t i = 0; rc == MSG_OK && i < len; i++) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    add_word_char(w, &c, 1, &chars_in_word);
  }
  return rc;
}

static int unicode_segment(word_buf *w, const char *text, size_t len, msg_error *err) {
  size_t folded_len = 0;
  uint8_t *folded = u8_casefold((const uint8_t *)text, len, NULL, UNINORM_NFKC, NULL, &folded_len);
  if (!folded)
    return errno == ENOMEM
               ? msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory normalising text")
               : msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot normalise text");
  /* Each character adds at most itself and a space. */
  int rc = reserve(w, 2 * folded_len + 1, err);
  size_t chars_in_word = 0;
  const uint8_t *p = folded, *end = folded + folded_len;
  while (rc == MSG_OK && p < end) {
    ucs4_t uc;
    int n = u8_mbtouc(&uc, p, (size_t)(end - p));
    if (is_word_char(uc))
      add_word_char(w, (const char *)p, (size_t)n, &chars_in_word);
    else
      chars_in_word = 0;
    p += n;
  }
  free(folded);
  return rc;
}

/* Writes the words of `text` into a fresh buffer; `*word_count` gets their
 * number. `shortcut` 0 sends the whole text through libunistring (tests). */
static int fold_words(char **out, size_t *word_count, const char *text, int shortcut,
                      msg_error *err) {
  *out = NULL;
  *word_count = 0;
  word_buf w = {0};
  size_t len = strlen(text);
  int rc = reserve(&w, len + 1, err);
  for (size_t start = 0; rc == MSG_OK && start < len;) {
    size_t end = start;
    unsigned char seen = 0;
    if (shortcut) {
      /* To the next safe cut (see above), noting whether any byte is not
       * ASCII. */
      while (end < len && !(!is_ascii_word_char(text[end]) && (unsigned char)text[end] < 0x80 &&
                            (end + 1 == len || (unsigned char)text[end + 1] < 0x80)))
        seen |= (unsigned char)text[end++];
    } else {
      end = len;
      seen = 0x80;
    }
    rc = seen & 0x80 ? unicode_segment(&w, text + start, end - start, err)
                     : ascii_segment(&w, text + start, end - start, err);
    start = end + 1; /* past the separator, which holds no word */
  }
  if (rc != MSG_OK) {
    msg__free(w.data);
    return rc;
  }
  w.data[w.len] = '\0';
  *out = w.data;
  *word_count = w.count;
  return MSG_OK;
}

int msg__text_words(char **out, const char *text, msg_error *err) {
  size_t count;
  return fold_words(out, &count, text, 1, err);
}

int msg__text_words_unicode(char **out, const char *text, msg_error *err) {
  size_t count;
  return fold_words(out, &count, text, 0, err);
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
  int rc = fold_words(&out->words, &count, q, 1, err);
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
