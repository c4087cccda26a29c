/*
 * Field validation. Rules and limits come from msg.h; the messages name the
 * rule so that an HTTP client can fix its request without reading our docs.
 */
#include "validate.h"

#include <string.h>
#include <unistr.h>

int msg__validate_account_id(int64_t account_id, msg_error *err) {
  if (account_id < 1 || account_id > MSG_ACCOUNT_ID_MAX)
    return msg_error_set(err, MSG_ERR_INVALID, "account_id",
                         "account_id must be an integer from 1 to 9007199254740991");
  return MSG_OK;
}

int msg__validate_number(const char *number, const char *field, msg_error *err) {
  if (!number)
    return msg_error_set(err, MSG_ERR_INVALID, field, "%s is required", field);
  const char *p = number[0] == '+' ? number + 1 : number;
  size_t digits = 0;
  while (p[digits] >= '0' && p[digits] <= '9')
    digits++;
  if (p[digits] != '\0' || digits < MSG_NUMBER_DIGITS_MIN || digits > MSG_NUMBER_DIGITS_MAX)
    return msg_error_set(err, MSG_ERR_INVALID, field,
                         "%s must be an optional '+' followed by %d to %d digits", field,
                         MSG_NUMBER_DIGITS_MIN, MSG_NUMBER_DIGITS_MAX);
  return MSG_OK;
}

int msg__validate_body(const char *body, msg_error *err) {
  if (!body)
    return MSG_OK;
  size_t len = strlen(body);
  if (u8_check((const uint8_t *)body, len) != NULL)
    return msg_error_set(err, MSG_ERR_INVALID, "body", "body must be valid UTF-8");
  if (u8_mbsnlen((const uint8_t *)body, len) > MSG_BODY_MAX_CHARS)
    return msg_error_set(err, MSG_ERR_INVALID, "body",
                         "body must be at most %d characters (Unicode code points)",
                         MSG_BODY_MAX_CHARS);
  return MSG_OK;
}

int msg__validate_idempotency_key(const char *key, msg_error *err) {
  if (!key)
    return MSG_OK;
  size_t len = 0;
  for (; key[len]; len++) {
    unsigned char c = (unsigned char)key[len];
    if (c < 0x20 || c > 0x7e)
      return msg_error_set(err, MSG_ERR_INVALID, "idempotency_key",
                           "idempotency_key must hold only printable ASCII characters");
    if (len >= MSG_IDEMPOTENCY_KEY_MAX)
      break;
  }
  if (len == 0 || key[len] != '\0')
    return msg_error_set(err, MSG_ERR_INVALID, "idempotency_key",
                         "idempotency_key must be 1 to %d characters long",
                         MSG_IDEMPOTENCY_KEY_MAX);
  return MSG_OK;
}

int msg__validate_limit(int64_t limit, msg_error *err) {
  if (limit < MSG_LIMIT_MIN || limit > MSG_LIMIT_MAX)
    return msg_error_set(err, MSG_ERR_INVALID, "limit", "limit must be from %d to %d",
                         MSG_LIMIT_MIN, MSG_LIMIT_MAX);
  return MSG_OK;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int msg__validate_uuid(const char *text, char *canonical, const char *field, msg_error *err) {
  static const char hex[] = "0123456789abcdef";
  int ok = text != NULL;
  for (size_t i = 0; ok && i < MSG_ID_LEN; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ok = text[i] == '-';
      canonical[i] = '-';
    } else {
      int v = hex_value(text[i]);
      ok = v >= 0;
      canonical[i] = ok ? hex[v] : '\0';
    }
  }
  if (!ok || text[MSG_ID_LEN] != '\0')
    return msg_error_set(err, MSG_ERR_INVALID, field,
                         "%s must be a UUID like 0192d4a4-6ad0-7c38-9b7e-2f4e4c1b8a11", field);
  canonical[MSG_ID_LEN] = '\0';
  return MSG_OK;
}
