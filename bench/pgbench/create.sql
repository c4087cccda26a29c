-- pgbench: the PostgreSQL backend's INSERT (libmsg/backends/postgres/pg_insert.c)
-- for the message bench/http/create.lua posts. The id is built like a UUIDv7
-- (time first) so that the primary key sees the same insert pattern.
\set account random(1, :accounts)
\set code random(0, 999999)
\set receiver random(0, 999999999)
INSERT INTO messages (message_id, account_id, sender_number, receiver_number, body, created_at, idempotency_key, search_tsv) VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid, :account::bigint, ('+1' || (2010000000 + :account))::text, ('+447' || lpad(:receiver::text, 9, '0'))::text, ('Your verification code is ' || lpad(:code::text, 6, '0') || '. It expires in 10 minutes.')::text, clock_timestamp(), NULL::text, array_to_tsvector(array_remove(string_to_array('your verification code is ' || lpad(:code::text, 6, '0') || ' it expires in 10 minutes', ' '), ''))) ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING message_id;
