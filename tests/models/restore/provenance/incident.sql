-- The incident: an account-merge worker folds users 11 (vic) and 12 (val) into user 10 (tom), one
-- victim after the other, the way an application's merge job would: re-point what can move, skip
-- what would break a primary key, a unique key, the uniqueness the application checks in code
-- (tags per (document_id, user_id, lower(name)), one watch per (document_id, user_id)) or the rule
-- it checks in code (no self-star); then delete what stayed behind and the victim. Counter caches
-- are reset as the application's callbacks would.
DO $merge$
DECLARE
  victim integer;
  target constant integer := 10;
BEGIN
  FOREACH victim IN ARRAY ARRAY[11, 12] LOOP
    UPDATE app.memberships m SET user_id = target WHERE m.user_id = victim
      AND NOT EXISTS (SELECT 1 FROM app.memberships o WHERE o.team_id = m.team_id AND o.user_id = target);
    UPDATE app.documents SET owner_id = target WHERE owner_id = victim;
    UPDATE app.revisions SET author_id = target WHERE author_id = victim;
    UPDATE app.comments SET author_id = target WHERE author_id = victim;
    UPDATE app.tags t SET user_id = target WHERE t.user_id = victim
      AND NOT EXISTS (SELECT 1 FROM app.tags o WHERE o.document_id = t.document_id AND o.user_id = target
                        AND lower(o.name) = lower(t.name));
    UPDATE app.document_watchers w SET user_id = target WHERE w.user_id = victim
      AND NOT EXISTS (SELECT 1 FROM app.document_watchers o WHERE o.document_id = w.document_id AND o.user_id = target);
    UPDATE app.stars s SET user_id = target WHERE s.user_id = victim AND s.target_user_id <> target
      AND NOT EXISTS (SELECT 1 FROM app.stars o WHERE o.user_id = target AND o.target_user_id = s.target_user_id);
    UPDATE app.stars s SET target_user_id = target WHERE s.target_user_id = victim AND s.user_id <> target
      AND NOT EXISTS (SELECT 1 FROM app.stars o WHERE o.user_id = s.user_id AND o.target_user_id = target);
    -- What could not move, and what is personal (e-mails, settings, the audit trail), goes with the victim.
    DELETE FROM app.memberships WHERE user_id = victim;
    DELETE FROM app.tags WHERE user_id = victim;
    DELETE FROM app.document_watchers WHERE user_id = victim;
    DELETE FROM app.stars WHERE user_id = victim OR target_user_id = victim;
    DELETE FROM app.user_emails WHERE user_id = victim;
    DELETE FROM app.user_settings WHERE user_id = victim;
    DELETE FROM app.audit_log WHERE user_id = victim;
    DELETE FROM app.users WHERE id = victim;
  END LOOP;
  UPDATE app.documents d SET watchers_count = (SELECT count(*) FROM app.document_watchers w WHERE w.document_id = d.id),
    revisions_count = (SELECT count(*) FROM app.revisions r WHERE r.document_id = d.id);
END
$merge$;

-- After the incident, before the restore: someone registers with val's freed e-mail address (rule 5:
-- restoring val's e-mail 801 would collide with it; the plan must say so on user 12, not leave an orphan).
INSERT INTO app.users (id, handle, name) VALUES (20, 'val2', 'Val again');
INSERT INTO app.user_emails (id, user_id, email) VALUES (805, 20, 'val@example.org');
SELECT setval(pg_get_serial_sequence('app.users', 'id'), 20);
