/*
 * `msg-server keygen`: a new API key. The token is 32 bytes from OpenSSL's
 * CSPRNG (256 bits), base64url, after a "msg_" prefix that secret scanners
 * and people can recognise. It is printed once and never stored: the keys
 * file gets only its SHA-256.
 */
#include "keygen.h"

#include "apikeys.h"

#include <msg/msg.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdio.h>
#include <string.h>

#define TOKEN_BYTES 32
#define TOKEN_PREFIX "msg_"

static int usage(const char *why) {
  fprintf(stderr,
          "msg-server keygen: %s\n"
          "Usage: msg-server keygen --account ACCOUNT_ID|'*' [--label LABEL]\n"
          "Prints a new token (give it to the client) and the line for the --api-keys file.\n",
          why);
  return 2;
}

/* base64url without padding into `out` (at least 4 * ceil(n / 3) + 1). */
static void base64url(const unsigned char *in, size_t n, char *out) {
  int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
  while (len > 0 && out[len - 1] == '=')
    len--;
  out[len] = '\0';
  for (char *c = out; *c; c++) {
    if (*c == '+')
      *c = '-';
    else if (*c == '/')
      *c = '_';
  }
}

int msg__keygen_main(int argc, char **argv) {
  const char *account = NULL, *label = "";
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage("a new API key");
      return 0;
    }
    const char **target = strcmp(arg, "--account") == 0 ? &account
                          : strcmp(arg, "--label") == 0 ? &label
                                                        : NULL;
    if (!target)
      return usage("unknown argument");
    if (i + 1 >= argc)
      return usage("an option needs a value");
    *target = argv[++i];
  }
  if (!account)
    return usage("--account is required");

  unsigned char random[TOKEN_BYTES];
  char encoded[4 * ((TOKEN_BYTES + 2) / 3) + 1];
  char token[sizeof TOKEN_PREFIX + sizeof encoded];
  if (RAND_bytes(random, sizeof random) != 1) {
    fprintf(stderr, "msg-server keygen: the random number generator failed\n");
    return 1;
  }
  base64url(random, sizeof random, encoded);
  OPENSSL_cleanse(random, sizeof random);
  snprintf(token, sizeof token, "%s%s", TOKEN_PREFIX, encoded);
  OPENSSL_cleanse(encoded, sizeof encoded);

  unsigned char hash[APIKEY_HASH_LEN];
  if (msg__apikeys_hash(token, strlen(token), hash) != 0) {
    fprintf(stderr, "msg-server keygen: hashing failed\n");
    return 1;
  }
  char line[512];
  int used = snprintf(line, sizeof line, "sha256:");
  for (size_t i = 0; i < APIKEY_HASH_LEN; i++)
    used += snprintf(line + used, sizeof line - (size_t)used, "%02x", hash[i]);
  snprintf(line + used, sizeof line - (size_t)used, " %s%s%s", account, label[0] ? " " : "", label);

  /* The account and label are checked by the same parser the server uses,
   * so a line keygen prints is always one the server accepts. */
  apikeys *check = NULL;
  apikeys_error err;
  int rc = msg__apikeys_parse(line, strlen(line), &check, &err);
  msg__apikeys_free(check);
  if (rc != 0) {
    OPENSSL_cleanse(token, sizeof token);
    return usage(rc == -2 ? "out of memory" : err.message);
  }
  printf("%s\n%s\n", token, line);
  OPENSSL_cleanse(token, sizeof token);
  fprintf(stderr, "msg-server keygen: line 1 is the token (shown only now); add line 2 to the "
                  "--api-keys file\n");
  return 0;
}
