/*
 * A query's conditions, computed in one place. The built-in backends key
 * their statement caches on these bits and build their SQL from them, and a
 * third-party backend declares which of them it handles, so the
 * classification (none, one or many values per set; which bounds; words;
 * cursor) must not differ between backends.
 */
#include "conditions.h"

static uint32_t set_bits(size_t count, uint32_t one, uint32_t many) {
  return count == 0 ? 0u : count == 1 ? one : many;
}

uint32_t msg__query_conditions(const msg_backend_query *q) {
  return set_bits(q->account_id_count, MSG_COND_ACCOUNT_ONE, MSG_COND_ACCOUNT_MANY) |
         set_bits(q->message_id_count, MSG_COND_ID_ONE, MSG_COND_ID_MANY) |
         set_bits(q->sender_number_count, MSG_COND_SENDER_ONE, MSG_COND_SENDER_MANY) |
         set_bits(q->receiver_number_count, MSG_COND_RECEIVER_ONE, MSG_COND_RECEIVER_MANY) |
         (q->has_created_after ? (uint32_t)MSG_COND_CREATED_AFTER : 0u) |
         (q->has_created_before ? (uint32_t)MSG_COND_CREATED_BEFORE : 0u) |
         (q->term_count > 0 ? (uint32_t)MSG_COND_TERMS : 0u) |
         (q->has_cursor ? (uint32_t)MSG_COND_CURSOR : 0u);
}

uint32_t msg__backend_supports(const msg_backend *backend) {
  return backend->version >= 2 ? backend->supports : MSG_COND_V1;
}

const char *msg__condition_field(uint32_t bit) {
  switch (bit) {
  case MSG_COND_ACCOUNT_ONE:
  case MSG_COND_ACCOUNT_MANY:
    return "account_ids";
  case MSG_COND_ID_ONE:
  case MSG_COND_ID_MANY:
    return "message_ids";
  case MSG_COND_SENDER_ONE:
  case MSG_COND_SENDER_MANY:
    return "sender_numbers";
  case MSG_COND_RECEIVER_ONE:
  case MSG_COND_RECEIVER_MANY:
    return "receiver_numbers";
  case MSG_COND_CREATED_AFTER:
    return "created_after";
  case MSG_COND_CREATED_BEFORE:
    return "created_before";
  case MSG_COND_TERMS:
    return "q";
  case MSG_COND_CURSOR:
    return "cursor";
  default:
    return "";
  }
}

const char *msg__condition_detail(uint32_t bit) {
  const uint32_t one =
      MSG_COND_ACCOUNT_ONE | MSG_COND_ID_ONE | MSG_COND_SENDER_ONE | MSG_COND_RECEIVER_ONE;
  const uint32_t many =
      MSG_COND_ACCOUNT_MANY | MSG_COND_ID_MANY | MSG_COND_SENDER_MANY | MSG_COND_RECEIVER_MANY;
  return bit & one ? " with one value" : bit & many ? " with several values" : "";
}
