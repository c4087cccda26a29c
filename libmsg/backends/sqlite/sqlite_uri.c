/*
 * "sqlite:..." URIs -> what sqlite3_open_v2 gets.
 *
 *   sqlite::memory:        a new, empty in-memory database private to the
 *                          store, shared by its pooled connections: the memdb
 *                          VFS under a name unique in the process
 *   sqlite:PATH            a file, relative or absolute, created if missing
 *   ...?synchronous=full   (default) or =normal: see sqlite_conn.c
 *
 * Everything before the first '?' is the path, taken literally. Connections
 * are always opened as SQLite URIs (Debian's SQLite interprets "file:" names
 * as URIs anyway), so the path is percent-encoded into one: a path can then
 * never smuggle in SQLite URI parameters such as vfs= or mode=.
 */
#include "sqlite_backend.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static atomic_uint memory_counter;

static const char memory_path[] = ":memory:";

static int set_parameter(sqlite_backend *b, const char *param, size_t len, msg_error *err) {
  static const char key[] = "synchronous=";
  if (len < sizeof key - 1 || memcmp(param, key, sizeof key - 1) != 0)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "the only parameter of a SQLite URI is 'synchronous' "
                         "(e.g. 'sqlite:msg.db?synchronous=normal')");
  const char *value = param + sizeof key - 1;
  size_t value_len = len - (sizeof key - 1);
  if (value_len == 4 && memcmp(value, "full", 4) == 0)
    b->synchronous_full = true;
  else if (value_len == 6 && memcmp(value, "normal", 6) == 0)
    b->synchronous_full = false;
  else
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "the SQLite URI parameter 'synchronous' must be 'full' or 'normal'");
  return MSG_OK;
}

/* Parses "a=b&c=d" (without the '?'). */
static int parse_parameters(sqlite_backend *b, const char *params, msg_error *err) {
  for (;;) {
    size_t len = strcspn(params, "&");
    if (len == 0)
      return msg_error_set(err, MSG_ERR_INVALID, "uri",
                           "a SQLite URI has an empty parameter after '?' or '&'");
    int rc = set_parameter(b, params, len, err);
    if (rc != MSG_OK || params[len] == '\0')
      return rc;
    params += len + 1;
  }
}

static bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '/';
}

/* "file:" + the path, percent-encoded. An absolute path gets an empty
 * authority ("file://" + "/abs"), so that a path starting with "//" is not
 * read as a host name. */
static char *file_uri(const char *path, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  sqlite3_str *uri = sqlite3_str_new(NULL);
  sqlite3_str_appendall(uri, path[0] == '/' ? "file://" : "file:");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)path[i];
    if (is_unreserved(c)) {
      sqlite3_str_appendchar(uri, 1, (char)c);
    } else {
      char escaped[3] = {'%', hex[c >> 4], hex[c & 0xf]};
      sqlite3_str_append(uri, escaped, 3);
    }
  }
  return sqlite3_str_finish(uri);
}

int msg__sqlite_uri_parse(sqlite_backend *b, const char *uri, msg_error *err) {
  const char *colon = strchr(uri, ':');
  if (!colon)
    return msg_error_set(err, MSG_ERR_INVALID, "uri", "a SQLite URI starts with 'sqlite:'");
  const char *path = colon + 1;
  size_t path_len = strcspn(path, "?");
  if (path_len == 0)
    return msg_error_set(err, MSG_ERR_INVALID, "uri",
                         "a SQLite URI is 'sqlite::memory:' or 'sqlite:PATH' with a file path");
  b->synchronous_full = true;
  if (path[path_len] == '?') {
    int rc = parse_parameters(b, path + path_len + 1, err);
    if (rc != MSG_OK)
      return rc;
  }
  b->is_memory = path_len == sizeof memory_path - 1 && memcmp(path, memory_path, path_len) == 0;
  if (b->is_memory)
    b->filename = sqlite3_mprintf("file:/libmsg-%ld-%u?vfs=memdb", (long)getpid(),
                                  atomic_fetch_add(&memory_counter, 1));
  else
    b->filename = file_uri(path, path_len);
  if (!b->filename)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory opening a SQLite store");
  return MSG_OK;
}
