/*
 * JSON-lines logging: {"time","level","message",...} on stdout. Lines are
 * written whole under a mutex and flushed, so concurrent requests never
 * interleave and a log collector reading the container's stdout sees each
 * line as soon as it is written.
 */
#include "log.h"

#include "json.h"

#include <msg/msg.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int min_level = LOG_INFO;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void msg__log_set_level(log_level level) {
  atomic_store(&min_level, (int)level);
}

int msg__log_enabled(log_level level) {
  return (int)level >= atomic_load(&min_level);
}

/* Appends `s` as it is; returns the end. */
static char *put_text(char *out, const char *s) {
  size_t n = strlen(s);
  memcpy(out, s, n);
  return out + n;
}

/*
 * The line is written as text: the fixed members, then the caller's fields
 * as cJSON prints them, spliced in after them. Moving each field into a
 * fresh tree and printing that was a noticeable part of a request's cost.
 */
void msg__log_event(log_level level, const char *msg, cJSON *fields) {
  if (!msg__log_enabled(level)) {
    cJSON_Delete(fields);
    return;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char now[MSG_TIME_TEXT_SIZE];
  if (msg_time_format(now, sizeof now, (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, NULL))
    now[0] = '\0';
  char *rest = fields ? cJSON_PrintUnformatted(fields) : NULL;
  /* "{}" or "{...}": the members follow ours after a comma. */
  const char *members = rest && rest[0] == '{' && rest[1] != '}' ? rest + 1 : "}";
  size_t msg_len = strlen(msg), members_len = strlen(members);
  char *line = (!fields || rest) ? malloc(64 + sizeof now + 6 * msg_len + members_len + 2) : NULL;
  size_t len = 0;
  if (line) {
    char *p = line;
    p = put_text(p, "{\"time\":\"");
    p = put_text(p, now);
    p = put_text(p, "\",\"level\":\"");
    p = put_text(p, level_names[level]);
    p = put_text(p, "\",\"message\":");
    p = msg__json_quote(p, msg);
    if (members[0] != '}')
      *p++ = ',';
    memcpy(p, members, members_len);
    p += members_len;
    *p++ = '\n';
    len = (size_t)(p - line);
  }
  /* A line that cannot be built still leaves a trace, so that running out of
   * memory is visible in the logs; it keeps the log contract (time, level,
   * message). Only our own timestamp goes into this fixed buffer. */
  char lost[sizeof now + 96];
  if (!line) {
    int n = snprintf(lost, sizeof lost,
                     "{\"time\":\"%s\",\"level\":\"error\",\"message\":\"a log line was lost: out of memory\"}\n",
                     now);
    len = n > 0 && (size_t)n < sizeof lost ? (size_t)n : 0;
  }
  pthread_mutex_lock(&out_lock);
  fwrite(line ? line : lost, 1, len, stdout);
  fflush(stdout);
  pthread_mutex_unlock(&out_lock);
  free(line);
  cJSON_free(rest);
  cJSON_Delete(fields);
}

void msg__log_message(log_level level, const char *msg, const char *key, const char *value) {
  cJSON *fields = NULL;
  if (key && value) {
    fields = cJSON_CreateObject();
    if (fields)
      cJSON_AddStringToObject(fields, key, value);
  }
  msg__log_event(level, msg, fields);
}
