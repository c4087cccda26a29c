/*
 * libmsg: an embeddable message store for accounts.
 *
 * This is the only header a program that *uses* libmsg needs. Backend authors
 * also include <msg/backend.h>.
 *
 * Conventions (the same for every function below):
 *  - Every call returns an msg_status: MSG_OK (0) or a negative error code.
 *  - Results come back through out-parameters, placed first. On failure
 *    `*out` is set to NULL and nothing is allocated for the caller.
 *  - Errors are described in a caller-provided msg_error record, which may be
 *    NULL when the caller only wants the status. The record is plain data:
 *    nothing in it needs freeing.
 *  - Every object returned to the caller is owned by the caller and freed with
 *    the one function named in its comment; freeing NULL does nothing. No
 *    returned object points into library internals, so no later call can
 *    invalidate it.
 *  - Strings passed in are copied (or only read during the call); the caller
 *    keeps its buffers.
 *  - A msg_store handle may be used from many threads at once: each call
 *    borrows a connection from the store's internal pool (see
 *    msg_store_options.pool_size) and returns it before the call returns.
 */
#ifndef MSG_MSG_H
#define MSG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define MSG_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#define MSG_EXTERN __attribute__((visibility("default")))
#else
#define MSG_EXTERN
#endif

/* ---------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------ */

/* MSG_VERSION_MAJOR, _MINOR, _PATCH, _STRING and _NUMBER, generated from the
 * project version at build time (installed beside this header). */
#include <msg/version.h>

/* The library's version as "MAJOR.MINOR.PATCH": the MSG_VERSION_STRING the
 * library was built with, which may differ from the header a program was
 * compiled with. Static storage; never free. */
MSG_EXTERN const char *msg_version(void);

/* ---------------------------------------------------------------------------
 * Status codes and the error record
 * ------------------------------------------------------------------------ */

typedef enum msg_status {
  MSG_OK = 0,
  MSG_ERR_INVALID = -1,     /* an argument broke a documented rule; see error.field */
  MSG_ERR_NOT_FOUND = -2,   /* no such message */
  MSG_ERR_CONFLICT = -3,    /* idempotency key reused with different content */
  MSG_ERR_UNAVAILABLE = -4, /* the database cannot be reached or timed out; retry later */
  MSG_ERR_NOMEM = -5,       /* an allocation failed */
  MSG_ERR_INTERNAL = -6,    /* a bug or a corrupt database; never caused by input */
  MSG_ERR_UNSUPPORTED = -7  /* the backend does not implement this operation */
} msg_status;

/* Longest field name and message an msg_error holds (longer text is cut). */
#define MSG_ERROR_FIELD_MAX 32
#define MSG_ERROR_MESSAGE_MAX 256

/*
 * What went wrong. Filled by every call that fails (when non-NULL); left
 * untouched on success.
 *
 * `field` names the offending input for MSG_ERR_INVALID, using the names of
 * the HTTP API ("account_id", "sender_number", "receiver_number", "body",
 * "idempotency_key", "message_id", "created_after", "created_before", "q",
 * "limit", "cursor", "uri", "options"); it is "" when no single field is at
 * fault. `message` is a human-readable sentence without secrets (passwords
 * in URIs are never copied into it).
 */
typedef struct msg_error {
  msg_status status;
  char field[MSG_ERROR_FIELD_MAX];
  char message[MSG_ERROR_MESSAGE_MAX];
} msg_error;

/* A short constant name for a status ("ok", "invalid argument", ...). Static
 * storage; never free. Unknown values give "unknown status". */
MSG_EXTERN const char *msg_status_str(int status);

/* ---------------------------------------------------------------------------
 * Limits (the rules msg_message_create and the queries enforce)
 * ------------------------------------------------------------------------ */

#define MSG_ACCOUNT_ID_MAX INT64_C(9007199254740991) /* 2^53 - 1: exact in JSON numbers */
#define MSG_NUMBER_DIGITS_MIN 3     /* a number is an optional '+' then 3..15 digits */
#define MSG_NUMBER_DIGITS_MAX 15
#define MSG_BODY_MAX_CHARS 1600     /* Unicode code points */
#define MSG_IDEMPOTENCY_KEY_MAX 255 /* printable ASCII characters */
#define MSG_ID_LEN 36               /* canonical UUID text, without the NUL */
#define MSG_LIMIT_MIN 1
#define MSG_LIMIT_MAX 1000
#define MSG_LIMIT_DEFAULT 50
#define MSG_FILTER_VALUES_MAX 100   /* values in one filter set */
#define MSG_QUERY_MAX_BYTES 1000    /* length of a text query */
#define MSG_QUERY_MAX_TERMS 32      /* terms in a text query */

/* ---------------------------------------------------------------------------
 * Store
 * ------------------------------------------------------------------------ */

typedef struct msg_store msg_store;

#define MSG_STORE_OPTIONS_VERSION 1

