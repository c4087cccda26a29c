/*
 * The measurement loop (see driver.h). Threads wait at a gate so that they
 * start together (a gate rather than a barrier, so that a failed start can
 * still release the threads that exist); each records every operation's
 * duration, and the rate is all operations over the span from the first
 * thread's start to the last one's end. Each thread's CPU time is kept too:
 * on a busy machine, CPU per operation of the calling thread tells the
 * library's own cost apart from time spent waiting. Inputs are consumed in the same order by both
 * sides (each side has its own position in every thread's list, reset for each measurement), so
 * both do the same work on the same rows.
 */
#include "driver.h"

#include "guard.h"
#include "latency.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64
#define ITEMS_PER_THREAD 1024
#define VERIFY_ITEMS 4
#define VERIFY_WALK_PAGES 3

typedef struct context {
  const bench_run *run;
  unsigned int max_threads;
  void *sessions[2][MAX_THREADS];
  bench_items items[MAX_THREADS];
} context;

/* Holds the threads until all of them exist, so that they start together. */
typedef struct gate {
  pthread_mutex_t lock;
  pthread_cond_t opened;
  int open;
} gate;

typedef struct worker {
  pthread_t thread;
  const bench_impl *impl;
  void *session;
  const bench_items *items;
  size_t *position;
  bench_op op;
  size_t limit;
  uint64_t deadline; /* set when the gate opens */
  gate *gate;
  bench_side side;
  bench_latency latency;
  uint64_t ops, errors, start, end;
  uint64_t cpu_ns; /* this thread's CPU time in the loop */
  char error[BENCH_ERROR_SIZE];
} worker;

/* What one side did over all rounds of a measurement. */
typedef struct tally {
  bench_latency latency;
  uint64_t ops, errors, cpu_ns;
  double seconds;
  char error[BENCH_ERROR_SIZE];
} tally;

static int run_op(const bench_impl *impl, void *session, bench_op op, const bench_item *item,
                  size_t limit, bench_page *page) {
  *page = (bench_page){0};
  if (op == BENCH_CREATE)
    return impl->create(session, item);
  if (op == BENCH_GET)
    return impl->get(session, item, page);
  return impl->page(session, op, item, limit, page);
}

static uint64_t thread_cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (uint64_t)t.tv_sec * UINT64_C(1000000000) + (uint64_t)t.tv_nsec;
}

static void *work(void *arg) {
  worker *w = arg;
  msg__guard_set_side(w->side);
  pthread_mutex_lock(&w->gate->lock);
  while (!w->gate->open)
    pthread_cond_wait(&w->gate->opened, &w->gate->lock);
  pthread_mutex_unlock(&w->gate->lock);
  w->start = msg__latency_now();
  uint64_t cpu = thread_cpu_ns();
  uint64_t t0;
  while ((t0 = msg__latency_now()) < w->deadline) {
    const bench_item *item = &w->items->items[*w->position % w->items->count];
    (*w->position)++;
    bench_page page;
    int rc = run_op(w->impl, w->session, w->op, item, w->limit, &page);
    msg__latency_add(&w->latency, msg__latency_now() - t0);
    w->ops++;
    if (rc != 0 && w->errors++ == 0)
      snprintf(w->error, sizeof w->error, "%s", w->impl->error(w->session));
  }
  w->end = msg__latency_now();
  w->cpu_ns = thread_cpu_ns() - cpu;
  return NULL;
}

/* Runs one side with `threads` threads for `seconds`; adds to `t` when not
 * NULL (a warm-up passes NULL but still counts its errors in `errors`). */
