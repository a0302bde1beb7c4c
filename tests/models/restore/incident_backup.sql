CREATE TABLE accounts (id bigserial PRIMARY KEY, username text NOT NULL, domain text, display_name text, uri text,
  moved_to_account_id bigint REFERENCES accounts ON DELETE SET NULL, created_at timestamptz NOT NULL DEFAULT '2024-01-01');
CREATE UNIQUE INDEX index_accounts_on_username_and_domain_lower ON accounts (lower(username), coalesce(lower(domain), ''));
CREATE TABLE users (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  email text NOT NULL UNIQUE, locale text);
CREATE UNIQUE INDEX index_users_on_account_id ON users (account_id);
CREATE TABLE identities (id bigserial PRIMARY KEY, user_id bigint REFERENCES users ON DELETE CASCADE, provider text, uid text);
CREATE TABLE web_settings (id bigserial PRIMARY KEY, user_id bigint NOT NULL UNIQUE REFERENCES users ON DELETE CASCADE, data json);
CREATE TABLE statuses (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE, text text NOT NULL,
  in_reply_to_id bigint REFERENCES statuses ON DELETE SET NULL, reblog_of_id bigint REFERENCES statuses ON DELETE CASCADE);
CREATE TABLE follows (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  target_account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE);
CREATE UNIQUE INDEX index_follows_on_account_id_and_target_account_id ON follows (account_id, target_account_id);
CREATE TABLE account_stats (id bigserial PRIMARY KEY, account_id bigint NOT NULL UNIQUE REFERENCES accounts ON DELETE CASCADE,
  statuses_count bigint NOT NULL DEFAULT 0, followers_count bigint NOT NULL DEFAULT 0);

-- 1, 2, 10 ordinary; 3..8 local accounts without uri (the merge victims); 9 the remote merge target.
INSERT INTO accounts (id, username, domain, display_name, uri) VALUES
  (1, 'alice', NULL, 'Alice', 'https://l/u/alice'), (2, 'bob', NULL, 'Bob', 'https://l/u/bob'),
  (3, 'o''brien', NULL, E'Tab\there, back\\slash', NULL), (4, 'dora', NULL, E'Line\nbreak', NULL),
  (5, 'eve_ée', NULL, 'Eve', NULL), (6, 'frank', NULL, 'Frank', NULL), (7, 'grace', NULL, 'Grace', NULL),
  (8, 'heidi', NULL, '\N literal', NULL), (9, 'merged', 'remote.example', 'Remote', 'https://remote.example/u/m'),
  (10, 'ivan', NULL, 'Ivan', 'https://l/u/ivan');
SELECT setval('accounts_id_seq', 10);
INSERT INTO users (id, account_id, email, locale) SELECT a.id, a.id, a.username || '@mail.example', 'en' FROM accounts a WHERE a.id <> 9;
SELECT setval('users_id_seq', 10);
INSERT INTO identities (user_id, provider, uid) SELECT u.id, 'saml', 'uid-' || u.id FROM users u WHERE u.id IN (3, 4, 7);
INSERT INTO web_settings (user_id, data) SELECT u.id, '{"theme":"dark"}' FROM users u;
INSERT INTO statuses (id, account_id, text) SELECT g, 1 + (g % 10), 'status ' || g FROM generate_series(1, 60) g;
UPDATE statuses SET in_reply_to_id = id - 10 WHERE id > 40;
-- victim 5 reblogged status 11 (alice's, deleted on purpose later); victim 6 replied to status 20 (alice's, deleted later)
INSERT INTO statuses (id, account_id, text, reblog_of_id) VALUES (61, 5, '', 11);
INSERT INTO statuses (id, account_id, text, in_reply_to_id) VALUES (62, 6, 'reply to alice', 20);
SELECT setval('statuses_id_seq', 62);
INSERT INTO follows (account_id, target_account_id) SELECT a.id, b.id FROM accounts a, accounts b
  WHERE a.id <> b.id AND (a.id + b.id) % 3 = 0;
INSERT INTO account_stats (account_id, statuses_count, followers_count)
  SELECT a.id, (SELECT count(*) FROM statuses s WHERE s.account_id = a.id), (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id) FROM accounts a;
