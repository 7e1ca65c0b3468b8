-- 001: units, hamlets, leaders, users, sessions, audit log, procedure catalogue.
-- Portable subset (SQLite 3.40 / PostgreSQL 15): integer ids, Unix seconds, 0/1 booleans
-- with CHECK, money in đồng. SQLite's STRICT tables know only INTEGER, so a PostgreSQL
-- migration set writes BIGINT/SMALLINT where this one writes INTEGER and drops STRICT.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,             -- official administrative code (mã đơn vị hành chính)
    kind TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'department')),
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES units(id),
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    desk_name TEXT NOT NULL DEFAULT '',    -- "Trung tâm Phục vụ hành chính công" or "Bộ phận Một cửa"
    desk_hours TEXT NOT NULL DEFAULT '',
    saturday_service INTEGER NOT NULL DEFAULT 0 CHECK (saturday_service IN (0, 1)),
    saturday_hours TEXT NOT NULL DEFAULT '',
    reception_place TEXT NOT NULL DEFAULT '',
    reception_hours TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE unit_leaders (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX unit_leaders_unit ON unit_leaders(unit_id, sort);

CREATE TABLE hamlets (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    households INTEGER CHECK (households >= 0),
    voters INTEGER CHECK (voters >= 0),
    UNIQUE (unit_id, name)
) STRICT;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'specialist', 'leader', 'board', 'assessor', 'admin')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,           -- hex SHA-256 of the cookie value
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    user_id INTEGER,                        -- NULL for the command line
    unit_id INTEGER,
    action TEXT NOT NULL,                  -- e.g. procedure.create
    entity TEXT NOT NULL,
    entity_id INTEGER,
    detail TEXT NOT NULL,                  -- JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),   -- who publishes it; descendants offer it
    code TEXT NOT NULL DEFAULT '',         -- national TTHC code, e.g. 1.001193
    name TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',        -- lĩnh vực
    search_key TEXT NOT NULL,              -- folded name, code and field (text_fold)
    days INTEGER CHECK (days >= 0),        -- working days; 0 = same day; NULL = not stated
    time_text TEXT NOT NULL DEFAULT '',
    fee INTEGER CHECK (fee >= 0),           -- đồng; NULL = varies or not stated
    fee_text TEXT NOT NULL DEFAULT '',
    papers TEXT NOT NULL DEFAULT '',       -- one paper a line
    submit_where TEXT NOT NULL DEFAULT '',
    online_level TEXT NOT NULL DEFAULT '' CHECK (online_level IN ('', 'none', 'partial', 'full')),
    legal_basis TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX procedures_unit ON procedures(unit_id, field, name);
CREATE UNIQUE INDEX procedures_unit_code ON procedures(unit_id, code) WHERE code <> '';