static int phase(context *c, int side, bench_op op, size_t limit, unsigned int threads,
                 double seconds, size_t positions[MAX_THREADS], tally *t, uint64_t *errors) {
  worker *workers = calloc(threads, sizeof *workers);
  if (!workers) {
    fprintf(stderr, "msg-bench: out of memory\n");
    return -1;
  }
  gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
  unsigned int started = 0;
  for (; started < threads; started++) {
    worker *w = &workers[started];
    *w = (worker){.impl = c->run->impls[side],
                  .session = c->sessions[side][started],
                  .items = &c->items[started],
                  .position = &positions[started],
                  .op = op,
                  .limit = limit,
                  .gate = &g,
                  .side = side == 0 ? BENCH_SIDE_LIBMSG : BENCH_SIDE_BASELINE};
    if (pthread_create(&w->thread, NULL, work, w) != 0)
      break;
  }
  int rc = started == threads ? 0 : -1;
  if (rc != 0)
    fprintf(stderr, "msg-bench: cannot start %u threads\n", threads);
  /* After a failed start the threads that exist are let go with a deadline
   * already past. */
  pthread_mutex_lock(&g.lock);
  uint64_t deadline = rc == 0 ? msg__latency_now() + (uint64_t)(seconds * 1e9) : 0;
  for (unsigned int i = 0; i < started; i++)
    workers[i].deadline = deadline;
  g.open = 1;
  pthread_cond_broadcast(&g.opened);
  pthread_mutex_unlock(&g.lock);
  uint64_t first = UINT64_MAX, last = 0;
  for (unsigned int i = 0; i < started; i++) {
    worker *w = &workers[i];
    pthread_join(w->thread, NULL);
    first = w->start < first ? w->start : first;
    last = w->end > last ? w->end : last;
    *errors += w->errors;
    if (t) {
      msg__latency_merge(&t->latency, &w->latency);
      t->ops += w->ops;
      t->errors += w->errors;
      t->cpu_ns += w->cpu_ns;
      if (w->errors && !t->error[0])
        memcpy(t->error, w->error, sizeof t->error);
    }
    if (w->errors)
      fprintf(stderr, "msg-bench: %s %s: %llu errors, first: %s\n", c->run->impls[side]->name,
              msg__workload_op_name(op), (unsigned long long)w->errors, w->error);
    msg__latency_free(&w->latency);
  }
  if (t && started > 0)
    t->seconds += (double)(last - first) / 1e9;
  free(workers);
  return rc;
}

static int same_page(const bench_page *a, const bench_page *b) {
  return a->count == b->count && a->has_next == b->has_next && a->digest == b->digest;
}

/* Both sides run the operation on the first inputs of thread 0 and must
 * return the same rows (creates must both succeed). Also prepares each
 * side's statements under the guard. */
static int verify(context *c, bench_op op, size_t limit) {
  const bench_impl *libmsg = c->run->impls[0], *baseline = c->run->impls[1];
  if (!libmsg || !baseline)
    return 0;
  void *ls = c->sessions[0][0], *bs = c->sessions[1][0];
  int pages = op == BENCH_LIST_DEEP ? VERIFY_WALK_PAGES : 1;
  for (size_t k = 0; k < VERIFY_ITEMS; k++) {
    const bench_item *item = &c->items[0].items[k];
    libmsg->reset_walk(ls);
    baseline->reset_walk(bs);
    for (int p = 0; p < pages; p++) {
      bench_page a, b;
      msg__guard_set_side(BENCH_SIDE_LIBMSG);
      int ra = run_op(libmsg, ls, op, item, limit, &a);
      msg__guard_set_side(BENCH_SIDE_BASELINE);
      int rb = run_op(baseline, bs, op, item, limit, &b);
      msg__guard_set_side(BENCH_SIDE_NONE);
      if (ra != 0 || rb != 0) {
        fprintf(stderr, "msg-bench: checking %s: %s\n", msg__workload_op_name(op),
                ra != 0 ? libmsg->error(ls) : baseline->error(bs));
        return -1;
      }
      if (op != BENCH_CREATE && !same_page(&a, &b)) {
        fprintf(stderr,
                "msg-bench: %s (input %zu, page %d): libmsg returned %zu rows%s, the baseline "
                "%zu rows%s, %s\n",
                msg__workload_op_name(op), k, p + 1, a.count, a.has_next ? " and more" : "",
                b.count, b.has_next ? " and more" : "",
                a.digest == b.digest ? "same ids" : "different ids");
        return -1;
      }
    }
  }
  libmsg->reset_walk(ls);
  baseline->reset_walk(bs);
  return 0;
}

