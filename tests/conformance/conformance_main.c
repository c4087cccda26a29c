/*
 * The command line of the conformance suite: one binary, every case, any
 * store. The runner is tests/check_main.c, the list of suites meson.build.
 *
 *   conformance URI [--fresh]
 *
 * URI is a store URI, or "env:NAME" to read it from the environment variable
 * NAME; when that is unset or empty the run exits 99, which meson reports as
 * an error (so a missing database is never mistaken for a pass), or 77, a
 * skip, when MSG_ALLOW_SKIP=1. --fresh
 * deletes the SQLite file named by a "sqlite:PATH" URI (and its journal
 * files) first, so that a run starts from a new database and exercises the
 * migrations. The reopen suite only runs for stores that outlive their
 * handle.
 */
#include "conformance.h"

#include "check_main.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* meson: 77 is a skip, 99 an error. A skip proves nothing, so a missing
 * database is an error unless MSG_ALLOW_SKIP=1 says a skip is acceptable. */
#define EXIT_SKIP 77
#define EXIT_ERROR 99

static int remove_file(const char *path, const char *suffix) {
  size_t len = strlen(path) + strlen(suffix) + 1;
  char *name = malloc(len);
  if (!name) {
    fprintf(stderr, "conformance: out of memory\n");
    return -1;
  }
  snprintf(name, len, "%s%s", path, suffix);
  int rc = unlink(name);
  if (rc != 0 && errno == ENOENT)
    rc = 0;
  if (rc != 0)
    perror(name);
  free(name);
  return rc;
}

static int remove_sqlite_file(const char *uri) {
  const char *prefix = "sqlite:";
  if (strncmp(uri, prefix, strlen(prefix)) != 0 || strcmp(uri, "sqlite::memory:") == 0) {
    fprintf(stderr, "conformance: --fresh needs a sqlite:PATH URI\n");
    return -1;
  }
  const char *path = uri + strlen(prefix);
  if (remove_file(path, "") != 0 || remove_file(path, "-wal") != 0 ||
      remove_file(path, "-shm") != 0 || remove_file(path, "-journal") != 0)
    return -1;
  return 0;
}

check_prepare_fn conf_prepare;
check_wants_fn conf_wants;

/* Every suite runs, on the store the command line names. */
int conf_prepare(int argc, char **argv, const char **only) {
  if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--fresh") != 0)) {
    fprintf(stderr, "usage: %s URI|env:NAME [--fresh]\n", argv[0]);
    return EXIT_FAILURE;
  }
  conf_uri = argv[1];
  if (strncmp(conf_uri, "env:", 4) == 0) {
    conf_uri = getenv(conf_uri + 4);
    if (!conf_uri || conf_uri[0] == '\0') {
      const char *allow = getenv("MSG_ALLOW_SKIP");
      int skip = allow && strcmp(allow, "1") == 0;
      fprintf(stderr, "conformance: %s is not set; %s\n", argv[1] + 4,
              skip ? "skipping (MSG_ALLOW_SKIP=1)" : "an error (MSG_ALLOW_SKIP=1 makes it a skip)");
      return skip ? EXIT_SKIP : EXIT_ERROR;
    }
  }
  if (argc == 3 && remove_sqlite_file(conf_uri) != 0)
    return EXIT_FAILURE;
  *only = NULL;
  return -1;
}

int conf_wants(const char *suite) {
  return strcmp(suite, "reopen") != 0 || conf_uri_is_persistent();
}