/*
 * Options for msg_store_open. Initialise with MSG_STORE_OPTIONS_INIT (or
 * msg_store_options_init) and change what you need, so that fields appended
 * in later versions get their defaults.
 */
typedef struct msg_store_options {
  unsigned int version;          /* MSG_STORE_OPTIONS_VERSION */
  unsigned int pool_size;        /* most connections held open; 0: the backend's default */
  unsigned int pool_timeout_ms;  /* longest wait for a free connection before MSG_ERR_UNAVAILABLE */
  unsigned int timeout_ms;       /* bound on connecting and on each statement (busy/lock waits included) */
} msg_store_options;

#define MSG_STORE_OPTIONS_INIT {MSG_STORE_OPTIONS_VERSION, 0, 5000, 5000}

/* Fills `opts` with the defaults of MSG_STORE_OPTIONS_INIT. */
MSG_EXTERN void msg_store_options_init(msg_store_options *opts);

/*
 * Opens the store named by `uri`; its scheme picks the backend:
 *   "sqlite::memory:"            a private in-memory database (gone on close)
 *   "sqlite:PATH"                a database file, relative or absolute; created if missing
 *   "postgres://..." / "postgresql://..."  PostgreSQL (when built with it)
 * Further schemes can be added with msg_backend_register (<msg/backend.h>).
 * Pending schema migrations are applied before it returns.
 *
 * `opts` may be NULL for the defaults. On success `*out` is a handle the
 * caller closes with msg_store_close. On failure `*out` is NULL.
 * Returns MSG_ERR_INVALID (field "uri" or "options") for a URI or option the
 * backend cannot use, MSG_ERR_UNAVAILABLE when the database cannot be reached.
 */
MSG_EXTERN int msg_store_open(msg_store **out, const char *uri, const msg_store_options *opts,
                              msg_error *err);

/* Closes the store and every pooled connection. Calls still running on other
 * threads must have returned first. NULL does nothing. */
MSG_EXTERN void msg_store_close(msg_store *store);

/* Checks that the database answers (a round trip on a pooled connection).
 * MSG_OK or MSG_ERR_UNAVAILABLE. For readiness probes. */
MSG_EXTERN int msg_store_ping(msg_store *store, msg_error *err);

/* The backend's scheme ("sqlite", "postgres", ...). Valid until
 * msg_store_close; never free. */
MSG_EXTERN const char *msg_store_scheme(const msg_store *store);

/* A snapshot of the store's counters, for metrics. */
typedef struct msg_store_stats {
  unsigned int pool_size;      /* most connections the pool may hold */
  unsigned int pool_open;      /* connections open now */
  unsigned int pool_in_use;    /* connections lent to calls now */
  uint64_t pool_waits;         /* calls that had to wait for a connection */
  uint64_t pool_timeouts;      /* calls that gave up waiting */
  uint64_t errors_unavailable; /* calls that failed with MSG_ERR_UNAVAILABLE */
  uint64_t errors_internal;    /* calls that failed with MSG_ERR_INTERNAL */
} msg_store_stats;

/* Copies the counters into `*out`. Never fails. */
MSG_EXTERN void msg_store_stats_get(const msg_store *store, msg_store_stats *out);

/* ---------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------ */

/*
 * A stored message. Every string is NUL-terminated and owned by the object
 * the message came in (an msg_message from create/get, or an msg_page): it
 * lives until that object is freed.
 */
typedef struct msg_message {
  const char *message_id;      /* UUIDv7, canonical lowercase, MSG_ID_LEN chars */
  int64_t account_id;          /* 1 .. MSG_ACCOUNT_ID_MAX */
  const char *sender_number;   /* optional '+' then 3..15 digits, as given */
  const char *receiver_number; /* same rule */
  const char *body;            /* UTF-8; NULL when the message has no body ("" is a body) */
  int64_t created_at;          /* microseconds since 1970-01-01T00:00:00Z */
} msg_message;

/* What the caller supplies to create a message. All strings are copied. */
typedef struct msg_new_message {
  int64_t account_id;
  const char *sender_number;
  const char *receiver_number;
  const char *body;            /* may be NULL: no body */
  const char *idempotency_key; /* may be NULL: no idempotency */
} msg_new_message;

/*
 * Validates `in`, assigns message_id and created_at, and stores the message.
 *
 * With an idempotency key, the key is scoped to the account: when a message
 * with the same key already exists in that account and has the same
 * sender, receiver and body, nothing is stored, `*out` is that original
 * message and `*replayed` is set to true. The same key with other content
 * fails with MSG_ERR_CONFLICT (field "idempotency_key").
 *
 * On success `*out` is a message the caller frees with msg_message_free.
 * `replayed` may be NULL. MSG_ERR_INVALID names the first offending field.
 * A failed call stores nothing.
 */
MSG_EXTERN int msg_message_create(msg_message **out, bool *replayed, msg_store *store,
                                  const msg_new_message *in, msg_error *err);