static void report(context *c, int side, bench_op op, size_t limit, unsigned int threads,
                   tally *t) {
  const bench_run *run = c->run;
  msg__latency_sort(&t->latency);
  double rate = t->seconds > 0 ? (double)t->ops / t->seconds : 0;
  if (!run->json)
    return;
  char limit_text[24] = "null";
  if (msg__workload_op_pages(op))
    snprintf(limit_text, sizeof limit_text, "%zu", limit);
  fprintf(
      run->json,
      "{\"kind\": \"op\", \"backend\": \"%s\", \"messages\": %llu, \"accounts\": %llu,"
      " \"op\": \"%s\", \"limit\": %s, \"threads\": %u, \"impl\": \"%s\", \"ops\": %llu,"
      " \"seconds\": %.3f, \"ops_per_s\": %.1f, \"p50_us\": %.1f, \"p90_us\": %.1f,"
      " \"p99_us\": %.1f, \"p999_us\": %.1f, \"max_us\": %.1f, \"cpu_us_per_op\": %.2f,"
      " \"errors\": %llu}\n",
      run->label, (unsigned long long)run->ds->messages, (unsigned long long)run->ds->accounts,
      msg__workload_op_name(op), limit_text, threads, run->impls[side]->name,
      (unsigned long long)t->ops, t->seconds, rate, msg__latency_percentile_us(&t->latency, 50),
      msg__latency_percentile_us(&t->latency, 90), msg__latency_percentile_us(&t->latency, 99),
      msg__latency_percentile_us(&t->latency, 99.9), msg__latency_percentile_us(&t->latency, 100),
      t->ops ? (double)t->cpu_ns / 1000.0 / (double)t->ops : 0.0, (unsigned long long)t->errors);
  fflush(run->json);
}

static void summary(context *c, bench_op op, size_t limit, unsigned int threads, const tally t[2]) {
  char line[512];
  int n = snprintf(line, sizeof line, "%-7s %-13s", c->run->label, msg__workload_op_name(op));
  if (msg__workload_op_pages(op))
    n += snprintf(line + n, sizeof line - (size_t)n, " limit %4zu", limit);
  else
    n += snprintf(line + n, sizeof line - (size_t)n, "           ");
  n += snprintf(line + n, sizeof line - (size_t)n, " threads %u:", threads);
  double rates[2] = {0, 0};
  for (int side = 0; side < 2; side++) {
    if (!c->run->impls[side])
      continue;
    rates[side] = t[side].seconds > 0 ? (double)t[side].ops / t[side].seconds : 0;
    n += snprintf(line + n, sizeof line - (size_t)n, "  %s %9.0f/s p50 %7.1f p99 %8.1f us",
                  c->run->impls[side]->name, rates[side],
                  msg__latency_percentile_us(&t[side].latency, 50),
                  msg__latency_percentile_us(&t[side].latency, 99));
  }
  if (rates[0] > 0 && rates[1] > 0)
    snprintf(line + n, sizeof line - (size_t)n, "  ratio %.2f", rates[0] / rates[1]);
  printf("%s\n", line);
  fflush(stdout);
}

