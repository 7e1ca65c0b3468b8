-- 007: letters of care that read as letters, and that go stale (src/letter).
-- Portable subset as in 001.

-- How long after its event a congratulation or condolence may still be handed over: a
-- letter for a birth or a death long past is no longer care. Past it the proposal is "quá
-- hạn trao": left out of the lists and batches unless someone chooses it, counted apart.
ALTER TABLE units ADD COLUMN letter_stale_days INTEGER NOT NULL DEFAULT 30
    CHECK (letter_stale_days BETWEEN 1 AND 3660);

-- When the letter's event happened: the day of the birth, marriage or death at noon (Vietnam
-- time) when known, else when the result was recorded; a letter's age is counted from it.
ALTER TABLE letters ADD COLUMN event_at INTEGER;
UPDATE letters SET event_at = created_at;

-- Ông or bà: the applicant's sex as on the citizen ID card ('' not recorded), and on a letter
-- its recipient's and the person's it names (the child, the spouse, the deceased).
ALTER TABLE dossiers ADD COLUMN applicant_sex TEXT NOT NULL DEFAULT ''
    CHECK (applicant_sex IN ('', 'male', 'female'));
ALTER TABLE letters ADD COLUMN recipient_sex TEXT NOT NULL DEFAULT ''
    CHECK (recipient_sex IN ('', 'male', 'female'));
ALTER TABLE letters ADD COLUMN person_sex TEXT NOT NULL DEFAULT ''
    CHECK (person_sex IN ('', 'male', 'female'));

-- What the result of a civil-status procedure names, asked when the result is recorded for a
-- procedure that proposes a letter: the child (birth), the other spouse (marriage), the
-- deceased (death), with their sex and the day of the event (YYYY-MM-DD).
ALTER TABLE dossiers ADD COLUMN result_person TEXT NOT NULL DEFAULT '';
ALTER TABLE dossiers ADD COLUMN result_person_sex TEXT NOT NULL DEFAULT ''
    CHECK (result_person_sex IN ('', 'male', 'female'));
ALTER TABLE dossiers ADD COLUMN result_event_date TEXT NOT NULL DEFAULT '';
