/*
 * JSON-lines logging: {"time","level","message",...} on stdout. Lines are
 * written whole under a mutex and flushed, so concurrent requests never
 * interleave and a log collector reading the container's stdout sees each
 * line as soon as it is written.
 */
#include "log.h"

#include <msg/msg.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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
  char *text = NULL;
  cJSON *line = cJSON_CreateObject();
  if (line && cJSON_AddStringToObject(line, "time", now) &&
      cJSON_AddStringToObject(line, "level", level_names[level]) &&
      cJSON_AddStringToObject(line, "message", msg)) {
    for (cJSON *f = fields ? fields->child : NULL; f;) {
      cJSON *next = f->next;
      cJSON_DetachItemViaPointer(fields, f);
      if (!cJSON_AddItemToObject(line, f->string, f))
        cJSON_Delete(f);
      f = next;
    }
    text = cJSON_PrintUnformatted(line);
  }
  /* A line that cannot be built still leaves a trace, so that running out of
   * memory is visible in the logs. */
  pthread_mutex_lock(&out_lock);
  fputs(text ? text : "{\"level\":\"error\",\"message\":\"a log line was lost: out of memory\"}",
        stdout);
  fputc('\n', stdout);
  fflush(stdout);
  pthread_mutex_unlock(&out_lock);
  cJSON_free(text);
  cJSON_Delete(line);
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
