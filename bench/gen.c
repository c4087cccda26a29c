/*
 * The data set model (see gen.h). Every draw comes from a splitmix64 stream
 * seeded by (seed, message index, purpose), which is what makes message i
 * computable on its own. The numbers below are the model:
 *   - accounts: Zipf(1), so with 1000 accounts the busiest holds ~13% of
 *     all messages and the median one ~0.03%;
 *   - each account has 50 contacts, also Zipf(1); half the messages are
 *     outgoing (sender = the account's number), half incoming;
 *   - times: one year from 2024-01-01, evenly spread with jitter, strictly
 *     increasing with the index; ids are UUIDv7 of those times;
 *   - bodies: 4% none, 1% empty, 30% transactional templates with codes and
 *     amounts (a long tail of unique words), 60% chat of 3..22 words drawn
 *     with Zipf(1) from the vocabulary, 5% long chat of 80..250 words;
 *   - 25% of messages carry an idempotency key.
 */
#include "gen.h"

#include "vocab.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_US INT64_C(1704067200000000) /* 2024-01-01T00:00:00Z */
#define SPAN_US (INT64_C(365) * 24 * 3600 * 1000000)
#define CONTACTS 50

/* Zipf(1) tables for contacts and vocabulary, built once; both are small and
 * their sizes fixed, so they live in static storage. */
static double contact_cdf[CONTACTS];
static double vocab_cdf[512];

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint64_t msg__gen_next(bench_rng *rng) {
  return splitmix64(&rng->state);
}

bench_rng msg__gen_stream(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t x = seed;
  uint64_t h = splitmix64(&x) ^ (a * UINT64_C(0xd6e8feb86659fd93));
  h = splitmix64(&h) ^ (b * UINT64_C(0xa0761d6478bd642f));
  bench_rng rng = {splitmix64(&h)};
  return rng;
}

uint64_t msg__gen_below(bench_rng *rng, uint64_t n) {
  return n ? msg__gen_next(rng) % n : 0;
}

static double unit_interval(bench_rng *rng) {
  return (double)(msg__gen_next(rng) >> 11) * (1.0 / 9007199254740992.0);
}

static void zipf_cdf(double *cdf, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; i++)
    sum += 1.0 / (double)(i + 1);
  double acc = 0;
  for (size_t i = 0; i < n; i++) {
    acc += 1.0 / (double)(i + 1) / sum;
    cdf[i] = acc;
  }
  cdf[n - 1] = 1.0;
}

/* The first index whose cumulative share reaches a uniform draw. */
static size_t zipf_draw(const double *cdf, size_t n, bench_rng *rng) {
  double u = unit_interval(rng);
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cdf[mid] < u)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int msg__gen_init(bench_dataset *ds, uint64_t seed, uint64_t messages, uint64_t accounts) {
  *ds = (bench_dataset){0};
  if (accounts == 0)
    accounts = messages / 1000 > 10 ? messages / 1000 : 10;
  ds->seed = seed;
  ds->messages = messages;
  ds->accounts = accounts;
  /* Account numbers are "+1" and 10 digits (msg__gen_account_number). */
  if (bench_vocab_count > sizeof vocab_cdf / sizeof vocab_cdf[0] || accounts > 1000000000)
    return -1;
  ds->account_cdf = malloc(accounts * sizeof *ds->account_cdf);
  if (!ds->account_cdf)
    return -1;
  zipf_cdf(ds->account_cdf, accounts);
  zipf_cdf(contact_cdf, CONTACTS);
  zipf_cdf(vocab_cdf, bench_vocab_count);
  ds->start_us = START_US;
  ds->step_us = messages > 0 && SPAN_US / (int64_t)messages > 1 ? SPAN_US / (int64_t)messages : 1;
  return 0;
}

void msg__gen_free(bench_dataset *ds) {
  free(ds->account_cdf);
  ds->account_cdf = NULL;
}

int64_t msg__gen_account(const bench_dataset *ds, bench_rng *rng) {
  return (int64_t)zipf_draw(ds->account_cdf, ds->accounts, rng) + 1;
}

