-- Salvage restore script: BACKUP backup -> LIVE live
-- root: accounts WHERE id BETWEEN 3 AND 8
-- Run it with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (one transaction; any error rolls everything back).
-- Statements: 5; rows to write: 38; collisions: 0; not restored: 0; deleted since the backup: 0
-- warning: public.account_stats looks like derived data
BEGIN;
SET LOCAL lock_timeout = '10s';
SELECT pg_catalog.set_config('search_path', pg_catalog.concat_ws(', ', 'pg_catalog', NULLIF(NULLIF(pg_catalog.current_setting('search_path'), ''), '""')), true);
SET LOCAL TimeZone = 'UTC';
SET LOCAL DateStyle = 'ISO, YMD';
SET LOCAL IntervalStyle = 'iso_8601';
SET LOCAL extra_float_digits = 3;
SET LOCAL bytea_output = 'hex';

-- staging: 2 backup rows of public.accounts
CREATE TEMP TABLE "_salvage_s_1" ("id" bigint, "user name" text, "_salvage_action" text, "_salvage_live" bigint) ON COMMIT DROP;
COPY "_salvage_s_1" ("id", "user name", "_salvage_action", "_salvage_live") FROM STDIN;
3	o'brien\ttab	insert	\N
7	grace	recreate	20
\.
CREATE INDEX ON "_salvage_s_1" ("_salvage_action");
ANALYZE "_salvage_s_1";

-- public.accounts: check that LIVE still holds what the plan saw
DO $$
DECLARE
  changed text;
BEGIN
  SELECT string_agg(k, '; ') INTO changed FROM (SELECT concat_ws(',', s."id"::text) AS k FROM "_salvage_s_1" s
    WHERE (s."_salvage_action" = 'repoint' AND NOT EXISTS (SELECT 1 FROM "public"."accounts" t WHERE t."id" = s."id" AND md5(ROW(t."id", t."user name")::text) = s."_salvage_seen"))
       OR (s."_salvage_action" = 'insert' AND EXISTS (SELECT 1 FROM "public"."accounts" t WHERE t."id" = s."id"))
       OR (s."_salvage_action" = 'recreate' AND NOT EXISTS (SELECT 1 FROM "public"."accounts" t WHERE t."id" = s."_salvage_live" AND md5(ROW(t."id", t."user name")::text) = s."_salvage_seen"))
    ORDER BY 1 LIMIT 20) x;
  IF changed IS NOT NULL THEN
    RAISE EXCEPTION 'LIVE changed since the plan was made: % (backup keys %) no longer hold what the plan saw, nothing was written; plan again', 'public.accounts', changed;
  END IF;
END $$;

-- public.accounts: give 1 recreated rows their original id
-- expected rows: 1
WITH "_salvage_c1" AS (UPDATE "public"."statuses" c SET "account_id" = s."id" FROM "_salvage_s_1" s WHERE s."_salvage_action" = 'recreate' AND c."account_id" = s."_salvage_live" RETURNING 1)
UPDATE "public"."accounts" t SET "id" = s."id", "user name" = s."user name"
FROM "_salvage_s_1" s WHERE s."_salvage_action" = 'recreate' AND t."id" = s."_salvage_live";

-- public.accounts: insert 1 rows missing from live
-- expected rows: 1
INSERT INTO "public"."accounts" ("id", "user name") OVERRIDING SYSTEM VALUE
SELECT s."id", NULL FROM "_salvage_s_1" s WHERE s."_salvage_action" = 'insert' ORDER BY s."id"
ON CONFLICT DO NOTHING;

-- public.statuses: put account_id back
-- expected rows: 36
UPDATE "public"."statuses" t SET "account_id" = s."account_id"
FROM "_salvage_s_2" s WHERE s."_salvage_action" IN ('insert', 'recreate', 'repoint') AND t."id" = s."id"
  AND (t."account_id") IS DISTINCT FROM (s."account_id") AND s."account_id" IS NOT NULL
  AND EXISTS (SELECT 1 FROM "public"."accounts" p WHERE p."id" = s."account_id");

-- public.accounts: advance sequence
-- expected rows: 0
SELECT setval('"public"."accounts_id_seq"', x.m) FROM (SELECT max("id") AS m FROM "public"."accounts") x, "public"."accounts_id_seq" q WHERE x.m > q.last_value;

COMMIT;
