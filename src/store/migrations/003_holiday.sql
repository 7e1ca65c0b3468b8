-- 003: the working-day calendar's own data (src/holiday): the days administrators add or
-- import on top of the built-in rules and published schedules (data/calendar), the years
-- whose whole schedule was imported, and each unit's cut-off hour and Saturday counting.
-- Portable subset as in 001 (integers, 0/1 booleans with CHECK, dates as 'YYYY-MM-DD').

-- One day off or one (make-up) working day. A row overrides the computed rules of its year,
-- or, in an imported year, is one line of that year's schedule.
CREATE TABLE calendar_days (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL UNIQUE,              -- 'YYYY-MM-DD', the local (UTC+7) day
    year INTEGER NOT NULL,                 -- the day's year, for the year's page and import
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    reason TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',       -- 'admin' or the imported file's name
    created_by INTEGER REFERENCES users(id),   -- NULL for the command line
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX calendar_days_year ON calendar_days(year, day);

-- A year whose published schedule was imported: its days off are exactly its rows plus
-- weekends (the built-in schedule and the rules no longer apply to it).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    imported_by INTEGER REFERENCES users(id),
    imported_at INTEGER NOT NULL
) STRICT;

-- Bumped by every change above, in the same transaction, so that a cached calendar knows
-- it is stale (holiday.c) even when the change came from another process.
CREATE TABLE calendar_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO calendar_state (id, version) VALUES (1, 0);

-- Receipt after the cut-off counts from the next working day (issue 4: default 15:00);
-- saturday_counts: the unit counts its Saturday-service mornings as working days for
-- deadlines (only where saturday_service is 1).
ALTER TABLE units ADD COLUMN cutoff_minutes INTEGER NOT NULL DEFAULT 900 CHECK (cutoff_minutes BETWEEN 0 AND 1439);
ALTER TABLE units ADD COLUMN saturday_counts INTEGER NOT NULL DEFAULT 0 CHECK (saturday_counts IN (0, 1));
