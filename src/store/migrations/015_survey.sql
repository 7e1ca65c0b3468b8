-- 015: surveys (phiếu khảo sát, đánh giá mức độ hài lòng), src/survey. Issue 12.
-- Portable subset as in 001. Research: ../shared/research/assessment.md §2.1 (SIPAS), §2.2 (QĐ 766).

-- A unit's survey. template names the questionnaire it was made from (data/survey/*.tsv,
-- e.g. 'sipas-2023'; '' = built by hand); its questions are copied at creation, so a later
-- version of the questionnaire never changes a survey already answered. public_key is the
-- random part of the anonymous public link /ks/{public_key}.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    template TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    public_key TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX surveys_unit ON surveys (unit_id, created_at);

-- One question. kind: single (one choice), multi (several), scale (1..5), text (free).
-- options: the choices, one a line (single, multi). element: the SIPAS element a scale
-- question counts toward ('' none). show_if_code/show_if_option: shown (and answerable) only
-- when the earlier question of that code was answered with that option (1-based); '' / 0 =
-- always shown.
CREATE TABLE survey_questions (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    section TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('single', 'multi', 'scale', 'text')),
    text TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    required INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    element TEXT NOT NULL DEFAULT '',
    show_if_code TEXT NOT NULL DEFAULT '',
    show_if_option INTEGER NOT NULL DEFAULT 0,
    UNIQUE (survey_id, code)
) STRICT;
CREATE INDEX survey_questions_order ON survey_questions (survey_id, position);

-- Printed per-respondent codes (a sheet of codes with QR codes handed out at the desk or
-- with a paper form). A visitor of the general link gets a fresh random token instead,
-- which is not stored until it answers.
CREATE TABLE survey_tokens (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX survey_tokens_survey ON survey_tokens (survey_id);

-- One filled-in form. One answer per token: the UNIQUE constraint, so of two posts with the
-- same token at the same time exactly one is saved. channel: 'online' (the public link) or
-- 'paper' (keyed in by an officer, entered_by). answered_at: when the citizen answered (for
-- paper, the date written on the form), what periods count by.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys(id),
    token TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
    entered_by INTEGER REFERENCES users(id),
    answered_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, answered_at);

-- The answers of a response: value is the option (1-based) of a single or multi question
-- (one row per option ticked) or the score 1..5 of a scale; text the words of a text answer.
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses(id),
    question_id INTEGER NOT NULL REFERENCES survey_questions(id),
    value INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_id, value)
) STRICT;
CREATE INDEX survey_answers_question ON survey_answers (question_id, value);
