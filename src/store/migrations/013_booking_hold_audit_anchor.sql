-- 013: a public booking is held until the citizen types the code sent by SMS; limits on
-- guessing; the audit chain's row format; a unit's choice of SMS without diacritics.
-- Portable subset as in 001.

-- Bookings get two more states, so the table is rebuilt (a CHECK cannot be altered in SQLite):
--   held     a place kept for hold_until while the citizen types the SMS code (confirm_hash);
--   expired  a hold not confirmed in time, or after too many wrong codes: the place is free.
-- confirm_fails and cancel_fails count wrong codes and wrong phones (limits in booking.h).
CREATE TABLE bookings_v2 (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    day INTEGER NOT NULL,
    slot_start INTEGER NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes > 0),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    citizen_id TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'booked'
        CHECK (status IN ('held', 'booked', 'served', 'no_show', 'cancelled', 'expired')),
    dossier_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    hold_until INTEGER NOT NULL DEFAULT 0,          -- Unix seconds; only for 'held'
    confirm_hash TEXT NOT NULL DEFAULT '',          -- hex hash of the SMS code; '' once confirmed
    confirm_fails INTEGER NOT NULL DEFAULT 0,
    cancel_fails INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO bookings_v2 (id, code, unit_id, procedure_id, day, slot_start, slot_minutes, name, phone, citizen_id,
                         status, dossier_id, created_at, updated_at)
    SELECT id, code, unit_id, procedure_id, day, slot_start, slot_minutes, name, phone, citizen_id, status,
           dossier_id, created_at, updated_at FROM bookings;
DROP TABLE bookings;
ALTER TABLE bookings_v2 RENAME TO bookings;
CREATE INDEX bookings_unit_day ON bookings(unit_id, day, slot_start);
CREATE INDEX bookings_phone ON bookings(phone, unit_id, slot_start);
CREATE INDEX bookings_held ON bookings(hold_until) WHERE status = 'held';
-- one phone, one place per slot (cancelled and expired bookings free it)
CREATE UNIQUE INDEX bookings_slot_phone ON bookings(unit_id, slot_start, phone)
    WHERE status IN ('held', 'booked', 'served', 'no_show');

-- The audit chain's hashing: 1 for the rows written before this migration (a NULL user or
-- unit hashed like 0), 2 from now on (NULL apart from 0, text fields length-prefixed). A
-- row's format is part of its own hash, and may never go down along the chain.
ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1;

-- Per unit: SMS (and Zalo) texts sent without diacritics, as GSM-7 (160 characters a part
-- instead of 70). A unit without a row inherits its nearest ancestor's choice; none: off.
CREATE TABLE notify_unit_settings (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id),
    sms_plain INTEGER NOT NULL DEFAULT 0 CHECK (sms_plain IN (0, 1)),
    updated_at INTEGER NOT NULL
) STRICT;
