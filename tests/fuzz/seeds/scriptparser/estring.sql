SELECT E'it\'s;', e'\\';
SELECT 2;
