-- 024: the province's yearly targets for the model and the words of the commune's 6-month and
-- yearly reports (issue 13, src/report: targets.c, report_*.c). Portable subset as in 001.

-- Targets: per province (by its unit code, because migrations run before any unit exists and a
-- code survives a re-import of the unit tree) and a range of years, the minimum share of its
-- communes recognised at level 1 or above, the minimum share recognised above level 1, and the
-- minimum number at level 4. "Above level 1" is counted OF the communes at level 1 or above
-- ("Trong đó, có ít nhất 20% đạt chuẩn trên mức độ 1"): a commune at level 3 counts in both
-- shares, and both shares are of all the province's communes. 0 = no target of that kind.
-- The rows for a province never overlap (targets.c keeps it so when a year is edited).
CREATE TABLE report_targets (
    id INTEGER PRIMARY KEY,
    unit_code TEXT NOT NULL,                -- the province (units.code)
    year_from INTEGER NOT NULL CHECK (year_from BETWEEN 2000 AND 2100),
    year_to INTEGER NOT NULL CHECK (year_to BETWEEN 2000 AND 2100),
    level1_pct INTEGER NOT NULL CHECK (level1_pct BETWEEN 0 AND 100),   -- at level >= 1, % of communes
    above1_pct INTEGER NOT NULL CHECK (above1_pct BETWEEN 0 AND 100),   -- of which above level 1, % of communes
    level4_min INTEGER NOT NULL CHECK (level4_min >= 0),                -- at level 4, communes
    basis TEXT NOT NULL,                    -- the plan it comes from: number, date, who issued it
    updated_by INTEGER,                     -- users.id of the last editor; NULL = as shipped
    updated_at INTEGER NOT NULL DEFAULT 0,
    CHECK (year_to >= year_from),
    CHECK (above1_pct <= level1_pct OR level1_pct = 0),
    UNIQUE (unit_code, year_from)
) STRICT;

-- Seed 002: Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành thực hiện
-- Đề án số 05-ĐA/TU ngày 13/6/2024 của Ban Thường vụ Tỉnh ủy Hải Dương, mục II.1.2 "Mục tiêu cụ
-- thể" (the primary text; research/assessment.md §1.1 summarises 2025 and 2026 differently):
--   2024: ít nhất 20% đạt chuẩn mức độ 1;
--   2025: ít nhất 50% đạt chuẩn mức độ 1, trong đó ít nhất 20% đạt chuẩn trên mức độ 1;
--   2026: ít nhất 90%, trong đó ít nhất 50% trên mức độ 1, ít nhất 1 đơn vị mức độ 4;
--   2027-2030: duy trì ít nhất 90%, ít nhất 70% trên mức độ 1, ít nhất 5 đơn vị mức độ 4.
-- Hải Dương is province code 30 (merged into Hải Phòng from 01/7/2025; whether the new city kept
-- Đề án 05 is unconfirmed, so the rows stay under the old code).
INSERT INTO report_targets (unit_code, year_from, year_to, level1_pct, above1_pct, level4_min, basis) VALUES
    ('30', 2024, 2024, 20, 0, 0, 'Đề án số 05-ĐA/TU ngày 13/6/2024 của Ban Thường vụ Tỉnh ủy Hải Dương; Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành, mục II.1.2'),
    ('30', 2025, 2025, 50, 20, 0, 'Đề án số 05-ĐA/TU ngày 13/6/2024 của Ban Thường vụ Tỉnh ủy Hải Dương; Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành, mục II.1.2'),
    ('30', 2026, 2026, 90, 50, 1, 'Đề án số 05-ĐA/TU ngày 13/6/2024 của Ban Thường vụ Tỉnh ủy Hải Dương; Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành, mục II.1.2'),
    ('30', 2027, 2030, 90, 70, 5, 'Đề án số 05-ĐA/TU ngày 13/6/2024 của Ban Thường vụ Tỉnh ủy Hải Dương; Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành, mục II.1.2');

-- The demo province, Thái Nguyên (19): the same figures as an example to edit, not its own plan.
INSERT INTO report_targets (unit_code, year_from, year_to, level1_pct, above1_pct, level4_min, basis) VALUES
    ('19', 2024, 2024, 20, 0, 0, 'Lấy theo Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành (Hải Dương) làm ví dụ; tỉnh sửa theo kế hoạch của mình'),
    ('19', 2025, 2025, 50, 20, 0, 'Lấy theo Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành (Hải Dương) làm ví dụ; tỉnh sửa theo kế hoạch của mình'),
    ('19', 2026, 2026, 90, 50, 1, 'Lấy theo Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành (Hải Dương) làm ví dụ; tỉnh sửa theo kế hoạch của mình'),
    ('19', 2027, 2030, 90, 70, 5, 'Lấy theo Kế hoạch số 154-KH/HU ngày 14/8/2024 của Ban Thường vụ Huyện ủy Kim Thành (Hải Dương) làm ví dụ; tỉnh sửa theo kế hoạch của mình');

-- The words around the figures of a unit's report, per year and period ('6t': 1/1-30/6,
-- 'nam': the whole year), one row per part (report_text.c names them: leadership,
-- assessment, strengths, weaknesses, directions, proposals, number, recipients). A part
-- never written prints the default wording.
CREATE TABLE report_texts (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    period TEXT NOT NULL CHECK (period IN ('6t', 'nam')),
    part TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, period, part)
) STRICT, WITHOUT ROWID;
