/*
 * msg-bench: loads benchmark data sets and measures libmsg against a
 * baseline that runs the same SQL directly (see impl.h, driver.h). The
 * orchestration (databases, msg-server, HTTP load, plots) is bench/run.
 *
 *   msg-bench load --uri URI --messages N [common options]
 *   msg-bench run  --uri URI --messages N [common options] [run options]
 *
 * `run` must be told the data set that `load` used (messages, accounts,
 * seed): it regenerates ids and accounts from them instead of reading them
 * back.
 */
#include "driver.h"
#include "guard.h"
#include "load.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef MSG_HAVE_POSTGRES
#include <libpq-fe.h>
#endif

typedef struct options {
  const char *command;
  const char *uri;
  uint64_t messages, accounts, seed;
  const char *label;
  const char *json_path;
  bench_run run;
  const char *sides;
  const char *pg_options;
} options;

static void usage(FILE *out) {
  fprintf(out,
          "usage: msg-bench load --uri URI --messages N [--accounts M] [--seed S]\n"
          "                      [--label NAME] [--json FILE]\n"
          "       msg-bench run  --uri URI --messages N [--accounts M] [--seed S]\n"
          "                      [--ops LIST|all] [--threads LIST] [--limits LIST]\n"
          "                      [--seconds S] [--rounds R] [--warmup S]\n"
          "                      [--sides both|libmsg|baseline] [--pg-options OPTS]\n"
          "                      [--label NAME] [--json FILE]\n"
          "\n"
          "URI: sqlite:PATH[?synchronous=normal] or postgresql://...\n"
          "ops: create, get, list-first, list-deep, search-sender, search-time, search-text\n"
          "LIST: comma-separated, e.g. --threads 1,2,4,8 --limits 10,50,1000\n"
          "JSON lines (one per side and measurement) are appended to --json.\n"
          "--pg-options: session options for the PostgreSQL baseline's connections\n"
          "(libpq \"options\", e.g. \"-c plan_cache_mode=force_custom_plan\"); none by default.\n");
}

static int parse_u64(const char *text, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-')
    return -1;
  *out = v;
  return 0;
}

static int parse_double(const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || v < 0)
    return -1;
  *out = v;
  return 0;
}

/* Calls `item` for every comma-separated element of `list`. */
static int each_item(const char *list, int (*item)(options *, const char *), options *o) {
  char *copy = strdup(list);
  if (!copy)
    return -1;
  int rc = 0;
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save))
    rc = item(o, tok);
  free(copy);
  return rc;
}

static int add_op(options *o, const char *name) {
  if (strcmp(name, "all") == 0) {
    for (int i = 0; i < BENCH_OP_COUNT; i++)
      o->run.ops[i] = (bench_op)i;
    o->run.op_count = BENCH_OP_COUNT;
    return 0;
  }
  int op = msg__workload_op_parse(name);
  if (op < 0 || o->run.op_count == BENCH_OP_COUNT) {
    fprintf(stderr, "msg-bench: unknown operation '%s'\n", name);
    return -1;
  }
  o->run.ops[o->run.op_count++] = (bench_op)op;
  return 0;
}

static int add_thread(options *o, const char *text) {
  uint64_t v;
  if (parse_u64(text, &v) || v < 1 || v > 64 || o->run.thread_count == BENCH_MAX_LIST) {
    fprintf(stderr, "msg-bench: threads must be 1..64, at most %d values\n", BENCH_MAX_LIST);
    return -1;
  }
  o->run.threads[o->run.thread_count++] = (unsigned int)v;
  return 0;
}

static int add_limit(options *o, const char *text) {
  uint64_t v;
  if (parse_u64(text, &v) || v < MSG_LIMIT_MIN || v > MSG_LIMIT_MAX ||
      o->run.limit_count == BENCH_MAX_LIST) {
    fprintf(stderr, "msg-bench: limits must be %d..%d, at most %d values\n", MSG_LIMIT_MIN,
            MSG_LIMIT_MAX, BENCH_MAX_LIST);
    return -1;
  }
  o->run.limits[o->run.limit_count++] = (size_t)v;
  return 0;
}

