/*
 * Cursor encoding. Layout (39 bytes, so base64 needs no padding):
 *   version (1) | created_at, big-endian (8) | message id (16) |
 *   query fingerprint (8) | check (6)
 * The check is a truncated SHA-256 of the first 33 bytes: it catches damaged
 * or hand-edited cursors. Cursors are not secrets and authorise nothing; the
 * account scope of a request never comes from its cursor.
 */
#include "cursor.h"

#include "alloc.h"
#include "uuid.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

#define CURSOR_VERSION 1
#define CURSOR_BYTES 39
#define CURSOR_CHECK_AT 33
#define CURSOR_TEXT_LEN 52

/* SHA-256, fetched from OpenSSL's provider once. Passing EVP_sha256() to
 * each digest makes OpenSSL 3 look the implementation up again every time,
 * which cost more than hashing a query and a cursor together. Kept for the
 * life of the process, as OpenSSL keeps its own copy. */
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_fetched;

static void sha256_fetch(void) {
  sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *sha256(void) {
  pthread_once(&sha256_once, sha256_fetch);
  return sha256_fetched;
}

static int digest_update_u64(EVP_MD_CTX *ctx, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++)
    b[i] = (uint8_t)(v >> (56 - 8 * i));
  return EVP_DigestUpdate(ctx, b, sizeof b);
}

static int digest_update_strings(EVP_MD_CTX *ctx, uint8_t tag, const char *const *values,
                                 size_t count) {
  int ok = EVP_DigestUpdate(ctx, &tag, 1) && digest_update_u64(ctx, count);
  for (size_t i = 0; ok && i < count; i++) {
    size_t len = strlen(values[i]);
    ok = digest_update_u64(ctx, len) && EVP_DigestUpdate(ctx, values[i], len);
  }
  return ok;
}

int msg__cursor_fingerprint(uint8_t out[MSG_FINGERPRINT_SIZE], msg__query_kind kind,
                            const msg_backend_query *q, msg_error *err) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory hashing the query");
  uint8_t kind_byte = (uint8_t)kind, digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const EVP_MD *md = sha256();
  int ok = md && EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, &kind_byte, 1) &&
           digest_update_u64(ctx, q->account_id_count);
  for (size_t i = 0; ok && i < q->account_id_count; i++)
    ok = digest_update_u64(ctx, (uint64_t)q->account_ids[i]);
  ok = ok && digest_update_strings(ctx, 'i', q->message_ids, q->message_id_count) &&
       digest_update_strings(ctx, 's', q->sender_numbers, q->sender_number_count) &&
       digest_update_strings(ctx, 'r', q->receiver_numbers, q->receiver_number_count) &&
       digest_update_u64(ctx, q->has_created_after) &&
       digest_update_u64(ctx, (uint64_t)(q->has_created_after ? q->created_after : 0)) &&
       digest_update_u64(ctx, q->has_created_before) &&
       digest_update_u64(ctx, (uint64_t)(q->has_created_before ? q->created_before : 0)) &&
       digest_update_strings(ctx, 'q', q->terms, q->term_count) &&
       EVP_DigestFinal_ex(ctx, digest, &digest_len);
  EVP_MD_CTX_free(ctx);
  if (!ok)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot hash the query");
  memcpy(out, digest, MSG_FINGERPRINT_SIZE);
  return MSG_OK;
}

static int check_bytes(uint8_t out[6], const uint8_t *data) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD *md = sha256();
  if (!md || !EVP_Digest(data, CURSOR_CHECK_AT, digest, &len, md, NULL))
    return 0;
  memcpy(out, digest, 6);
  return 1;
}

int msg__cursor_encode(char **out, const uint8_t fingerprint[MSG_FINGERPRINT_SIZE],
                       int64_t created_at, const char *message_id, msg_error *err) {
  *out = NULL;
  uint8_t raw[CURSOR_BYTES];
  raw[0] = CURSOR_VERSION;
  for (int i = 0; i < 8; i++)
    raw[1 + i] = (uint8_t)((uint64_t)created_at >> (56 - 8 * i));
  if (msg__uuid_parse(raw + 9, message_id) != 0)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot encode a cursor for a bad id");
  memcpy(raw + 25, fingerprint, MSG_FINGERPRINT_SIZE);
  if (!check_bytes(raw + CURSOR_CHECK_AT, raw))
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "cannot hash the cursor");
  char *text = msg__malloc(CURSOR_TEXT_LEN + 1);
  if (!text)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory encoding a cursor");
  EVP_EncodeBlock((unsigned char *)text, raw, CURSOR_BYTES);
  for (char *p = text; *p; p++) {
    if (*p == '+')
      *p = '-';
    else if (*p == '/')
      *p = '_';
  }
  *out = text;
  return MSG_OK;
}

static int malformed(msg_error *err) {
  return msg_error_set(err, MSG_ERR_INVALID, "cursor",
                       "cursor is malformed; pass next_cursor from the previous page unchanged");
}

int msg__cursor_decode(int64_t *created_at, char message_id[MSG_ID_LEN + 1], const char *cursor,
                       const uint8_t fingerprint[MSG_FINGERPRINT_SIZE], msg_error *err) {
  char text[CURSOR_TEXT_LEN + 1];
  size_t len = strnlen(cursor, CURSOR_TEXT_LEN + 1);
  if (len != CURSOR_TEXT_LEN)
    return malformed(err);
  for (size_t i = 0; i < len; i++) {
    char c = cursor[i];
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return malformed(err);
    text[i] = c;
  }
  text[len] = '\0';
  uint8_t raw[CURSOR_BYTES + 3], check[6];
  if (EVP_DecodeBlock(raw, (const unsigned char *)text, CURSOR_TEXT_LEN) != CURSOR_BYTES)
    return malformed(err);
  if (raw[0] != CURSOR_VERSION || !check_bytes(check, raw) ||
      memcmp(check, raw + CURSOR_CHECK_AT, sizeof check) != 0)
    return malformed(err);
  if (memcmp(raw + 25, fingerprint, MSG_FINGERPRINT_SIZE) != 0)
    return msg_error_set(err, MSG_ERR_INVALID, "cursor",
                         "cursor does not belong to this query (another account or filter)");
  uint64_t t = 0;
  for (int i = 0; i < 8; i++)
    t = t << 8 | raw[1 + i];
  *created_at = (int64_t)t;
  msg__uuid_format(message_id, raw + 9);
  return MSG_OK;
}
