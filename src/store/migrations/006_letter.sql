-- 006: letters of care (thư xin lỗi, cảm ơn, chúc mừng, chia buồn), src/letter.
-- Portable subset as in 001. Research: ../shared/research/assessment.md §4.

-- Which letter a finished dossier of this procedure proposes: '' none, 'birth' and
-- 'marriage' a congratulation, 'death' a condolence. Set in the catalogue, not in code.
ALTER TABLE procedures ADD COLUMN letter_occasion TEXT NOT NULL DEFAULT ''
    CHECK (letter_occasion IN ('', 'birth', 'marriage', 'death'));

-- The applicant's choice at intake: 0 = "do not send" congratulation or condolence letters.
ALTER TABLE dossiers ADD COLUMN letters_ok INTEGER NOT NULL DEFAULT 1 CHECK (letters_ok IN (0, 1));

-- The unit hands congratulation letters over at a small ceremony at the office (seed 001
-- §1.6): a proposed congratulation letter comes with a ceremony slot.
ALTER TABLE units ADD COLUMN letter_ceremony INTEGER NOT NULL DEFAULT 0 CHECK (letter_ceremony IN (0, 1));

-- A unit's own wording of a letter; without a row the nearest ancestor's, else the built-in
-- default (letter_template.c).
CREATE TABLE letter_templates (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    occasion TEXT NOT NULL,
    title TEXT NOT NULL,
    greeting TEXT NOT NULL,
    body TEXT NOT NULL,
    closing TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    PRIMARY KEY (unit_id, occasion)
) STRICT;

CREATE TABLE letters (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),      -- who sends it
    kind TEXT NOT NULL CHECK (kind IN ('apology', 'thanks', 'congratulation', 'condolence')),
    occasion TEXT NOT NULL,                -- letter.h: birth, marriage, death, late, ...
    status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'delivered', 'cancelled')),
    -- what caused it: a dossier's result ('dossier', its id), an apology notice ('notice', its
    -- id), or staff ('manual', no id); one event never yields two letters of the same kind
    source TEXT NOT NULL CHECK (source IN ('dossier', 'notice', 'manual')),
    source_id INTEGER,
    dossier_id INTEGER REFERENCES dossiers(id),
    dossier_code TEXT NOT NULL DEFAULT '',
    recipient_name TEXT NOT NULL,
    recipient_key TEXT NOT NULL DEFAULT '',  -- folded name (text_fold), for search without diacritics
    recipient_address TEXT NOT NULL DEFAULT '',
    recipient_phone TEXT NOT NULL DEFAULT '',
    recipient_email TEXT NOT NULL DEFAULT '',
    person TEXT NOT NULL DEFAULT '',       -- the newborn, the spouse, the deceased
    event_date TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD of the birth, marriage, death
    detail TEXT NOT NULL DEFAULT '',       -- the contribution or feedback thanked; the delay's reason
    procedure_name TEXT NOT NULL DEFAULT '',
    received_at INTEGER,                   -- the dossier's receipt
    old_due_at INTEGER,                    -- apology: the promised time that was missed
    new_due_at INTEGER,                    -- apology: the new promise
    signer_name TEXT NOT NULL DEFAULT '',
    signer_title TEXT NOT NULL DEFAULT '',
    ceremony_at INTEGER,                   -- a ceremony slot at the office, when proposed
    delivery_method TEXT NOT NULL DEFAULT '' CHECK (delivery_method IN ('', 'ceremony', 'home', 'post', 'electronic')),
    delivered_at INTEGER,
    delivered_by INTEGER REFERENCES users(id),
    delivered_by_name TEXT NOT NULL DEFAULT '',
    delivery_note TEXT NOT NULL DEFAULT '',
    postal_tracking TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    -- the words as delivered (JSON {title, greeting, body, closing}); until then the letter
    -- is printed from the unit's current template, after it always as delivered
    frozen TEXT,
    letter_date INTEGER,                   -- the date printed on the letter; NULL = today
    token TEXT NOT NULL UNIQUE,            -- the recipient's link to their copy (electronic delivery)
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX letters_event ON letters(source, source_id, kind) WHERE source_id IS NOT NULL;
CREATE INDEX letters_unit ON letters(unit_id, status, created_at);
CREATE INDEX letters_delivered ON letters(unit_id, delivered_at) WHERE delivered_at IS NOT NULL;
CREATE INDEX letters_dossier ON letters(dossier_id) WHERE dossier_id IS NOT NULL;
