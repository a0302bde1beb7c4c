-- Activity after the backup.
INSERT INTO accounts (id, username, display_name, uri) VALUES (11, 'judy', 'Judy', 'https://l/u/judy');
INSERT INTO users (id, account_id, email) VALUES (11, 11, 'judy@mail.example');
INSERT INTO statuses (id, account_id, text) VALUES (100, 1, 'new by alice'), (101, 3, 'new by the victim o''brien'), (102, 11, 'judy');
UPDATE statuses SET text = 'edited after the backup' WHERE id = 4;   -- eve's (account 1 + 4 % 10 = 5)
DELETE FROM statuses WHERE id IN (11, 20);                           -- deleted on purpose; 61 cascades, 62 loses its reply link
INSERT INTO follows (account_id, target_account_id) VALUES (11, 1), (1, 11);
-- The merge incident: victims' rows re-pointed to account 9, conflicting follows deleted, victims deleted.
DELETE FROM follows f WHERE f.account_id BETWEEN 3 AND 8 AND (f.target_account_id = 9
  OR EXISTS (SELECT 1 FROM follows g WHERE g.account_id = 9 AND g.target_account_id = f.target_account_id)
  OR EXISTS (SELECT 1 FROM follows h WHERE h.account_id BETWEEN 3 AND 8 AND h.target_account_id = f.target_account_id AND h.id < f.id));
UPDATE follows SET account_id = 9 WHERE account_id BETWEEN 3 AND 8;
UPDATE statuses SET account_id = 9 WHERE account_id BETWEEN 3 AND 8;
DELETE FROM accounts WHERE id BETWEEN 3 AND 8;
-- Grace comes back: a new account with her name in other case, her old e-mail, a re-made follow and a post.
INSERT INTO accounts (id, username, display_name) VALUES (20, 'Grace', 'Grace again');
INSERT INTO users (id, account_id, email, locale) VALUES (20, 20, 'grace@mail.example', 'de');
INSERT INTO follows (account_id, target_account_id) VALUES (20, 2);
INSERT INTO statuses (id, account_id, text) VALUES (103, 20, 'grace is back');
SELECT setval('accounts_id_seq', 20);