static int parse_args(options *o, int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "load") != 0 && strcmp(argv[1], "run") != 0))
    return -1;
  o->command = argv[1];
  o->seed = 42;
  o->label = NULL;
  o->sides = "both";
  o->run.seconds = 4;
  o->run.rounds = 2;
  o->run.warmup = 0.5;
  int lists_ok = 0;
  for (int i = 2; i < argc; i += 2) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!value) {
      fprintf(stderr, "msg-bench: %s needs a value\n", flag);
      return -1;
    }
    uint64_t rounds;
    if (strcmp(flag, "--uri") == 0)
      o->uri = value;
    else if (strcmp(flag, "--messages") == 0)
      lists_ok = parse_u64(value, &o->messages);
    else if (strcmp(flag, "--accounts") == 0)
      lists_ok = parse_u64(value, &o->accounts);
    else if (strcmp(flag, "--seed") == 0)
      lists_ok = parse_u64(value, &o->seed);
    else if (strcmp(flag, "--label") == 0)
      o->label = value;
    else if (strcmp(flag, "--json") == 0)
      o->json_path = value;
    else if (strcmp(flag, "--ops") == 0)
      lists_ok = each_item(value, add_op, o);
    else if (strcmp(flag, "--threads") == 0)
      lists_ok = each_item(value, add_thread, o);
    else if (strcmp(flag, "--limits") == 0)
      lists_ok = each_item(value, add_limit, o);
    else if (strcmp(flag, "--seconds") == 0)
      lists_ok = parse_double(value, &o->run.seconds);
    else if (strcmp(flag, "--warmup") == 0)
      lists_ok = parse_double(value, &o->run.warmup);
    else if (strcmp(flag, "--rounds") == 0) {
      lists_ok = parse_u64(value, &rounds) || rounds < 1 || rounds > 100 ? -1 : 0;
      o->run.rounds = (unsigned int)rounds;
    } else if (strcmp(flag, "--sides") == 0) {
      o->sides = value;
    } else if (strcmp(flag, "--pg-options") == 0) {
      o->pg_options = value;
    } else {
      fprintf(stderr, "msg-bench: unknown option %s\n", flag);
      return -1;
    }
    if (lists_ok != 0) {
      fprintf(stderr, "msg-bench: bad value for %s: %s\n", flag, value);
      return -1;
    }
  }
  if (!o->uri || o->messages == 0) {
    fprintf(stderr, "msg-bench: --uri and --messages (> 0) are required\n");
    return -1;
  }
  if (strcmp(o->sides, "both") != 0 && strcmp(o->sides, "libmsg") != 0 &&
      strcmp(o->sides, "baseline") != 0) {
    fprintf(stderr, "msg-bench: --sides is both, libmsg or baseline\n");
    return -1;
  }
  if (o->run.op_count == 0)
    add_op(o, "all");
  if (o->run.thread_count == 0)
    o->run.threads[o->run.thread_count++] = 1;
  if (o->run.limit_count == 0)
    o->run.limits[o->run.limit_count++] = MSG_LIMIT_DEFAULT;
  return 0;
}