/*
 * Reads one message by id (any UUID, case-insensitive). On success `*out` is
 * a message the caller frees with msg_message_free. MSG_ERR_NOT_FOUND when
 * there is none; MSG_ERR_INVALID (field "message_id") when `message_id` is not
 * a UUID.
 */
MSG_EXTERN int msg_message_get(msg_message **out, msg_store *store, const char *message_id,
                               msg_error *err);

/* Frees a message from msg_message_create or msg_message_get. NULL does nothing. */
MSG_EXTERN void msg_message_free(msg_message *message);

/* ---------------------------------------------------------------------------
 * Pages: list and search
 * ------------------------------------------------------------------------ */

/*
 * Which page to read. Start from MSG_PAGE_REQUEST_INIT (limit 50, first page).
 * `cursor` is the next_cursor of the previous page, or NULL for the first
 * page; it is only valid with the same account (list) or the same filter
 * (search) it came from.
 */
typedef struct msg_page_request {
  int64_t limit;      /* MSG_LIMIT_MIN .. MSG_LIMIT_MAX */
  const char *cursor; /* opaque; NULL for the first page */
} msg_page_request;

#define MSG_PAGE_REQUEST_INIT {MSG_LIMIT_DEFAULT, NULL}

/*
 * A page of messages, newest first (created_at descending, then message_id
 * descending). `next_cursor` is NULL on the last page. Everything in it is
 * owned by the page: free it with msg_page_free.
 */
typedef struct msg_page {
  size_t count;
  msg_message *items;
  char *next_cursor;
} msg_page;

/* Frees a page and everything in it. NULL does nothing. */
MSG_EXTERN void msg_page_free(msg_page *page);

/*
 * Lists the messages of one account, newest first. Keyset pagination: a walk
 * from the first page to the last never repeats or skips a message, even
 * while messages are being created (messages created during the walk are
 * newer than the first page and so do not appear in it).
 *
 * On success `*out` is a page the caller frees with msg_page_free.
 * MSG_ERR_INVALID for a bad account_id, limit or cursor (a cursor from
 * another account or a damaged one is invalid).
 */
MSG_EXTERN int msg_message_list(msg_page **out, msg_store *store, int64_t account_id,
                                const msg_page_request *req, msg_error *err);

/*
 * What to search for. Every set holds up to MSG_FILTER_VALUES_MAX values and
 * matches when the message's field equals any of them (OR within a set);
 * a message must match every set, bound and query given (AND across fields).
 * Empty sets, unset bounds and a NULL query impose nothing, so a zeroed
 * filter matches every message. Initialise with MSG_FILTER_INIT. The filter
 * and its arrays are only read during the call.
 */
typedef struct msg_filter {
  const int64_t *account_ids;
  size_t account_id_count;
  const char *const *message_ids; /* UUIDs, any case */
  size_t message_id_count;
  const char *const *sender_numbers;
  size_t sender_number_count;
  const char *const *receiver_numbers;
  size_t receiver_number_count;
  bool has_created_after;
  int64_t created_after;  /* created_at > created_after (microseconds) */
  bool has_created_before;
  int64_t created_before; /* created_at < created_before (microseconds) */
  /*
   * Text query, or NULL. Split into terms at every character that is not a
   * letter, mark or digit; each term must occur as a whole word of the body.
   * Matching ignores case (full Unicode case folding) and compatibility
   * forms (NFKC), so "STRASSE" finds "Straße". Words are compared on their
   * first 64 characters. A query with no terms is invalid.
   */
  const char *q;
} msg_filter;

#define MSG_FILTER_INIT {NULL, 0, NULL, 0, NULL, 0, NULL, 0, false, 0, false, 0, NULL}

/*
 * Searches messages matching `filter`, with the ordering and pagination of
 * msg_message_list. On success `*out` is a page the caller frees with
 * msg_page_free. MSG_ERR_INVALID names the offending field.
 */
MSG_EXTERN int msg_message_search(msg_page **out, msg_store *store, const msg_filter *filter,
                                  const msg_page_request *req, msg_error *err);

/* ---------------------------------------------------------------------------
 * Helpers for callers
 * ------------------------------------------------------------------------ */

/*
 * Formats `micros` (microseconds since the epoch) as RFC 3339 UTC with six
 * fractional digits, e.g. "2026-11-28T22:05:26.123456Z", into `buf`.
 * MSG_ERR_INVALID when `size` < MSG_TIME_TEXT_SIZE or the time is outside
 * years 0001..9999.
 */
#define MSG_TIME_TEXT_SIZE 28
MSG_EXTERN int msg_time_format(char *buf, size_t size, int64_t micros, msg_error *err);

/*
 * Parses an RFC 3339 timestamp ("2026-11-28T22:05:26Z", with an optional
 * fraction of up to 6 digits and a "Z" or "+hh:mm"/"-hh:mm" offset) into
 * microseconds since the epoch. MSG_ERR_INVALID (field "" — the caller names
 * it) on anything else.
 */
MSG_EXTERN int msg_time_parse(int64_t *out, const char *text, msg_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MSG_MSG_H */
