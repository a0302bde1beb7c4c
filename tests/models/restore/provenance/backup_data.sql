-- State T0: what the backup holds. Users 11 (vic) and 12 (val) are the incident's victims, merged
-- into user 10 (tom) in incident.sql. Comments in life.sql and incident.sql say what happens to
-- each interesting row and what the correct restore outcome is.
INSERT INTO app.users (id, handle, name) VALUES
  (1, 'alice', 'Alice'), (2, 'bob', 'Bob'), (3, 'carol', 'Carol'),
  (10, 'tom', 'Tom (merge target)'), (11, 'vic', 'Vic (victim)'), (12, 'val', 'Val (victim)');
INSERT INTO app.teams (id, name) VALUES (1, 'core'), (2, 'docs'), (3, 'ops'), (4, 'design');
INSERT INTO app.memberships (team_id, user_id, role) VALUES
  (1, 1, 'admin'), (1, 2, 'reader'), (1, 10, 'editor'),
  (1, 11, 'editor'),  -- merge skips it (tom already in team 1: PK duplicate) -> restored (2c)
  (2, 11, 'reader'),  -- life makes it editor, the merge re-keys it to (2, 10) -> back as (2, 11, editor) (3)
  (2, 12, 'editor'),  -- merge skips it: (2, 10) is vic's moved row by then -> restored (2c)
  (3, 12, 'admin'),   -- re-keyed to (3, 10) -> re-keyed back (1, key holding the moved column)
  (4, 11, 'reader');  -- vic leaves team 4 in life -> stays deleted (2d)

INSERT INTO app.documents (id, owner_id, team_id, title, status, revisions_count, watchers_count) VALUES
  (100, 11, 1, 'Q3 plan', 'published', 2, 2), -- life moves it to team 2; merge re-points owner -> owner 11, team 2 (1)
  (101, 11, 1, 'Notes', 'draft', 1, 0),       -- life: retitled, published, revision 2 made current -> owner 11, LIVE's values (1)
  (102, 11, 2, 'Scrap', 'draft', 1, 1),       -- vic deletes it in life -> stays deleted (2d)
  (103, 12, 3, 'Spec', 'published', 2, 1),    -- merge re-points owner -> owner 12 (1)
  (104, 1, 1, 'Handbook', 'published', 3, 3), -- alice's; untouched by life
  (106, 2, 2, 'Bob draft', 'draft', 2, 0);    -- bob's; life deletes vic's revision on it
INSERT INTO app.revisions (document_id, revno, author_id, body) VALUES
  (100, 1, 11, 'plan v1'),       -- author re-pointed -> put back to 11 (1)
  (100, 2, 2, 'bob''s edit'),    -- bob deletes it in life, its parents all still exist -> stays deleted (2a)
  (101, 1, 11, 'notes v1'),      -- author re-pointed -> put back (1)
  (102, 1, 11, 'scrap v1'),      -- goes with document 102 in life -> stays deleted (2d)
  (103, 1, 12, 'spec v1'),       -- author re-pointed -> put back (1)
  (103, 2, 12, 'spec v2'),       -- life fixes the body, merge re-points -> author 12, LIVE's body (1)
  (104, 1, 1, 'handbook'),
  (104, 2, 11, 'vic''s section'), -- author re-pointed -> put back (1)
  (104, 3, 12, 'val''s section'), -- author re-pointed -> put back (1)
  (106, 1, 2, 'bob draft v1'),
  (106, 2, 11, 'vic''s suggestion'); -- bob deletes it in life (child gone, parent document stays) -> stays deleted (2d)
UPDATE app.documents SET current_revno = 1 WHERE id IN (100, 101, 102, 104, 106);
UPDATE app.documents SET current_revno = 2 WHERE id = 103;

