/*
 * Shared by every conformance case: the store under test, fresh account ids
 * and phone numbers per case, assertions on statuses and error records, and
 * walks over every page of a list or search.
 *
 * The same cases run against every backend, and some stores (PostgreSQL, the
 * SQLite file) are shared by all cases and earlier runs. So a case never
 * assumes the database is empty: it works in accounts and numbers drawn from
 * a random 40-bit base chosen for it alone, and judges results by the
 * messages it created itself.
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <msg/msg.h>

#include <check.h>

/* The URI every case opens (set once by conformance_main.c). */
extern const char *conf_uri;

/* The store of the running case, opened by conf_setup. */
extern msg_store *conf_store;

/* Checked fixture: opens conf_uri and draws the case's random base. */
void conf_setup(void);
void conf_teardown(void);

/* Whether conf_uri names a store that outlives its handle. */
bool conf_uri_is_persistent(void);

/* Opens conf_uri (asserting success) with `opts` (NULL for defaults). */
msg_store *conf_open(const msg_store_options *opts);

/* An account id no other case or run uses; k in 1 .. CONF_KEYS_MAX. */
#define CONF_KEYS_MAX 8191
int64_t conf_account(unsigned int k);

/* A 15-digit number ("+" first) no other case or run uses; k in 0 .. 99. */
#define CONF_NUMBER_SIZE 17
void conf_number(char out[CONF_NUMBER_SIZE], unsigned int k);

/* A random lowercase UUIDv4 (no message has it: libmsg makes v7 ids). */
void conf_random_uuid(char out[MSG_ID_LEN + 1]);

/* Random bits for values that must not repeat across cases or runs. */
uint64_t conf_random(void);

/* Microseconds since the epoch, from the wall clock. */
int64_t conf_now_micros(void);

/* Filler for an error record, to prove a successful call leaves it alone. */
void conf_error_poison(msg_error *err);
bool conf_error_is_poisoned(const msg_error *err);

/* A pointer no call returns: set *out to it to see failures reset it. */
extern char conf_poison_byte;
#define CONF_POISON ((void *)&conf_poison_byte)

/* Asserts a call failed with `status`, `field` named, a message given, and
 * err->status agreeing. `where` is the caller's location. */
void conf_check_error(const char *where, int rc, const msg_error *err, int status,
                      const char *field);

#define CONF_STR_(x) #x
#define CONF_STR(x) CONF_STR_(x)
#define CONF_WHERE __FILE__ ":" CONF_STR(__LINE__)

#define CONF_ASSERT_ERROR(rc, err, status, field)                                                  \
  conf_check_error(CONF_WHERE, (rc), &(err), (status), (field))

#define CONF_ASSERT_OK(rc, err)                                                                    \
  ck_assert_msg((rc) == MSG_OK, "expected ok, got %s (%d), field '%s': %s", msg_status_str(rc),    \
                (rc), (err).field, (err).message)

/* A new message with the given parts (no idempotency key). */
msg_new_message conf_new(int64_t account_id, const char *sender, const char *receiver,
                         const char *body);

/* Creates `in`, asserting success and a fresh (not replayed) message. */
msg_message *conf_create(const msg_new_message *in);

/* Shorthand for conf_create(conf_new(...)). */
msg_message *conf_create_simple(int64_t account_id, const char *sender, const char *receiver,
                                const char *body);

/* Asserts two messages agree byte for byte in every field. */
void conf_assert_same_message(const char *where, const msg_message *got, const msg_message *want);

/* A growable list of owned message copies. */
typedef struct conf_rows {
  msg_message *items;
  size_t count;
  size_t capacity;
} conf_rows;

void conf_rows_push(conf_rows *rows, const msg_message *m);
void conf_rows_free(conf_rows *rows);
/* Index of `id` (compared case-insensitively) in rows, or -1. */
long conf_rows_find(const conf_rows *rows, const char *id);

/* Sorts rows newest first, as pages are ordered. */
void conf_rows_sort(conf_rows *rows);

/* Asserts `got` holds exactly `want`, in the same order, field for field. */
void conf_assert_same_rows(const char *where, const conf_rows *got, const conf_rows *want);

/* True when `a` comes strictly before `b` in page order. */
bool conf_before(const msg_message *a, const msg_message *b);

/* How a walk reads one page: list or search. */
typedef int (*conf_page_fn)(msg_page **out, const msg_page_request *req, const void *ctx,
                            msg_error *err);
int conf_list_page(msg_page **out, const msg_page_request *req, const void *account_id,
                   msg_error *err);
int conf_search_page(msg_page **out, const msg_page_request *req, const void *filter,
                     msg_error *err);

/*
 * Reads every page from the first to the last with `limit`, asserting that
 * rows are in strict page order across all pages (so none repeats), that a
 * page with a next_cursor is full and that only the last page lacks one.
 * Keeps the rows whose id is in `keep` (every row when `keep` is NULL).
 * Returns the number of pages read.
 */
size_t conf_walk(conf_rows *out, conf_page_fn fn, const void *ctx, int64_t limit,
                 const conf_rows *keep);

/* Walks msg_message_list of one account. */
size_t conf_walk_list(conf_rows *out, int64_t account_id, int64_t limit);

/* Reads one page, asserting success. */
msg_page *conf_page(conf_page_fn fn, const void *ctx, int64_t limit, const char *cursor);

/* The suites, one per public operation (see conformance_*.c). */
Suite *conformance_store_suite(void);
Suite *conformance_time_suite(void);
Suite *conformance_create_suite(void);
Suite *conformance_get_suite(void);
Suite *conformance_list_suite(void);
Suite *conformance_cursor_suite(void);
Suite *conformance_search_suite(void);
Suite *conformance_text_suite(void);
Suite *conformance_idempotency_suite(void);
Suite *conformance_concurrency_suite(void);
Suite *conformance_reopen_suite(void);

/* A case with the store fixture and a timeout in seconds (scaled by
 * CK_TIMEOUT_MULTIPLIER, which check reads). */
TCase *conf_tcase(const char *name, double timeout_seconds);

#endif
