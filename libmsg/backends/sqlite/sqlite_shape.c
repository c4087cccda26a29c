/*
 * The SQL text of a search, built from its shape alone (see the
 * SQLITE_SHAPE_* bits): which conditions are present, and whether each set
 * holds one value or several. Values are never part of the text; they are
 * bound to parameters numbered by meaning, so the same parameter number
 * always carries the same value whatever the shape. A set of several values
 * is bound as one JSON array and matched through json_each, which keeps the
 * text fixed whatever the set's size.
 */
#include "sqlite_backend.h"

static unsigned int set_bits(size_t count, unsigned int one, unsigned int many) {
  return count == 0 ? 0 : count == 1 ? one : many;
}

unsigned int msg__sqlite_shape(const msg_backend_query *q) {
  return set_bits(q->account_id_count, SQLITE_SHAPE_ACCOUNT_ONE, SQLITE_SHAPE_ACCOUNT_MANY) |
         set_bits(q->message_id_count, SQLITE_SHAPE_ID_ONE, SQLITE_SHAPE_ID_MANY) |
         set_bits(q->sender_number_count, SQLITE_SHAPE_SENDER_ONE, SQLITE_SHAPE_SENDER_MANY) |
         set_bits(q->receiver_number_count, SQLITE_SHAPE_RECEIVER_ONE, SQLITE_SHAPE_RECEIVER_MANY) |
         (q->has_created_after ? SQLITE_SHAPE_AFTER : 0u) |
         (q->has_created_before ? SQLITE_SHAPE_BEFORE : 0u) |
         (q->term_count > 0 ? SQLITE_SHAPE_TERMS : 0u) | (q->has_cursor ? SQLITE_SHAPE_CURSOR : 0u);
}

static void append_set(sqlite3_str *sql, unsigned int shape, unsigned int one, unsigned int many,
                       const char *column, int param) {
  if (shape & one)
    sqlite3_str_appendf(sql, " AND %s = ?%d", column, param);
  else if (shape & many)
    sqlite3_str_appendf(sql, " AND %s IN (SELECT value FROM json_each(?%d))", column, param);
}

char *msg__sqlite_search_sql(unsigned int shape) {
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendall(sql, "SELECT " SQLITE_MESSAGE_COLUMNS " FROM messages WHERE 1");
  append_set(sql, shape, SQLITE_SHAPE_ACCOUNT_ONE, SQLITE_SHAPE_ACCOUNT_MANY, "account_id",
             SQLITE_PARAM_ACCOUNTS);
  append_set(sql, shape, SQLITE_SHAPE_ID_ONE, SQLITE_SHAPE_ID_MANY, "message_id", SQLITE_PARAM_IDS);
  append_set(sql, shape, SQLITE_SHAPE_SENDER_ONE, SQLITE_SHAPE_SENDER_MANY, "sender_number",
             SQLITE_PARAM_SENDERS);
  append_set(sql, shape, SQLITE_SHAPE_RECEIVER_ONE, SQLITE_SHAPE_RECEIVER_MANY, "receiver_number",
             SQLITE_PARAM_RECEIVERS);
  if (shape & SQLITE_SHAPE_AFTER)
    sqlite3_str_appendf(sql, " AND created_at > ?%d", SQLITE_PARAM_AFTER);
  if (shape & SQLITE_SHAPE_BEFORE)
    sqlite3_str_appendf(sql, " AND created_at < ?%d", SQLITE_PARAM_BEFORE);
  if (shape & SQLITE_SHAPE_TERMS)
    sqlite3_str_appendf(sql,
                        " AND seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?%d)",
                        SQLITE_PARAM_TERMS);
  if (shape & SQLITE_SHAPE_CURSOR)
    sqlite3_str_appendf(sql, " AND (created_at, message_id) < (?%d, ?%d)", SQLITE_PARAM_CURSOR_TIME,
                        SQLITE_PARAM_CURSOR_ID);
  sqlite3_str_appendf(sql, " ORDER BY created_at DESC, message_id DESC LIMIT ?%d",
                      SQLITE_PARAM_LIMIT);
  return sqlite3_str_finish(sql);
}
