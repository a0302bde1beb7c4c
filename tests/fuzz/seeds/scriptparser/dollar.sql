DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$;
SELECT $a$ $b$ ; $b$ $a$;
