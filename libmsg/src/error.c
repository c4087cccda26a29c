/*
 * The error record and status names: the one error convention of libmsg.
 */
#include <msg/backend.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

MSG_EXTERN const char *msg_status_str(int status) {
  switch (status) {
  case MSG_OK:
    return "ok";
  case MSG_ERR_INVALID:
    return "invalid argument";
  case MSG_ERR_NOT_FOUND:
    return "not found";
  case MSG_ERR_CONFLICT:
    return "conflict";
  case MSG_ERR_UNAVAILABLE:
    return "unavailable";
  case MSG_ERR_NOMEM:
    return "out of memory";
  case MSG_ERR_INTERNAL:
    return "internal error";
  case MSG_ERR_UNSUPPORTED:
    return "unsupported";
  default:
    return "unknown status";
  }
}

MSG_EXTERN int msg_error_set(msg_error *err, int status, const char *field, const char *fmt, ...) {
  if (!err)
    return status;
  err->status = (msg_status)status;
  snprintf(err->field, sizeof err->field, "%s", field ? field : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return status;
}
