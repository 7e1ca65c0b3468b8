-- 020: assessment of the model (issue 13, src/assess): criteria sets per province and year,
-- the yearly assessment cycle of each commune or department (self-assessment, appraisal,
-- recognition), its lines per criterion, evidence and blocking conditions.
-- Research: ../shared/research/assessment.md §1. Points are kept in tenths (925 = 92,5 điểm)
-- so that half points add up exactly.

-- A criteria set, versioned: the body is the whole set as JSON (groups, criteria, points, how
-- each is scored, levels, blocking conditions; src/assess/assess.h says the format). A
-- published version never changes: editing makes the next version as a draft. A cycle keeps
-- the version it was assessed by.
CREATE TABLE assess_sets (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),     -- the province (or unit) that issued it
    code TEXT NOT NULL,                                -- stable across versions: 'dong-nai'
    version INTEGER NOT NULL CHECK (version >= 1),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),   -- the year it assesses from
    applies_to TEXT NOT NULL CHECK (applies_to IN ('commune', 'department')),
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
    body TEXT NOT NULL,
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    published_at INTEGER,
    UNIQUE (unit_id, code, version)
) STRICT;
CREATE INDEX assess_sets_year ON assess_sets (unit_id, year, applies_to, status);

-- One cycle per unit and year. draft -> submitted (chairman's sign-off; locked) -> returned
-- (for correction; editable again) -> submitted ... -> recognised (appraised and decided).
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    set_id INTEGER NOT NULL REFERENCES assess_sets(id),
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'returned', 'recognised')),
    proposed_level INTEGER,                 -- the commune's proposal (0: not recognised)
    self_total10 INTEGER,                   -- as submitted
    signed_by INTEGER REFERENCES users(id), -- the chairman who signed it off
    submitted_at INTEGER,
    rounds INTEGER NOT NULL DEFAULT 0,      -- times submitted
    returned_at INTEGER,
    return_reason TEXT NOT NULL DEFAULT '',
    appraised_by INTEGER REFERENCES users(id),
    appraised_total10 INTEGER,
    recognised_level INTEGER,               -- 0: appraised, no level reached
    recognised_at INTEGER,
    decision_no TEXT NOT NULL DEFAULT '',   -- the recognition decision's number and date
    decision_date TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    created_at INTEGER NOT NULL,
    UNIQUE (unit_id, year)
) STRICT;
CREATE INDEX assessments_year ON assessments (year, status);

-- One line per criterion of the set: the value computed from the system's own data (when the
-- criterion is computed), the commune's points and note, the appraiser's points and comment.
CREATE TABLE assessment_items (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    criterion TEXT NOT NULL,                -- the criterion's code in the set
    computed_value10 INTEGER,               -- the figure (a rate 97,3 % -> 973), NULL if none
    self_points10 INTEGER,
    self_note TEXT NOT NULL DEFAULT '',
    appraised_points10 INTEGER,
    appraisal_comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, criterion)
) STRICT, WITHOUT ROWID;

-- The answers to the set's blocking conditions that are declared, not computed (e.g. "a head
-- of the commune was disciplined this year"), by the commune and checked by the appraiser.
CREATE TABLE assessment_flags (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    blocker TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, blocker)
) STRICT, WITHOUT ROWID;

-- Evidence for a criterion: a document (checked by content) or a link.
CREATE TABLE assessment_evidence (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    criterion TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    title TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',           -- kind 'link'
    mime TEXT NOT NULL DEFAULT '',          -- kind 'file'
    size INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL DEFAULT '',       -- kind 'file': base64, as feedback attachments
    added_by INTEGER REFERENCES users(id),
    added_at INTEGER NOT NULL
) STRICT;
CREATE INDEX assessment_evidence_item ON assessment_evidence (assessment_id, criterion);
