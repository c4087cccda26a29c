-- pgbench: the PostgreSQL backend's list statement (one account, newest
-- first, the page plus one row) for the page bench/http/list.lua requests.
\set account random(1, :accounts)
SELECT message_id, account_id, sender_number, receiver_number, body, created_at FROM messages WHERE true AND account_id = :account::bigint ORDER BY created_at DESC, message_id DESC LIMIT 51;
