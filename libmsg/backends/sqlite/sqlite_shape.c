/*
 * The SQL text of a search, built from its shape alone (see the
 * SQLITE_SHAPE_* bits): which conditions are present, and whether each set
 * holds one value or several. Values are never part of the text; they are
 * bound to parameters numbered by meaning, so the same parameter number
 * always carries the same value whatever the shape. A set of several values
 * is bound as one JSON array and matched through json_each, which keeps the
 * text fixed whatever the set's size.
 *
 * A search with words comes in two forms (SQLITE_SHAPE_WALK). Without WALK
 * the word index drives: the filter columns are written as +column, which
 * keeps SQLite from driving with their indexes, so it reads the messages
 * holding the words by rowid and sorts them, a cost in proportion to how
 * many hold them. With WALK the filters' ordering index drives as in a
 * search without words (the words' rowid is written +seq for the same
 * reason), newest first, stopping at the limit, and each row is checked
 * against a set of rowids holding the words, built once per statement: a
 * cost in proportion to the rows walked, that is the page over the share of
 * rows holding the words, and to the sets. Rows are checked against the
 * words' rowids in a window (SQLITE_PARAM_WINDOW .. _END) where the walk is
 * expected to find its page; a row outside it, against the rowids below or
 * above it, each set built the first time the walk meets such a row. The
 * sets never hold a rowid twice, so a walk that leaves its window costs what
 * walking with the whole set would.
 */
#include "sqlite_backend.h"

/* `mark` is "+" to keep the column's index from driving, else "". */
static void append_set(sqlite3_str *sql, unsigned int shape, unsigned int one, unsigned int many,
                       const char *mark, const char *column, int param) {
  if (shape & one)
    sqlite3_str_appendf(sql, " AND %s%s = ?%d", mark, column, param);
  else if (shape & many)
    sqlite3_str_appendf(sql, " AND %s%s IN (SELECT value FROM json_each(?%d))", mark, column,
                        param);
}

static void append_terms(sqlite3_str *sql, unsigned int shape) {
  if (!(shape & SQLITE_SHAPE_WALK)) {
    sqlite3_str_appendf(sql,
                        " AND seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?%d)",
                        SQLITE_PARAM_TERMS);
    return;
  }
  sqlite3_str_appendf(sql,
                      " AND CASE WHEN seq < ?%d"
                      " THEN +seq IN (SELECT rowid FROM messages_fts"
                      " WHERE messages_fts MATCH ?%d AND rowid < ?%d)"
                      " WHEN seq > ?%d"
                      " THEN +seq IN (SELECT rowid FROM messages_fts"
                      " WHERE messages_fts MATCH ?%d AND rowid > ?%d)"
                      " ELSE +seq IN (SELECT rowid FROM messages_fts"
                      " WHERE messages_fts MATCH ?%d AND rowid >= ?%d AND rowid <= ?%d)"
                      " END",
                      SQLITE_PARAM_WINDOW, SQLITE_PARAM_TERMS, SQLITE_PARAM_WINDOW,
                      SQLITE_PARAM_WINDOW_END, SQLITE_PARAM_TERMS, SQLITE_PARAM_WINDOW_END,
                      SQLITE_PARAM_TERMS, SQLITE_PARAM_WINDOW, SQLITE_PARAM_WINDOW_END);
}

/* The helpers read only the time index and the word index: each costs a
 * seek and at most the bound it is given. */
static const char *const helper_sql[] = {
    [SQLITE_HELPER_BOUNDS] = "SELECT (SELECT max(seq) FROM messages),"
                             " (SELECT seq FROM messages WHERE created_at <= ?1"
                             " ORDER BY created_at DESC, message_id DESC LIMIT 1)",
    [SQLITE_HELPER_COUNT] = "SELECT count(*) FROM (SELECT 1 FROM messages_fts"
                            " WHERE messages_fts MATCH ?1 LIMIT ?2)",
    [SQLITE_HELPER_NEWEST] = "SELECT count(*), min(rowid) FROM (SELECT rowid FROM messages_fts"
                             " WHERE messages_fts MATCH ?1 AND rowid <= ?2"
                             " ORDER BY rowid DESC LIMIT ?3)",
};

char *msg__sqlite_search_sql(unsigned int shape) {
  if (shape & SQLITE_SHAPE_HELPER) {
    unsigned int which = shape & ~SQLITE_SHAPE_HELPER;
    if (which >= sizeof helper_sql / sizeof helper_sql[0])
      return NULL;
    return sqlite3_mprintf("%s", helper_sql[which]);
  }
  /* message_id keeps its index: a lookup by id reads at most a few rows,
   * cheaper than any set of words. */
  const char *mark = (shape & SQLITE_SHAPE_TERMS) && !(shape & SQLITE_SHAPE_WALK) ? "+" : "";
  sqlite3_str *sql = sqlite3_str_new(NULL);
  sqlite3_str_appendall(sql, "SELECT " SQLITE_MESSAGE_COLUMNS " FROM messages WHERE 1");
  append_set(sql, shape, SQLITE_SHAPE_ACCOUNT_ONE, SQLITE_SHAPE_ACCOUNT_MANY, mark, "account_id",
             SQLITE_PARAM_ACCOUNTS);
  append_set(sql, shape, SQLITE_SHAPE_ID_ONE, SQLITE_SHAPE_ID_MANY, "", "message_id",
             SQLITE_PARAM_IDS);
  append_set(sql, shape, SQLITE_SHAPE_SENDER_ONE, SQLITE_SHAPE_SENDER_MANY, mark, "sender_number",
             SQLITE_PARAM_SENDERS);
  append_set(sql, shape, SQLITE_SHAPE_RECEIVER_ONE, SQLITE_SHAPE_RECEIVER_MANY, mark,
             "receiver_number", SQLITE_PARAM_RECEIVERS);
  if (shape & SQLITE_SHAPE_AFTER)
    sqlite3_str_appendf(sql, " AND %screated_at > ?%d", mark, SQLITE_PARAM_AFTER);
  if (shape & SQLITE_SHAPE_BEFORE)
    sqlite3_str_appendf(sql, " AND %screated_at < ?%d", mark, SQLITE_PARAM_BEFORE);
  if (shape & SQLITE_SHAPE_TERMS)
    append_terms(sql, shape);
  if (shape & SQLITE_SHAPE_CURSOR)
    sqlite3_str_appendf(sql, " AND (%screated_at, %smessage_id) < (?%d, ?%d)", mark, mark,
                        SQLITE_PARAM_CURSOR_TIME, SQLITE_PARAM_CURSOR_ID);
  sqlite3_str_appendf(sql, " ORDER BY created_at DESC, message_id DESC LIMIT ?%d",
                      SQLITE_PARAM_LIMIT);
  return sqlite3_str_finish(sql);
}
