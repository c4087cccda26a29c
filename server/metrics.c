/*
 * Metrics registry and exposition. Series are few (routes x methods x the
 * statuses actually seen), so a small array under one mutex is enough and
 * keeps rendering consistent; request handling holds the mutex only to bump
 * a few numbers. Process figures come from /proc at scrape time, with the
 * names the Prometheus client libraries use.
 */
#include "metrics.h"

#include "read_store.h"

#include <dirent.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_SERVER_VERSION
#define MSG_SERVER_VERSION MSG_VERSION_STRING /* the one version: msg/version.h */
#endif

static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define BUCKET_COUNT (sizeof buckets / sizeof buckets[0])
#define SERIES_MAX 512

typedef struct series {
  char method[8];
  const char *route;
  int status;
  unsigned long long count;
  unsigned long long bucket_counts[BUCKET_COUNT];
  double sum;
} series;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static series table[SERIES_MAX];
static size_t table_count;
static atomic_ullong created_total;

/* Methods outside this list are counted as "OTHER" so that a client cannot
 * create series at will. */
static const char *method_label(const char *method) {
  static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (size_t i = 0; method && i < sizeof known / sizeof known[0]; i++) {
    if (strcmp(method, known[i]) == 0)
      return known[i];
  }
  return "OTHER";
}

void msg__metrics_observe_request(const char *method, const char *route, int status,
                                  double seconds) {
  const char *m = method_label(method);
  pthread_mutex_lock(&lock);
  series *s = NULL;
  for (size_t i = 0; i < table_count && !s; i++) {
    if (table[i].route == route && table[i].status == status && strcmp(table[i].method, m) == 0)
      s = &table[i];
  }
  if (!s && table_count < SERIES_MAX) {
    s = &table[table_count++];
    snprintf(s->method, sizeof s->method, "%s", m);
    s->route = route;
    s->status = status;
  }
  if (s) {
    s->count++;
    s->sum += seconds;
    for (size_t b = 0; b < BUCKET_COUNT; b++) {
      if (seconds <= buckets[b])
        s->bucket_counts[b]++;
    }
  }
  pthread_mutex_unlock(&lock);
}

void msg__metrics_count_created(void) {
  atomic_fetch_add(&created_total, 1);
}

typedef struct buffer {
  char *data;
  size_t len, cap;
  int failed;
} buffer;

__attribute__((format(printf, 2, 3))) static void put(buffer *b, const char *fmt, ...) {
  if (b->failed)
    return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data ? b->data + b->len : NULL, b->data ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = 1;
      return;
    }
    if (b->data && b->len + (size_t)n < b->cap) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = (b->cap ? b->cap * 2 : 8192) + (size_t)n;
    char *grown = realloc(b->data, cap);
    if (!grown) {
      b->failed = 1;
      return;
    }
    b->data = grown;
    b->cap = cap;
  }
}

static void render_http(buffer *b) {
  put(b, "# HELP msg_http_requests_total HTTP requests served, by method, route template and "
         "status.\n# TYPE msg_http_requests_total counter\n");
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < table_count; i++) {
    const series *s = &table[i];
    put(b, "msg_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n", s->method,
        s->route, s->status, s->count);
  }
  put(b, "# HELP msg_http_request_duration_seconds Time from request start to response end.\n"
         "# TYPE msg_http_request_duration_seconds histogram\n");
  for (size_t i = 0; i < table_count; i++) {
    const series *s = &table[i];
    for (size_t k = 0; k < BUCKET_COUNT; k++)
      put(b,
          "msg_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",status=\"%d\","
          "le=\"%g\"} %llu\n",
          s->method, s->route, s->status, buckets[k], s->bucket_counts[k]);
    put(b,
        "msg_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",status=\"%d\","
        "le=\"+Inf\"} %llu\n",
        s->method, s->route, s->status, s->count);
    put(b, "msg_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\",status=\"%d\"} %.9f\n",
        s->method, s->route, s->status, s->sum);
    put(b,
        "msg_http_request_duration_seconds_count{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
        s->method, s->route, s->status, s->count);
  }
  pthread_mutex_unlock(&lock);
}

/* A store's pool and error figures, as `prefix`_errors_total and so on:
 * "msg_db" for the primary, "msg_read_db" for the read store. */
