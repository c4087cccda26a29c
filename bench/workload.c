/*
 * Operation names and per-thread inputs (see workload.h). The words of each
 * body and query are computed here, outside the timed region, with the
 * library's own normalisation: the baseline needs them to write its search
 * index, and an application writing to the database directly would have to
 * produce them too; only libmsg pays for normalising during the run, since
 * that cost is part of what it does for its caller.
 */
#include "workload.h"

#include "alloc.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char *const op_names[BENCH_OP_COUNT] = {
    "create", "get", "list-first", "list-deep", "search-sender", "search-time", "search-text",
};

const char *msg__workload_op_name(bench_op op) {
  return op < BENCH_OP_COUNT ? op_names[op] : "?";
}

int msg__workload_op_parse(const char *name) {
  for (int i = 0; i < BENCH_OP_COUNT; i++) {
    if (strcmp(op_names[i], name) == 0)
      return i;
  }
  return -1;
}

int msg__workload_op_pages(bench_op op) {
  return op != BENCH_CREATE && op != BENCH_GET;
}

static char *words_of(const char *text) {
  char *words = NULL;
  msg_error err;
  if (msg__text_words(&words, text, &err) != MSG_OK)
    return NULL;
  /* Copied so that every field of an item is freed with free(). */
  char *copy = strdup(words);
  msg__free(words);
  return copy;
}

static int fill_item(bench_item *it, const bench_dataset *ds, bench_rng *rng) {
  bench_message *m = malloc(sizeof *m);
  if (!m)
    return -1;
  msg__gen_new_message(ds, rng, m);
  it->account_id = m->account_id;
  memcpy(it->sender, m->sender, sizeof it->sender);
  memcpy(it->receiver, m->receiver, sizeof it->receiver);
  it->body = m->has_body ? strdup(m->body) : NULL;
  it->words = words_of(m->has_body ? m->body : "");
  int ok = (!m->has_body || it->body) && it->words;

  uint64_t top = ds->accounts < 4 ? ds->accounts : 4;
  it->walk_account_id = 1 + (int64_t)msg__gen_below(rng, top);

  msg__gen_message(ds, msg__gen_below(rng, ds->messages), m);
  memcpy(it->message_id, m->message_id, sizeof it->message_id);

  msg__gen_account_number(it->search_sender, msg__gen_account(ds, rng));

  int64_t window = ds->step_us * BENCH_TIME_WINDOW_MESSAGES;
  msg__gen_message(ds, msg__gen_below(rng, ds->messages), m);
  it->after = m->created_at - window / 2;
  it->before = m->created_at + window / 2;

  it->term = msg__gen_search_word(rng);
  it->term_words = words_of(it->term);
  free(m);
  return ok && it->term_words && it->term_words[0] ? 0 : -1;
}

int msg__workload_items(bench_items *out, const bench_dataset *ds, unsigned int thread,
                        size_t count) {
  out->items = calloc(count, sizeof *out->items);
  out->count = 0;
  if (!out->items)
    return -1;
  bench_rng rng = msg__gen_stream(ds->seed, UINT64_MAX - thread, 7);
  for (size_t i = 0; i < count; i++) {
    out->count++;
    if (fill_item(&out->items[i], ds, &rng) != 0)
      return -1;
  }
  return 0;
}

void msg__workload_items_free(bench_items *items) {
  for (size_t i = 0; i < items->count; i++) {
    free(items->items[i].body);
    free(items->items[i].words);
    free(items->items[i].term_words);
  }
  free(items->items);
  *items = (bench_items){0};
}
