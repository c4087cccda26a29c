/*
 * quickstart: the smallest complete libmsg program. It opens an in-memory
 * store, creates three messages for one account, lists them page by page
 * (newest first) and finds one by a word of its body. Every call's status is
 * checked and every object is freed with the function its header names.
 *
 *   cc quickstart.c $(pkg-config --cflags --libs libmsg) -o quickstart
 */
#include <msg/msg.h>

#include <stdio.h>
#include <stdlib.h>

#define ACCOUNT 42

static int report(const char *what, int status, const msg_error *err) {
  fprintf(stderr, "%s failed: %s (field '%s': %s)\n", what, msg_status_str(status), err->field,
          err->message);
  return status;
}

static void print_page(const msg_page *page) {
  for (size_t i = 0; i < page->count; i++) {
    const msg_message *m = &page->items[i];
    char when[MSG_TIME_TEXT_SIZE];
    if (msg_time_format(when, sizeof when, m->created_at, NULL) != MSG_OK)
      snprintf(when, sizeof when, "?");
    printf("  %s %s -> %s: %s\n", when, m->sender_number, m->receiver_number,
           m->body ? m->body : "(no body)");
  }
}

static int create_messages(msg_store *store, msg_error *err) {
  const char *bodies[] = {"Coffee at ten?", "Running late, sorry", NULL};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    msg_new_message in = {.account_id = ACCOUNT,
                          .sender_number = "+15550100",
                          .receiver_number = "+15550199",
                          .body = bodies[i]};
    msg_message *m;
    int rc = msg_message_create(&m, NULL, store, &in, err);
    if (rc != MSG_OK)
      return report("create", rc, err);
    printf("created %s\n", m->message_id);
    msg_message_free(m);
  }
  return MSG_OK;
}

/* Walks the account two messages at a time: each page's next_cursor asks
 * for the page after it and is NULL on the last one. */
static int list_messages(msg_store *store, msg_error *err) {
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  req.limit = 2;
  msg_page *page = NULL;
  int pages = 0;
  do {
    msg_page *next;
    int rc = msg_message_list(&next, store, ACCOUNT, &req, err);
    msg_page_free(page); /* req.cursor pointed into it; the call has read it */
    if (rc != MSG_OK)
      return report("list", rc, err);
    page = next;
    printf("account %d, page %d: %zu message(s)\n", ACCOUNT, ++pages, page->count);
    print_page(page);
    req.cursor = page->next_cursor;
  } while (req.cursor);
  msg_page_free(page);
  return MSG_OK;
}

static int search_messages(msg_store *store, const char *q, msg_error *err) {
  const int64_t accounts[] = {ACCOUNT};
  msg_filter filter = MSG_FILTER_INIT;
  filter.account_ids = accounts;
  filter.account_id_count = 1;
  filter.q = q;
  msg_page_request req = MSG_PAGE_REQUEST_INIT;
  msg_page *page;
  int rc = msg_message_search(&page, store, &filter, &req, err);
  if (rc != MSG_OK)
    return report("search", rc, err);
  printf("search \"%s\": %zu message(s)\n", q, page->count);
  print_page(page);
  msg_page_free(page);
  return MSG_OK;
}

int main(void) {
  msg_error err;
  msg_store *store;
  int rc = msg_store_open(&store, "sqlite::memory:", NULL, &err);
  if (rc != MSG_OK) {
    report("open", rc, &err);
    return EXIT_FAILURE;
  }

  rc = create_messages(store, &err);
  if (rc == MSG_OK)
    rc = list_messages(store, &err);
  if (rc == MSG_OK)
    rc = search_messages(store, "COFFEE", &err);
  msg_store_close(store);
  return rc == MSG_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}
