-- pgbench: the PostgreSQL backend's search by one sender number (newest
-- first, the page plus one row) for the page bench/http/search.lua requests.
\set account random(1, :accounts)
SELECT message_id, account_id, sender_number, receiver_number, body, created_at FROM messages WHERE true AND sender_number = ('+1' || (2010000000 + :account))::text ORDER BY created_at DESC, message_id DESC LIMIT 51;
