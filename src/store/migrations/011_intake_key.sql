-- 011: the intake form's idempotency key (src/dossier/dossier_web.c). Each intake form
-- carries a random key; a POST repeated with the same key (the answer was lost: a server
-- restart, a dropped connection, a double click) answers the dossier already made, never a
-- second one. dossier_id is NULL while the first POST is still saving it.
CREATE TABLE intake_keys (
    intake_key TEXT PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    dossier_id INTEGER REFERENCES dossiers(id),
    created_at BIGINT NOT NULL
);

-- /healthz proves the database takes a write (a full disk answers 507 there, not "ok"):
-- one row, its time rewritten at most every few seconds.
CREATE TABLE health_checks (
    id INTEGER PRIMARY KEY,
    checked_at BIGINT NOT NULL
);