void msg__gen_account_number(char out[BENCH_NUMBER_BYTES], int64_t account_id) {
  snprintf(out, BENCH_NUMBER_BYTES, "+1%lld", (long long)(INT64_C(2010000000) + account_id));
}

/* A contact's number: a country code and a subscriber number of that
 * country's usual length, both fixed by (account, contact). */
static void contact_number(char out[BENCH_NUMBER_BYTES], uint64_t seed, int64_t account_id,
                           size_t contact) {
  static const struct {
    const char *code;
    int digits;
  } countries[] = {{"1", 10},  {"44", 10}, {"49", 11}, {"33", 9}, {"34", 9},
                   {"91", 10}, {"81", 10}, {"55", 11}, {"61", 9}, {"234", 10}};
  bench_rng rng = msg__gen_stream(seed, (uint64_t)account_id, 1000 + contact);
  size_t c = (size_t)msg__gen_below(&rng, sizeof countries / sizeof countries[0]);
  int n = snprintf(out, BENCH_NUMBER_BYTES, "+%s%d", countries[c].code,
                   1 + (int)msg__gen_below(&rng, 9));
  for (int i = 1; i < countries[c].digits && n < BENCH_NUMBER_BYTES - 1; i++)
    out[n++] = (char)('0' + msg__gen_below(&rng, 10));
  out[n] = '\0';
}

/* A bounded appender: text that would not fit is dropped whole. */
typedef struct body_buf {
  char *data;
  size_t len, chars;
} body_buf;

static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

static void append(body_buf *b, const char *s) {
  size_t len = strlen(s);
  size_t chars = utf8_chars(s);
  if (b->len + len >= BENCH_BODY_BYTES || b->chars + chars > MSG_BODY_MAX_CHARS)
    return;
  memcpy(b->data + b->len, s, len + 1);
  b->len += len;
  b->chars += chars;
}

static void appendf(body_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void appendf(body_buf *b, const char *fmt, ...) {
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  append(b, tmp);
}

static const char *const names[] = {"Anna",  "Ben",  "Chloé", "David", "Émile", "Fatima",
                                    "Georg", "Hana", "Ivan",  "Júlia", "Kenji", "Lena"};
static const char *const days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                   "Friday", "Saturday", "Sunday"};

static void transactional(body_buf *b, bench_rng *rng) {
  switch (msg__gen_below(rng, 6)) {
  case 0:
    appendf(b, "Your verification code is %06" PRIu64 ".", msg__gen_below(rng, 1000000));
    appendf(b, " It expires in %" PRIu64 " minutes.", 5 + msg__gen_below(rng, 26));
    break;
  case 1:
    appendf(b, "Your order #A%07" PRIu64 " has shipped and arrives on ",
            msg__gen_below(rng, 10000000));
    append(b, days[msg__gen_below(rng, 7)]);
    append(b, ".");
    break;
  case 2:
    append(b, "Reminder: your appointment with Dr. ");
    append(b, names[msg__gen_below(rng, sizeof names / sizeof names[0])]);
    append(b, " is on ");
    append(b, days[msg__gen_below(rng, 7)]);
    appendf(b, " at %" PRIu64, 8 + msg__gen_below(rng, 10));
    append(b, msg__gen_below(rng, 2) ? ":30." : ":00.");
    break;
  case 3:
    appendf(b, "Payment of $%" PRIu64, 1 + msg__gen_below(rng, 2000));
    appendf(b, ".%02" PRIu64 " to ", msg__gen_below(rng, 100));
    append(b, names[msg__gen_below(rng, sizeof names / sizeof names[0])]);
    appendf(b, " was approved. Ref %08" PRIX64 ".", msg__gen_below(rng, UINT64_C(0xffffffff)));
    break;
  case 4:
    appendf(b, "Ihr Paket %" PRIu64 " wird heute zugestellt. Grüße aus der Straße!",
            msg__gen_below(rng, 100000000));
    break;
  default:
    appendf(b, "Tu código de verificación es %06" PRIu64 ". ¡Gracias!",
            msg__gen_below(rng, 1000000));
    break;
  }
}

