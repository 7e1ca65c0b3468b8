-- 014: a rating for every dossier (đánh giá mức độ hài lòng về việc giải quyết hồ sơ), as the
-- public-service portals take it: one per dossier, after its result, by the citizen (tracking
-- page, the link in the result message, the desk's tablet) or keyed in by an officer from the
-- paper slip. Research: ../shared/research/assessment.md §3 (desk devices, slips, portal
-- ratings) and §2.2 (QĐ 766/QĐ-TTg: a dossier rated "không hài lòng" counts against the
-- satisfaction ratio). Portable subset as in 001.

-- The levels are data with the day they apply from: the set in force on a day is the rows of
-- the latest valid_from not after it. Labels as the ministries' portals print them
-- (dichvucong.mic.gov.vn/Pages/DanhGia.aspx: "Rất hài lòng / Hài lòng / Bình thường / Không
-- hài lòng / Rất không hài lòng"; the desk slip of assessment.md §3.1 keeps the first four).
-- satisfied: counts in the satisfied share (rất hài lòng + hài lòng) / all ratings.
-- reason_required: the citizen must say why, and the rating waits for a leader's answer.
CREATE TABLE rating_levels (
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,             -- YYYY-MM-DD
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    score INTEGER NOT NULL,               -- 4 best .. 1 worst, for a mean score
    satisfied INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
    reason_required INTEGER NOT NULL CHECK (reason_required IN (0, 1)),
    PRIMARY KEY (code, valid_from)
) STRICT;
INSERT INTO rating_levels (code, valid_from, position, label, score, satisfied, reason_required) VALUES
    ('very_satisfied', '2018-01-01', 1, 'Rất hài lòng', 4, 1, 0),
    ('satisfied', '2018-01-01', 2, 'Hài lòng', 3, 1, 0),
    ('neutral', '2018-01-01', 3, 'Bình thường', 2, 0, 0),
    ('dissatisfied', '2018-01-01', 4, 'Không hài lòng', 1, 0, 1);

-- One rating per dossier: the UNIQUE dossier_id refuses a second one, even from two
-- requests at once. The official is whoever recorded the result (the 'done' step), as in the
-- indicators' table by official; unit_id is the receiving unit (the desk the citizen used).
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    dossier_id INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    official_id INTEGER REFERENCES users(id),
    official_name TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL,
    procedure_name TEXT NOT NULL,
    level TEXT NOT NULL,                   -- rating_levels.code
    label TEXT NOT NULL,                   -- the level's label as it was
    score INTEGER NOT NULL,
    satisfied INTEGER NOT NULL CHECK (satisfied IN (0, 1)),
    reason TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL CHECK (channel IN ('web', 'message', 'kiosk', 'paper')),
    entered_by INTEGER REFERENCES users(id),   -- kiosk: the desk's officer; paper: who keyed it in
    rated_at INTEGER NOT NULL,             -- when the citizen rated (paper: the slip's day)
    created_at INTEGER NOT NULL,
    -- a rating whose level requires a reason waits for the leader: 'awaiting' (chờ lãnh đạo
    -- trả lời), then 'answered'; others are 'none'
    follow_status TEXT NOT NULL DEFAULT 'none' CHECK (follow_status IN ('none', 'awaiting', 'answered')),
    answer TEXT NOT NULL DEFAULT '',
    answered_by INTEGER REFERENCES users(id),
    answered_at INTEGER
) STRICT;
CREATE INDEX ratings_unit_at ON ratings(unit_id, rated_at);
CREATE INDEX ratings_follow ON ratings(unit_id, follow_status, rated_at);
