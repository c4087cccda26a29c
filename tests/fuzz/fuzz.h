/*
 * What the libFuzzer harnesses share: the entry point's prototype (libFuzzer
 * supplies main and calls it once per input), invariant checks that abort so
 * libFuzzer records the input, and a small in-memory store.
 */
#ifndef MSG_TESTS_FUZZ_H
#define MSG_TESTS_FUZZ_H

#include <msg/msg.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints the broken invariant and aborts: an invariant that does not hold is
 * a finding like a crash, so libFuzzer must save the input that broke it. */
_Noreturn void fuzz_fail(const char *file, int line, const char *what);

#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

/* A copy of data[0..size) with a NUL after it (the parsers take C strings,
 * as civetweb hands them over); aborts when out of memory, which under the
 * fuzzer's memory limit is a finding too. Free with free(). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* The accounts and numbers of the rows in fuzz_store(); the seed corpora
 * and dictionaries use them so that searches find something. */
#define FUZZ_ACCOUNT_A 1
#define FUZZ_ACCOUNT_B 2
#define FUZZ_SENDER "+15551234567"
#define FUZZ_RECEIVER "+15557654321"

/* A sqlite::memory: store holding a dozen messages of accounts 1 and 2,
 * opened on the first call and kept for the life of the process. Aborts when
 * it cannot be opened or filled: no input has been read then, so that is a
 * broken build rather than a finding. */
msg_store *fuzz_store(void);

/* Does `m` satisfy every condition of `f` but the text query `q` (which
 * needs the library's word splitting)? For checking search results. */
int fuzz_matches_filter(const msg_message *m, const msg_filter *f);

/* Checks what every page the library returns must satisfy: items newest
 * first, strictly ordered by (created_at, message_id), at most `limit`. */
void fuzz_check_page(const msg_page *page, int64_t limit);

#endif