/* Splits the URI into what the baselines and loaders need. */
static int parse_target(bench_target *t, const char *uri, char **path) {
  *t = (bench_target){.uri = uri, .sync_full = true};
  *path = NULL;
  if (strncmp(uri, "postgres://", 11) == 0 || strncmp(uri, "postgresql://", 13) == 0) {
#ifdef MSG_HAVE_POSTGRES
    t->postgres = true;
    return 0;
#else
    fprintf(stderr, "msg-bench: built without PostgreSQL\n");
    return -1;
#endif
  }
  if (strncmp(uri, "sqlite:", 7) != 0 || strcmp(uri, "sqlite::memory:") == 0) {
    fprintf(stderr, "msg-bench: the URI must be sqlite:PATH (a file) or postgresql://...\n");
    return -1;
  }
  const char *rest = uri + 7, *query = strchr(rest, '?');
  *path = strndup(rest, query ? (size_t)(query - rest) : strlen(rest));
  if (!*path)
    return -1;
  t->path = *path;
  t->sync_full = !(query && strcmp(query, "?synchronous=normal") == 0);
  return 0;
}

static int command_run(options *o, bench_target *target, const bench_dataset *ds, FILE *json) {
  unsigned int pool = 1;
  for (size_t i = 0; i < o->run.thread_count; i++)
    pool = o->run.threads[i] > pool ? o->run.threads[i] : pool;
  /* One connection per thread, as the baseline has: the pool never makes a
   * thread wait, so the comparison is of the work, not of the pool size. */
  msg_store_options opts = MSG_STORE_OPTIONS_INIT;
  opts.pool_size = pool;
  msg_error err;
  /* Opening connects the store's first connection, which prepares its fixed
   * statements (BEGIN IMMEDIATE, COMMIT...) there and then: they are
   * libmsg's for the guard too. */
  msg__guard_set_side(BENCH_SIDE_LIBMSG);
  int opened = msg_store_open(&target->store, o->uri, &opts, &err);
  msg__guard_set_side(BENCH_SIDE_NONE);
  if (opened != MSG_OK) {
    fprintf(stderr, "msg-bench: opening %s: %s\n", o->uri, err.message);
    return 1;
  }
  target->pg_options = o->pg_options;
  o->run.target = target;
  o->run.ds = ds;
  o->run.label = o->label;
  o->run.json = json;
  o->run.impls[0] = &msg__impl_libmsg;
#ifdef MSG_HAVE_POSTGRES
  o->run.impls[1] = target->postgres ? &msg__impl_pg : &msg__impl_sqlite;
#else
  o->run.impls[1] = &msg__impl_sqlite;
#endif
  if (strcmp(o->sides, "libmsg") == 0)
    o->run.impls[1] = NULL;
  if (strcmp(o->sides, "baseline") == 0)
    o->run.impls[0] = NULL;
  int rc = msg__driver_run(&o->run);
  msg_store_close(target->store);
  return rc;
}

int main(int argc, char **argv) {
  options o = {0};
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    usage(stdout);
    return 0;
  }
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    printf("msg-bench: libmsg %s, SQLite %s", msg_version(), sqlite3_libversion());
#ifdef MSG_HAVE_POSTGRES
    printf(", libpq %d", PQlibVersion());
#endif
    printf("\n");
    return 0;
  }
  if (parse_args(&o, argc, argv) != 0) {
    usage(stderr);
    return 2;
  }
  bench_target target;
  char *path;
  if (parse_target(&target, o.uri, &path) != 0)
    return 2;
  if (!o.label)
    o.label = target.postgres ? "postgres" : "sqlite";
  bench_dataset ds;
  if (msg__gen_init(&ds, o.seed, o.messages, o.accounts) != 0) {
    fprintf(stderr, "msg-bench: out of memory\n");
    free(path);
    return 1;
  }
  FILE *json = o.json_path ? fopen(o.json_path, "a") : NULL;
  int rc;
  if (o.json_path && !json) {
    fprintf(stderr, "msg-bench: cannot open %s\n", o.json_path);
    rc = 1;
  } else if (strcmp(o.command, "load") == 0) {
    rc = msg__load_run(&target, &ds, o.label, json) == 0 ? 0 : 1;
  } else {
    rc = command_run(&o, &target, &ds, json);
  }
  if (json && fclose(json) != 0)
    rc = 1;
  msg__gen_free(&ds);
  msg__guard_free();
  free(path);
  return rc;
}
