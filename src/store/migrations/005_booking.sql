-- 005: booking a time slot at the one-stop desk (src/booking).
-- Portable subset as in 001 (INTEGER here is BIGINT/SMALLINT in a PostgreSQL set). Times of
-- day are minutes since local midnight (450 = 07:30); instants are Unix seconds; a day is
-- the number of days since 1970-01-01 (core/calendar.h's cal_day).

-- A unit without a row here uses the defaults of booking.h (BOOKING_DEFAULTS), which are
-- the same as the column defaults below.
CREATE TABLE booking_settings (
    unit_id INTEGER PRIMARY KEY REFERENCES units(id),
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    slot_minutes INTEGER NOT NULL DEFAULT 30 CHECK (slot_minutes IN (10, 15, 20, 30, 45, 60)),
    capacity INTEGER NOT NULL DEFAULT 3 CHECK (capacity BETWEEN 1 AND 50),
    morning_start INTEGER NOT NULL DEFAULT 450,
    morning_end INTEGER NOT NULL DEFAULT 690,
    afternoon_start INTEGER NOT NULL DEFAULT 810,
    afternoon_end INTEGER NOT NULL DEFAULT 1020,
    saturday_start INTEGER NOT NULL DEFAULT 450,
    saturday_end INTEGER NOT NULL DEFAULT 690,
    days_ahead INTEGER NOT NULL DEFAULT 14 CHECK (days_ahead BETWEEN 1 AND 60),
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,              -- "DL-7K3Q9P", shown to the citizen
    unit_id INTEGER NOT NULL REFERENCES units(id),
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    day INTEGER NOT NULL,                   -- local day of slot_start
    slot_start INTEGER NOT NULL,            -- Unix seconds
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes > 0),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,                    -- normalised digits, 0xxxxxxxxx
    citizen_id TEXT NOT NULL DEFAULT '',    -- 12 digits or empty
    status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'served', 'no_show', 'cancelled')),
    dossier_id INTEGER,                     -- set at intake; the dossiers table comes in a later migration
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX bookings_unit_day ON bookings(unit_id, day, slot_start);
CREATE INDEX bookings_phone ON bookings(phone, unit_id, slot_start);
-- one phone, one place per slot (cancelled bookings free it)
CREATE UNIQUE INDEX bookings_slot_phone ON bookings(unit_id, slot_start, phone) WHERE status <> 'cancelled';