INSERT INTO app.comments (id, document_id, author_id, reply_to, body) VALUES
  (500, 104, 11, NULL, 'vic asks'),        -- author re-pointed -> put back (1)
  (501, 104, 2, 500, 'bob answers'),       -- unchanged
  (502, 104, 11, NULL, 'vic aside'),       -- vic deletes it in life -> stays deleted (2d)
  (503, 104, 3, 502, 'carol on the aside'),-- reply_to emptied by ON DELETE SET NULL in life -> stays NULL (1: life's edit)
  (504, 100, 3, NULL, 'carol on the plan');-- unchanged
INSERT INTO app.tags (id, document_id, user_id, name) VALUES
  (700, 104, 11, 'Urgent'),   -- merge skips it: tom has 'urgent' on 104 (app-level uniqueness, case-insensitive) -> restored (2c)
  (701, 104, 10, 'urgent'),
  (702, 103, 12, 'spec'),     -- user re-pointed -> put back (1)
  (703, 100, 1, 'q3'),        -- alice removes it in life, parents exist -> stays deleted (2a)
  (704, 100, 11, 'mine'),     -- vic removes it in life -> stays deleted (2d)
  (705, 106, 12, 'review'),   -- life renames it 'reviewed', merge re-points -> user 12, name 'reviewed' (1)
  (706, 102, 11, 'scrap');    -- goes with document 102 in life -> stays deleted (2d)
INSERT INTO app.stars (user_id, target_user_id, notify) VALUES
  (1, 2, true),
  (3, 10, true),
  (11, 1, false),   -- life turns notify on, merge re-keys it to (10, 1) -> back as (11, 1, true) (3)
  (11, 10, false),  -- would become (10, 10): self-star, merge skips it -> restored (2c, declared rule)
  (10, 12, true),   -- would become (10, 10): self-star, merge skips it -> restored (2c, declared rule)
  (2, 11, false),   -- re-keyed to (2, 10) -> re-keyed back (1)
  (3, 11, false),   -- would duplicate (3, 10): merge skips it -> restored (2c, PK duplicate)
  (12, 2, false),   -- val unstars bob in life -> stays deleted (2d)
  (11, 12, false);  -- victim to victim: skipped by the merge -> restored (2c)
INSERT INTO app.user_emails (id, user_id, email) VALUES
  (800, 11, 'vic@example.org'),   -- deleted with vic (not re-pointed) -> restored (2b)
  (801, 12, 'val@example.org'),   -- deleted with val, then taken by a re-registration -> not restored, a finding on user 12 (5)
  (802, 12, 'val@work.example'),  -- deleted with val -> restored (2b)
  (803, 10, 'tom@example.org'),
  (804, 1, 'alice@example.org');
-- Deleting e-mail 802 with val empties document 103's contact (SET NULL): 802 is a row the plan
-- restores, so the contact is put back to 802 (1: backup value is a restored row).
UPDATE app.documents SET contact_email_id = 802 WHERE id = 103;
UPDATE app.documents SET contact_email_id = 804 WHERE id = 104;
INSERT INTO app.user_settings (user_id, name, value) VALUES
  (11, 'theme', 'dark'), (11, 'lang', 'fr'), -- deleted with vic -> restored (2b, composite key)
  (12, 'theme', 'light'),                    -- deleted with val -> restored (2b, composite key)
  (1, 'theme', 'light');
INSERT INTO app.document_watchers (document_id, user_id) VALUES
  (100, 11),  -- re-pointed to (100, 10) -> put back (1, no primary key)
  (100, 3),   -- carol unwatches in life, parents exist -> stays deleted (2a, no primary key)
  (102, 11),  -- goes with document 102 in life -> stays deleted
  (103, 12),  -- val unwatches in life -> stays deleted (2d, no primary key)
  (104, 1), (104, 10),
  (104, 11);  -- merge skips it: tom already watches 104 (app-level uniqueness) -> restored (2c, no primary key)
INSERT INTO app.audit_log (user_id, event, at) VALUES
  (1, 'login', '2026-01-01 09:00'),
  (11, 'login', '2026-01-01 10:00'), (11, 'login', '2026-01-02 10:00'), -- deleted with vic -> restored (2b, no key)
  (12, 'export', '2026-01-03 09:00'), (12, 'export', '2026-01-03 09:00'); -- two identical rows, both restored (2b)
SELECT setval(pg_get_serial_sequence('app.users', 'id'), 12);
SELECT setval(pg_get_serial_sequence('app.documents', 'id'), 106);
SELECT setval(pg_get_serial_sequence('app.comments', 'id'), 504);
SELECT setval(pg_get_serial_sequence('app.tags', 'id'), 706);
SELECT setval(pg_get_serial_sequence('app.user_emails', 'id'), 804);
