/*
 * Structured logs: one JSON object per line on stdout.
 */
#ifndef MSG_SERVER_LOG_H
#define MSG_SERVER_LOG_H

#include "config.h"

#include <cjson/cJSON.h>

void msg__log_set_level(log_level level);
int msg__log_enabled(log_level level);

/* Writes {"time","level","message", ...fields} as one line. Takes ownership of
 * `fields` (a JSON object, or NULL). Never logs secrets or message bodies:
 * callers pass only what is safe. */
void msg__log_event(log_level level, const char *msg, cJSON *fields);

/* msg__log_event with one extra string field, e.g. ("error", cause). */
void msg__log_message(log_level level, const char *msg, const char *key, const char *value);

#endif
