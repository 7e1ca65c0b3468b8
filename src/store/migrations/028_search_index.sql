-- 028: a name search over a province's dossier list (/ho-so?don_vi=<province>&q=<a name>,
-- src/dossier/dossier_view.c dossier_list) matches applicant_key, code and the phone and ID
-- numbers with LIKE '%...%', which no index can seek: SQLite walked dossiers_unit_status unit by
-- unit and read every dossier's row from the table to test it, once for the page's ids and once
-- for the count. A covering index of what the search reads (the unit, the order of the list and
-- the searched columns) lets both read this index alone. Measured on 150 communes and 750,000
-- dossiers (bench/province.sh's database): the count 1.7 s -> 0.19 s, the page's ids
-- 1.4 s -> 0.18 s; the index takes about 50 MiB.
CREATE INDEX dossiers_search ON dossiers(unit_id, received_at, applicant_key, code, applicant_phone,
    applicant_id_number);
