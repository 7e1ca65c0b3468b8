-- 027: the citizen's lookup by code (src/dossier/dossier_view.c, dossier_track) is the most
-- frequent read there is. The unique index on code only leads to the row, and a dossier's row
-- holds its applicant, papers and notes (about 800 bytes, five to a page), so each lookup read
-- the index and then a table page of its own. This index carries what the public view shows,
-- so the lookup reads one index page and the steps' page. Measured on one million dossiers
-- (bench/ceiling.sh; the statement alone over 100,000 codes): 16.5 us to 13.8 us, and one page
-- read from the OS less per lookup. Written on intake and on each change of these columns.
CREATE INDEX dossiers_track ON dossiers(code, secret, unit_id, procedure_id, fee, return_method, procedure_name,
    status, received_at, due_at, done_at, apology_count);
