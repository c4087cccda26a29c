/*
 * The API keys file: which bearer tokens may call the API, and for which
 * account. The file holds no token, only its SHA-256, so a leaked file (or
 * a Kubernetes Secret read by the wrong pod) gives no one access.
 *
 *   # comment, and blank lines, are ignored
 *   sha256:<64 hex digits>  <account_id | *>  [label]
 *
 * Fields are separated by spaces or tabs; a line may end in CRLF. `*` makes
 * an operator key, which may act on every account. The label (letters,
 * digits and "._:@/-", at most APIKEY_LABEL_MAX) names the key in logs.
 * `msg-server keygen` prints new lines in this form.
 */
#ifndef MSG_SERVER_APIKEYS_H
#define MSG_SERVER_APIKEYS_H

#include <stddef.h>
#include <stdint.h>

#define APIKEY_HASH_LEN 32
#define APIKEY_LABEL_MAX 64
/* A keys file larger than this is refused rather than read. */
#define APIKEYS_FILE_MAX (4 * 1024 * 1024)

typedef struct apikey {
  unsigned char hash[APIKEY_HASH_LEN]; /* SHA-256 of the token */
  int any_account;                     /* `*`: an operator key */
  int64_t account_id;                  /* when !any_account */
  char label[APIKEY_LABEL_MAX + 1];    /* "" when none was given */
} apikey;

typedef struct apikeys {
  apikey *items;
  size_t count;
} apikeys;

typedef struct apikeys_error {
  size_t line; /* 1-based line of the problem; 0 when not about one line */
  char message[160];
} apikeys_error;

/* Parses `len` bytes of keys file. 0 with *out set (release with
 * msg__apikeys_free); -1 with *err filled when the text is malformed (any
 * bad line refuses the whole file, so a typo cannot silently drop a key);
 * -2 when out of memory. */
int msg__apikeys_parse(const char *text, size_t len, apikeys **out, apikeys_error *err);

/* Reads and parses the file at `path`; as msg__apikeys_parse, with read
 * errors reported as -1. The file must be a regular file of at most
 * APIKEYS_FILE_MAX bytes (checked before reading, so a FIFO cannot block
 * the caller) holding at least one key: an empty or comments-only file is
 * refused (-1) like a malformed one. */
int msg__apikeys_load(const char *path, apikeys **out, apikeys_error *err);

/* The key whose hash is the SHA-256 of token[0..len), or NULL. Every key is
 * compared, each in constant time, so the answer's timing does not depend
 * on which key (if any) matched. */
const apikey *msg__apikeys_find(const apikeys *keys, const char *token, size_t len);

void msg__apikeys_free(apikeys *keys);

/* SHA-256 of token[0..len) into out. 0, or -1 if libcrypto failed. */
int msg__apikeys_hash(const char *token, size_t len, unsigned char out[APIKEY_HASH_LEN]);

#endif
