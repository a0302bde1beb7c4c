-- Weeks of ordinary use between the backup (T0) and the incident, on LIVE only. Nothing here is
-- the incident's doing: a correct restore keeps every one of these changes.

-- Edits of foreign keys (rule 1: kept, never "put back").
UPDATE app.documents SET team_id = 2 WHERE id = 100;                   -- document moved to another team
INSERT INTO app.revisions (document_id, revno, author_id, body) VALUES (101, 2, 11, 'notes v2'); -- created by a victim
UPDATE app.documents SET current_revno = 2, revisions_count = 2, title = 'Notes (final)', status = 'published'
  WHERE id = 101;                                                      -- "current version" pointer advanced
UPDATE app.revisions SET body = 'spec v2 (fixed)' WHERE (document_id, revno) = (103, 2); -- edited, later re-pointed
UPDATE app.tags SET name = 'reviewed' WHERE id = 705;                  -- edited, later re-pointed
UPDATE app.memberships SET role = 'editor' WHERE (team_id, user_id) = (2, 11); -- edited, later re-keyed (rule 3)
UPDATE app.stars SET notify = true WHERE (user_id, target_user_id) = (11, 1);   -- edited, later re-keyed (rule 3)

-- Deletions by owners.
-- Parents all still exist (2a): bob drops his revision of vic's plan, alice a tag, carol a watch.
DELETE FROM app.revisions WHERE (document_id, revno) = (100, 2);
UPDATE app.documents SET revisions_count = 1 WHERE id = 100;
DELETE FROM app.tags WHERE id = 703;
DELETE FROM app.document_watchers WHERE (document_id, user_id) = (100, 3);
UPDATE app.documents SET watchers_count = 1 WHERE id = 100;
-- A child removed while its parent stays: bob drops vic's suggestion on his draft (2d).
DELETE FROM app.revisions WHERE (document_id, revno) = (106, 2);
UPDATE app.documents SET revisions_count = 1 WHERE id = 106;
-- Victims delete their own rows (2d): a document with everything on it, a tag, a comment (its reply
-- 503 keeps living with reply_to emptied by ON DELETE SET NULL), a membership, a star, a watch.
UPDATE app.documents SET current_revno = NULL WHERE id = 102;
DELETE FROM app.revisions WHERE document_id = 102;
DELETE FROM app.tags WHERE document_id = 102;
DELETE FROM app.document_watchers WHERE document_id = 102;
DELETE FROM app.documents WHERE id = 102;
DELETE FROM app.tags WHERE id = 704;
DELETE FROM app.comments WHERE id = 502;
DELETE FROM app.memberships WHERE (team_id, user_id) = (4, 11);
DELETE FROM app.stars WHERE (user_id, target_user_id) = (12, 2);
DELETE FROM app.document_watchers WHERE (document_id, user_id) = (103, 12);
UPDATE app.documents SET watchers_count = 0 WHERE id = 103;

-- Creations: a new user, and rows made by a victim after the backup (the merge moves them to tom;
-- nothing in the backup says otherwise, so they stay tom's).
INSERT INTO app.users (id, handle, name) VALUES (13, 'nina', 'Nina');
INSERT INTO app.user_emails (id, user_id, email) VALUES (806, 13, 'nina@example.org');
INSERT INTO app.memberships (team_id, user_id, role) VALUES (3, 13, 'reader');
INSERT INTO app.documents (id, owner_id, team_id, title, status) VALUES (105, 11, 1, 'New idea', 'draft');
INSERT INTO app.audit_log (user_id, event, at) VALUES (13, 'signup', '2026-02-01 08:00'),
  (11, 'login', '2026-02-02 10:00'); -- vic's, after the backup: the merge deletes it, no backup can bring it back
SELECT setval(pg_get_serial_sequence('app.users', 'id'), 13);
SELECT setval(pg_get_serial_sequence('app.documents', 'id'), 106);
SELECT setval(pg_get_serial_sequence('app.user_emails', 'id'), 806);