static void chat(body_buf *b, bench_rng *rng, size_t words) {
  static const char *const endings[] = {".", "!", "?", " 😀", " 👍", "..."};
  int capital = 1;
  for (size_t w = 0; w < words; w++) {
    const char *word = bench_vocab[zipf_draw(vocab_cdf, bench_vocab_count, rng)];
    if (w > 0) {
      uint64_t r = msg__gen_below(rng, 100);
      append(b, r < 8 ? ", " : r < 14 ? ". " : r < 16 ? "! " : " ");
      capital = r >= 8 && r < 16;
    }
    if (capital && word[0] >= 'a' && word[0] <= 'z') {
      char first[2] = {(char)(word[0] - 'a' + 'A'), '\0'};
      append(b, first);
      append(b, word + 1);
    } else {
      append(b, word);
    }
    capital = 0;
  }
  append(b, endings[msg__gen_below(rng, sizeof endings / sizeof endings[0])]);
}

/* Draws account-independent content: direction, contact, body, key. */
static void fill_content(const bench_dataset *ds, bench_rng *rng, bench_message *out) {
  char own[BENCH_NUMBER_BYTES], other[BENCH_NUMBER_BYTES];
  msg__gen_account_number(own, out->account_id);
  contact_number(other, ds->seed, out->account_id, zipf_draw(contact_cdf, CONTACTS, rng));
  int outgoing = msg__gen_below(rng, 2) == 0;
  memcpy(out->sender, outgoing ? own : other, BENCH_NUMBER_BYTES);
  memcpy(out->receiver, outgoing ? other : own, BENCH_NUMBER_BYTES);

  body_buf b = {out->body, 0, 0};
  out->body[0] = '\0';
  uint64_t kind = msg__gen_below(rng, 100);
  out->has_body = kind >= 4;
  if (kind >= 5 && kind < 35)
    transactional(&b, rng);
  else if (kind >= 35 && kind < 95)
    chat(&b, rng, 3 + msg__gen_below(rng, 20));
  else if (kind >= 95)
    chat(&b, rng, 80 + msg__gen_below(rng, 171));

  out->has_key = msg__gen_below(rng, 4) == 0;
  if (out->has_key)
    snprintf(out->key, BENCH_KEY_BYTES, "req-%016llx", (unsigned long long)msg__gen_next(rng));
  else
    out->key[0] = '\0';
}

void msg__gen_uuid_v7(char out[MSG_ID_LEN + 1], int64_t created_at, bench_rng *rng) {
  static const char hex[] = "0123456789abcdef";
  uint8_t b[16];
  uint64_t ms = (uint64_t)(created_at / 1000);
  unsigned int sub_ms = (unsigned int)((created_at % 1000) * 4096 / 1000);
  uint64_t r = msg__gen_next(rng);
  for (int i = 0; i < 6; i++)
    b[i] = (uint8_t)(ms >> (40 - 8 * i));
  b[6] = (uint8_t)(0x70 | (sub_ms >> 8));
  b[7] = (uint8_t)(sub_ms & 0xff);
  for (int i = 0; i < 8; i++)
    b[8 + i] = (uint8_t)(r >> (8 * i));
  b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));
  size_t o = 0;
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 0x0f];
  }
  out[o] = '\0';
}

void msg__gen_message(const bench_dataset *ds, uint64_t index, bench_message *out) {
  bench_rng rng = msg__gen_stream(ds->seed, index, 0);
  out->index = index;
  out->account_id = msg__gen_account(ds, &rng);
  out->created_at = ds->start_us + (int64_t)index * ds->step_us +
                    (int64_t)msg__gen_below(&rng, (uint64_t)ds->step_us);
  msg__gen_uuid_v7(out->message_id, out->created_at, &rng);
  fill_content(ds, &rng, out);
}

void msg__gen_new_message(const bench_dataset *ds, bench_rng *rng, bench_message *out) {
  out->index = UINT64_MAX;
  out->account_id = msg__gen_account(ds, rng);
  out->created_at = 0;
  out->message_id[0] = '\0';
  fill_content(ds, rng, out);
  out->has_key = false;
  out->key[0] = '\0';
}

const char *msg__gen_search_word(bench_rng *rng) {
  size_t from = BENCH_VOCAB_SEARCH_FROM;
  return bench_vocab[from + msg__gen_below(rng, bench_vocab_count - from)];
}
