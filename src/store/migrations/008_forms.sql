-- 008: the one-stop forms (src/dossier/forms.c). Portable subset as in 001.

-- The desk's own telephone, printed on the supplement request ("liên hệ với … số điện thoại
-- …") and set by the administrator with the unit; '' = the unit's general number.
ALTER TABLE units ADD COLUMN desk_phone TEXT NOT NULL DEFAULT '';

-- The stop notice (Thông báo dừng giải quyết hồ sơ, Mẫu 05 of TT 03/2025/TT-VPCP) is a printed
-- notice like the others: it keeps its number and reason so it prints again as issued. A CHECK
-- cannot be altered in place in SQLite, so the table is rebuilt with its rows and ids (the
-- letters refer to apology notices by id; no foreign key points at the table).
CREATE TABLE dossier_notices_new (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    kind TEXT NOT NULL CHECK (kind IN ('supplement', 'refusal', 'apology', 'stop')),
    number INTEGER NOT NULL,               -- per unit, year and kind
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    reason TEXT NOT NULL,
    papers TEXT NOT NULL DEFAULT '[]',     -- supplement: JSON list of papers to add
    old_due_at INTEGER,
    new_due_at INTEGER
) STRICT;
INSERT INTO dossier_notices_new (id, dossier_id, kind, number, at, user_id, reason, papers, old_due_at, new_due_at)
    SELECT id, dossier_id, kind, number, at, user_id, reason, papers, old_due_at, new_due_at FROM dossier_notices;
DROP TABLE dossier_notices;
ALTER TABLE dossier_notices_new RENAME TO dossier_notices;
CREATE INDEX dossier_notices_dossier ON dossier_notices(dossier_id, kind);
