/*
 * Backend registry: a small mutex-protected table from URI scheme to module.
 * The built-in backends are registered once, lazily, before the first lookup
 * or registration, so that programs need no initialisation call and a user's
 * registration of "sqlite" can still replace the built-in one.
 */
#include "registry.h"

#include "alloc.h"
#include "builtin.h"

#include <ctype.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

typedef struct entry {
  char *scheme;
  const char *name; /* what msg_store_scheme reports: the scheme, or the
                       backend's own name for an alias ("postgresql") */
  msg_backend_module module;
} entry;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;
static entry *entries;
static size_t entry_count;
static size_t entry_capacity;

static int scheme_is_valid(const char *s) {
  if (!s || !isalpha((unsigned char)s[0]))
    return 0;
  for (const char *p = s; *p; p++) {
    if (!isalnum((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
      return 0;
  }
  return strlen(s) <= 32;
}

/* Schemes compare case-insensitively, as RFC 3986 says they do. */
static entry *find_locked(const char *scheme, size_t len) {
  for (size_t i = 0; i < entry_count; i++) {
    if (strlen(entries[i].scheme) == len && strncasecmp(entries[i].scheme, scheme, len) == 0)
      return &entries[i];
  }
  return NULL;
}

static int add_locked(const msg_backend_module *module, msg_error *err) {
  entry *existing = find_locked(module->scheme, strlen(module->scheme));
  if (existing) {
    existing->module = *module;
    existing->module.scheme = existing->scheme;
    existing->name = existing->scheme;
    return MSG_OK;
  }
  if (entry_count == entry_capacity) {
    size_t capacity = entry_capacity ? entry_capacity * 2 : 8;
    entry *grown = msg__realloc(entries, capacity * sizeof *grown);
    if (!grown)
      return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory registering a backend");
    entries = grown;
    entry_capacity = capacity;
  }
  char *scheme = msg__strdup(module->scheme);
  if (!scheme)
    return msg_error_set(err, MSG_ERR_NOMEM, NULL, "out of memory registering a backend");
  entries[entry_count].scheme = scheme;
  entries[entry_count].module = *module;
  entries[entry_count].module.scheme = scheme;
  entries[entry_count].name = scheme;
  entry_count++;
  return MSG_OK;
}

/* Built-ins use static scheme strings and never fail for want of memory in
 * practice; if they did, their schemes would simply be unknown and opens
 * would say so. */
static void register_builtins(void) {
  static const struct {
    msg_backend_module module;
    const char *name;
  } builtins[] = {
      {{MSG_BACKEND_MODULE_VERSION, "sqlite", msg__sqlite_open, NULL}, "sqlite"},
#ifdef MSG_HAVE_POSTGRES
      {{MSG_BACKEND_MODULE_VERSION, "postgres", msg__postgres_open, NULL}, "postgres"},
      {{MSG_BACKEND_MODULE_VERSION, "postgresql", msg__postgres_open, NULL}, "postgres"},
#endif
  };
  pthread_mutex_lock(&registry_lock);
  for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
    if (add_locked(&builtins[i].module, NULL) == MSG_OK)
      find_locked(builtins[i].module.scheme, strlen(builtins[i].module.scheme))->name =
          builtins[i].name;
  }
  pthread_mutex_unlock(&registry_lock);
}

MSG_EXTERN int msg_backend_register(const msg_backend_module *module, msg_error *err) {
  if (!module)
    return msg_error_set(err, MSG_ERR_INVALID, "module", "module must not be NULL");
  if (module->version != MSG_BACKEND_MODULE_VERSION)
    return msg_error_set(err, MSG_ERR_INVALID, "module",
                         "backend module version %u is not one this libmsg knows (%d)",
                         module->version, MSG_BACKEND_MODULE_VERSION);
  if (!scheme_is_valid(module->scheme))
    return msg_error_set(err, MSG_ERR_INVALID, "module",
                         "a scheme starts with a letter and holds up to 32 letters, digits, "
                         "'+', '-' or '.'");
  if (!module->open)
    return msg_error_set(err, MSG_ERR_INVALID, "module", "module.open must not be NULL");
  pthread_once(&builtins_once, register_builtins);
  pthread_mutex_lock(&registry_lock);
  int rc = add_locked(module, err);
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

MSG_EXTERN int msg_backend_unregister(const char *scheme, msg_error *err) {
  if (!scheme)
    return msg_error_set(err, MSG_ERR_INVALID, "scheme", "scheme must not be NULL");
  pthread_once(&builtins_once, register_builtins);
  pthread_mutex_lock(&registry_lock);
  entry *e = find_locked(scheme, strlen(scheme));
  if (!e) {
    pthread_mutex_unlock(&registry_lock);
    return msg_error_set(err, MSG_ERR_NOT_FOUND, "scheme", "no backend is registered for '%s'",
                         scheme_is_valid(scheme) ? scheme : "?");
  }
  /* Static scheme strings of built-ins were copied too, so freeing is safe. */
  msg__free(e->scheme);
  *e = entries[--entry_count];
  pthread_mutex_unlock(&registry_lock);
  return MSG_OK;
}

int msg__registry_find(msg_backend_module *out, char name[MSG_SCHEME_NAME_SIZE],
                       const char *scheme, size_t scheme_len, msg_error *err) {
  pthread_once(&builtins_once, register_builtins);
  pthread_mutex_lock(&registry_lock);
  entry *e = find_locked(scheme, scheme_len);
  if (e) {
    *out = e->module;
    snprintf(name, MSG_SCHEME_NAME_SIZE, "%s", e->name);
    out->scheme = name;
  }
  pthread_mutex_unlock(&registry_lock);
  if (!e)
    return msg_error_set(err, MSG_ERR_INVALID, "uri", "no backend is registered for scheme '%.*s'",
                         (int)(scheme_len > 32 ? 32 : scheme_len), scheme);
  return MSG_OK;
}
