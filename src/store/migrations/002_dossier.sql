-- 002: the one-stop dossier (hồ sơ thủ tục hành chính): intake, the control sheet, states,
-- apologies, return. Research: ../shared/research/legal.md §1. Deadlines are computed in C
-- from the working-day calendar; these tables store the instants.

-- The agency code that starts a dossier code (mã định danh of the receiving body, e.g.
-- "H19.05443"); empty means the unit's administrative code is used.
ALTER TABLE units ADD COLUMN agency_code TEXT NOT NULL DEFAULT '';

-- One counter per unit and local day: the dossier code's daily sequence number, and the
-- register book's running number per unit and year (Sổ theo dõi hồ sơ, "Số thứ tự").
CREATE TABLE dossier_counters (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,                 -- 'D2026-11-23' (code sequence) or 'Y2026' (register)
    last INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period)
) STRICT;

CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,             -- {agency}-{yymmdd}-{seq}, e.g. H19.05443-261123-0007
    secret TEXT NOT NULL,                  -- short lookup secret printed on the slip
    unit_id INTEGER NOT NULL REFERENCES units(id),             -- the receiving unit (desk)
    resolving_unit_id INTEGER NOT NULL REFERENCES units(id),   -- the unit that resolves it
    procedure_id INTEGER NOT NULL REFERENCES procedures(id),
    procedure_name TEXT NOT NULL,          -- as it was at intake
    days INTEGER NOT NULL CHECK (days >= 0),   -- working days allowed, as at intake
    fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),   -- catalogue fee at intake, đồng
    applicant_name TEXT NOT NULL,
    applicant_key TEXT NOT NULL DEFAULT '',    -- the name folded (text_fold), for search without diacritics
    applicant_phone TEXT NOT NULL DEFAULT '',
    applicant_id_number TEXT NOT NULL DEFAULT '',      -- 12-digit citizen ID
    applicant_address TEXT NOT NULL DEFAULT '',
    applicant_email TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('desk', 'online', 'post', 'post_office', 'mobile', 'home')),
    return_method TEXT NOT NULL DEFAULT 'desk' CHECK (return_method IN ('desk', 'post', 'online')),
    papers TEXT NOT NULL DEFAULT '[]',     -- JSON: [{"name","kind","count"}] as checked at intake
    sets INTEGER NOT NULL DEFAULT 1 CHECK (sets >= 1),
    status TEXT NOT NULL CHECK (status IN ('received', 'in_progress', 'supplement', 'done', 'returned',
                                           'refused', 'withdrawn')),
    received_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,               -- the promised instant; moved only by an apology or a restart
    original_due_at INTEGER NOT NULL,      -- as first promised on the slip
    done_at INTEGER,
    returned_at INTEGER,
    paused_at INTEGER,                     -- supplement requested: the clock stopped here
    supplement_count INTEGER NOT NULL DEFAULT 0 CHECK (supplement_count BETWEEN 0 AND 1),
    apology_count INTEGER NOT NULL DEFAULT 0,
    officer_id INTEGER REFERENCES users(id),    -- who received it
    assignee_id INTEGER REFERENCES users(id),   -- who holds it now (NULL: the desk)
    book_volume INTEGER NOT NULL DEFAULT 1,
    book_seq INTEGER NOT NULL,
    booking_id INTEGER,
    fee_paid INTEGER CHECK (fee_paid >= 0),
    fee_note TEXT NOT NULL DEFAULT '',     -- why the amount differs from the catalogue
    visits INTEGER CHECK (visits >= 1),    -- trips the citizen made, recorded at return
    postal_tracking TEXT NOT NULL DEFAULT '',
    outcome_note TEXT NOT NULL DEFAULT '', -- refusal / withdrawal reason, result note
    due_soon_sent INTEGER NOT NULL DEFAULT 0 CHECK (due_soon_sent IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dossiers_unit_status ON dossiers(unit_id, status, due_at);
CREATE INDEX dossiers_resolving ON dossiers(resolving_unit_id, status, due_at);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, status, due_at);
CREATE INDEX dossiers_received ON dossiers(unit_id, received_at);

-- The control sheet and timeline (Phiếu kiểm soát quá trình giải quyết hồ sơ): one row per
-- event. A 'handover' row is a step with its own deadline; it is done when its receiver
-- hands on, finishes, or the dossier leaves the flow.
CREATE TABLE dossier_steps (
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('receive', 'handover', 'supplement', 'resume', 'done', 'return',
                                       'refuse', 'withdraw', 'apology')),
    at INTEGER NOT NULL,
    from_user_id INTEGER REFERENCES users(id),
    to_user_id INTEGER REFERENCES users(id),
    from_name TEXT NOT NULL DEFAULT '',
    to_name TEXT NOT NULL DEFAULT '',
    due_at INTEGER,                        -- this step's own deadline
    done_at INTEGER,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dossier_id, seq)
) STRICT;
CREATE INDEX dossier_steps_open ON dossier_steps(to_user_id, done_at);

-- Supplement requests, refusals and apologies keep their own printed details (number,
-- reason, papers, new date), so each form can be printed again exactly as issued.
CREATE TABLE dossier_notices (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
    kind TEXT NOT NULL CHECK (kind IN ('supplement', 'refusal', 'apology')),
    number INTEGER NOT NULL,               -- per unit, year and kind
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    reason TEXT NOT NULL,
    papers TEXT NOT NULL DEFAULT '[]',     -- supplement: JSON list of papers to add
    old_due_at INTEGER,
    new_due_at INTEGER
) STRICT;
CREATE INDEX dossier_notices_dossier ON dossier_notices(dossier_id, kind);
