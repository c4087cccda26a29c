/*
 * UUIDv7: 48 bits of Unix milliseconds, then (RFC 9562 method 3) the
 * sub-millisecond part of created_at in the 12-bit rand_a field, so ids from
 * one process sort exactly like their created_at; 62 random bits from
 * OpenSSL's CSPRNG make ids from different processes unique.
 */
#include "uuid.h"

#include <msg/backend.h>
#include <openssl/rand.h>

void msg__uuid_format(char *out, const uint8_t b[16]) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 0x0f];
  }
  out[o] = '\0';
}

static int nibble(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

int msg__uuid_parse(uint8_t b[16], const char *text) {
  size_t o = 0;
  for (size_t i = 0; i < MSG_ID_LEN; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-')
        return -1;
      continue;
    }
    int hi = nibble(text[i]);
    int lo = hi < 0 ? -1 : nibble(text[i + 1]); /* never read past a NUL */
    if (lo < 0)
      return -1;
    b[o++] = (uint8_t)(hi << 4 | lo);
    i++;
  }
  return text[MSG_ID_LEN] == '\0' ? 0 : -1;
}

int msg__uuid_v7(char *out, int64_t created_at, msg_error *err) {
  uint8_t b[16];
  if (RAND_bytes(b + 8, 8) != 1)
    return msg_error_set(err, MSG_ERR_INTERNAL, NULL, "the random number generator failed");
  uint64_t ms = (uint64_t)(created_at / 1000);
  unsigned int sub_ms = (unsigned int)((created_at % 1000) * 4096 / 1000);
  for (int i = 0; i < 6; i++)
    b[i] = (uint8_t)(ms >> (40 - 8 * i));
  b[6] = (uint8_t)(0x70 | (sub_ms >> 8));
  b[7] = (uint8_t)(sub_ms & 0xff);
  b[8] = (uint8_t)(0x80 | (b[8] & 0x3f));
  msg__uuid_format(out, b);
  return MSG_OK;
}