static void render_pool(buffer *b, const msg_store *store, const char *prefix, const char *which) {
  msg_store_stats st;
  msg_store_stats_get(store, &st);
  put(b,
      "# HELP %s_errors_total Calls to the %s store that failed, by kind.\n"
      "# TYPE %s_errors_total counter\n"
      "%s_errors_total{kind=\"unavailable\"} %llu\n"
      "%s_errors_total{kind=\"internal\"} %llu\n",
      prefix, which, prefix, prefix, (unsigned long long)st.errors_unavailable, prefix,
      (unsigned long long)st.errors_internal);
  put(b,
      "# HELP %s_pool_size Most connections the %s store's pool may hold.\n"
      "# TYPE %s_pool_size gauge\n%s_pool_size %u\n",
      prefix, which, prefix, prefix, st.pool_size);
  put(b,
      "# HELP %s_pool_connections Connections of the %s store, by state.\n"
      "# TYPE %s_pool_connections gauge\n"
      "%s_pool_connections{state=\"open\"} %u\n"
      "%s_pool_connections{state=\"in_use\"} %u\n",
      prefix, which, prefix, prefix, st.pool_open, prefix, st.pool_in_use);
  put(b,
      "# HELP %s_pool_waits_total Calls to the %s store that waited for a free connection.\n"
      "# TYPE %s_pool_waits_total counter\n%s_pool_waits_total %llu\n",
      prefix, which, prefix, prefix, (unsigned long long)st.pool_waits);
  put(b,
      "# HELP %s_pool_timeouts_total Calls to the %s store that gave up waiting for a "
      "connection.\n# TYPE %s_pool_timeouts_total counter\n%s_pool_timeouts_total %llu\n",
      prefix, which, prefix, prefix, (unsigned long long)st.pool_timeouts);
}

/* Where reads went (read_store.h); only with a read store. */
static void render_reads(buffer *b, const server *srv) {
  read_counts rc;
  msg__read_counts_get(srv, &rc);
  put(b,
      "# HELP msg_reads_total Reads (get, list, search) by the store that answered them.\n"
      "# TYPE msg_reads_total counter\n"
      "msg_reads_total{store=\"primary\"} %llu\n"
      "msg_reads_total{store=\"read\"} %llu\n",
      rc.on_primary, rc.on_replica);
  put(b,
      "# HELP msg_read_fallbacks_total Reads the read store failed as unavailable, retried on "
      "the primary.\n# TYPE msg_read_fallbacks_total counter\nmsg_read_fallbacks_total %llu\n",
      rc.fallbacks);
  put(b,
      "# HELP msg_read_db_up Whether reads go to the read store now (0: taken out after a "
      "failure).\n# TYPE msg_read_db_up gauge\nmsg_read_db_up %d\n",
      rc.replica_up);
}

static void render_store(buffer *b, const server *srv) {
  const msg_store *store = srv->store;
  put(b,
      "# HELP msg_messages_created_total Messages created by this process (replays excluded).\n"
      "# TYPE msg_messages_created_total counter\nmsg_messages_created_total %llu\n",
      (unsigned long long)atomic_load(&created_total));
  render_pool(b, store, "msg_db", "primary");
  if (srv->read_store) {
    render_pool(b, srv->read_store, "msg_read_db", "read");
    render_reads(b, srv);
  }
  put(b,
      "# HELP msg_build_info Build information.\n# TYPE msg_build_info gauge\n"
      "msg_build_info{version=\"%s\",libmsg_version=\"%s\",backend=\"%s\"} 1\n",
      MSG_SERVER_VERSION, msg_version(), msg_store_scheme(store));
}

static void render_process(buffer *b) {
  long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
  unsigned long utime = 0, stime = 0;
  unsigned long long start_ticks = 0;
  FILE *f = fopen("/proc/self/stat", "r");
  if (f) {
    char buf[1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    /* Fields after the command name, which is in parentheses and may hold
     * spaces: skip to the last ')'. utime, stime are fields 14, 15 and
     * starttime is 22 (1-based, as in proc(5)). */
    char *p = strrchr(buf, ')');
    if (p && sscanf(p + 2,
                    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d "
                    "%*d %*d %llu",
                    &utime, &stime, &start_ticks) != 3)
      utime = stime = 0, start_ticks = 0;
  }
  long rss_pages = 0;
  f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%*d %ld", &rss_pages) != 1)
      rss_pages = 0;
    fclose(f);
  }
  double boot_time = 0;
  f = fopen("/proc/stat", "r");
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f)) {
      if (sscanf(line, "btime %lf", &boot_time) == 1)
        break;
    }
    fclose(f);
  }
  int fds = 0;
  DIR *d = opendir("/proc/self/fd");
  if (d) {
    for (struct dirent *e; (e = readdir(d));)
      fds += e->d_name[0] != '.';
    closedir(d);
    fds--; /* the directory stream itself */
  }
  put(b,
      "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
      "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n",
      (double)(utime + stime) / (double)ticks);
  put(b,
      "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %ld\n",
      rss_pages * page);
  put(b,
      "# HELP process_open_fds Number of open file descriptors.\n"
      "# TYPE process_open_fds gauge\nprocess_open_fds %d\n",
      fds);
  put(b,
      "# HELP process_start_time_seconds Start time of the process since unix epoch in "
      "seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n",
      boot_time + (double)start_ticks / (double)ticks);
}

char *msg__metrics_render(const server *srv, int open_connections) {
  buffer b = {0};
  render_http(&b);
  put(&b,
      "# HELP msg_http_open_connections Client connections being served (idle keep-alive "
      "included).\n# TYPE msg_http_open_connections gauge\nmsg_http_open_connections %d\n",
      open_connections);
  render_store(&b, srv);
  render_process(&b);
  if (b.failed) {
    free(b.data);
    return NULL;
  }
  return b.data;
}