/* One measurement: warm-up, then the rounds in ABBA order. */
static int measure(context *c, bench_op op, size_t limit, unsigned int threads, uint64_t *errors) {
  const bench_run *run = c->run;
  size_t positions[2][MAX_THREADS] = {{0}};
  tally t[2];
  memset(t, 0, sizeof t);
  for (int side = 0; side < 2; side++) {
    if (!run->impls[side])
      continue;
    for (unsigned int i = 0; i < threads; i++)
      run->impls[side]->reset_walk(c->sessions[side][i]);
    if (run->warmup > 0 &&
        phase(c, side, op, limit, threads, run->warmup, positions[side], NULL, errors) != 0)
      return -1;
  }
  memset(positions, 0, sizeof positions);
  double slice = run->seconds / run->rounds;
  for (unsigned int r = 0; r < run->rounds; r++) {
    for (int k = 0; k < 2; k++) {
      int side = r % 2 == 0 ? k : 1 - k;
      if (run->impls[side] &&
          phase(c, side, op, limit, threads, slice, positions[side], &t[side], errors) != 0)
        return -1;
    }
  }
  for (int side = 0; side < 2; side++) {
    if (run->impls[side])
      report(c, side, op, limit, threads, &t[side]);
    if (t[side].latency.failed) {
      fprintf(stderr, "msg-bench: out of memory recording latencies\n");
      (*errors)++;
    }
  }
  summary(c, op, limit, threads, t);
  msg__latency_free(&t[0].latency);
  msg__latency_free(&t[1].latency);
  return 0;
}

static int open_sessions(context *c) {
  for (int side = 0; side < 2; side++) {
    const bench_impl *impl = c->run->impls[side];
    for (unsigned int i = 0; impl && i < c->max_threads; i++) {
      char error[BENCH_ERROR_SIZE] = "";
      if (impl->open(&c->sessions[side][i], c->run->target, error) != 0) {
        fprintf(stderr, "msg-bench: %s\n", error);
        return -1;
      }
    }
  }
  for (unsigned int i = 0; i < c->max_threads; i++) {
    if (msg__workload_items(&c->items[i], c->run->ds, i, ITEMS_PER_THREAD) != 0) {
      fprintf(stderr, "msg-bench: cannot prepare the inputs\n");
      return -1;
    }
  }
  return 0;
}

static void close_sessions(context *c) {
  for (int side = 0; side < 2; side++) {
    for (unsigned int i = 0; i < c->max_threads; i++) {
      if (c->sessions[side][i])
        c->run->impls[side]->close(c->sessions[side][i]);
    }
  }
  for (unsigned int i = 0; i < c->max_threads; i++)
    msg__workload_items_free(&c->items[i]);
}

int msg__driver_run(const bench_run *run) {
  context *c = calloc(1, sizeof *c);
  if (!c) {
    fprintf(stderr, "msg-bench: out of memory\n");
    return 1;
  }
  c->run = run;
  for (size_t i = 0; i < run->thread_count; i++)
    c->max_threads = run->threads[i] > c->max_threads ? run->threads[i] : c->max_threads;
  if (c->max_threads > MAX_THREADS) {
    fprintf(stderr, "msg-bench: at most %d threads\n", MAX_THREADS);
    free(c);
    return 1;
  }
  uint64_t errors = 0;
  int failed = open_sessions(c) != 0;
  for (size_t o = 0; !failed && o < run->op_count; o++) {
    bench_op op = run->ops[o];
    size_t limits = msg__workload_op_pages(op) ? run->limit_count : 1;
    for (size_t l = 0; !failed && l < limits; l++) {
      size_t limit = run->limits[l];
      failed = verify(c, op, limit) != 0;
      for (size_t t = 0; !failed && t < run->thread_count; t++)
        failed = measure(c, op, limit, run->threads[t], &errors) != 0;
    }
  }
  close_sessions(c);
  free(c);
  int unguarded = run->impls[0] && run->impls[1] ? msg__guard_check(stderr) : 0;
  if (unguarded < 0)
    fprintf(stderr, "msg-bench: out of memory recording statements\n");
  if (errors)
    fprintf(stderr, "msg-bench: %llu operations failed\n", (unsigned long long)errors);
  return failed || errors || unguarded != 0;
}
