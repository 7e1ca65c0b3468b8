-- 018: citizen reception (tiếp công dân) and dialogues with the people (đối thoại), src/reception.
-- Portable subset as in 001. Research: ../shared/research/legal.md §2.3 and §2.5.

-- Rules that change with the law, as dated values: the value in force on a day is the row
-- with the latest valid_from not after it (reception.c, reception_rule).
CREATE TABLE reception_rules (
    rule TEXT NOT NULL,
    valid_from TEXT NOT NULL,              -- YYYY-MM-DD
    value INTEGER NOT NULL,
    basis TEXT NOT NULL,                   -- the text and article it comes from
    PRIMARY KEY (rule, valid_from)
) STRICT;

-- Days of notice before a dialogue (calendar days; legal.md §2.1 "Dialogue" row).
-- A dialogue in the settlement of a complaint: Luật Khiếu nại 02/2011 Art. 30 asks for a written
-- notice without a number of days; from 01/7/2026 NĐ 155/2026 (amending NĐ 124/2020) asks the
-- notice at least 05 days ahead, naming time, place and content (research: likely).
INSERT INTO reception_rules VALUES ('dialogue_notice_days.complaint', '2012-07-01', 0,
    'Luật Khiếu nại 02/2011/QH13, Điều 30 (thông báo bằng văn bản, không quy định số ngày)');
INSERT INTO reception_rules VALUES ('dialogue_notice_days.complaint', '2026-07-01', 5,
    'NĐ 155/2026/NĐ-CP sửa đổi NĐ 124/2020/NĐ-CP: thông báo trước ít nhất 05 ngày (thời gian, địa điểm, nội dung)');
-- The yearly conference with the people (Luật Thực hiện dân chủ ở cơ sở 10/2022/QH15, Điều 32):
-- no number of days is set by the law; the unit's own rules may add one (a new row).
INSERT INTO reception_rules VALUES ('dialogue_notice_days.people', '2023-07-01', 0,
    'Luật 10/2022/QH15, Điều 32 (không quy định số ngày thông báo trước)');
INSERT INTO reception_rules VALUES ('dialogue_notice_days.thematic', '2023-07-01', 0,
    'Quy chế tiếp xúc, đối thoại của địa phương (không quy định số ngày trong luật)');
-- The chairman receives citizens in person at the commune office at least one day a week
-- (Luật Tiếp công dân 42/2013/QH13, Điều 15(3)(b); no change by Luật 136/2025/QH15 found).
INSERT INTO reception_rules VALUES ('chairman_days_per_week', '2014-07-01', 1,
    'Luật Tiếp công dân 42/2013/QH13, Điều 15 khoản 3: ít nhất 01 ngày trong 01 tuần');

-- The register's columns (Sổ tiếp công dân) as dated data: the set in force on the last day of
-- the period printed. field names what reception.c fills the cell with.
-- 2021-11-15: Thông tư 04/2021/TT-TTCP (quy trình tiếp công dân, replacing TT 06/2014/TT-TTCP),
--   mẫu Sổ tiếp công dân; the date and the column wording are from memory of the circular,
--   unconfirmed by the research notes (legal.md §2.3 marks the 2021 circular (u)).
-- 2026-07-01: NĐ 154/2026/NĐ-CP (tiếp công dân, from 01/7/2026; research: likely) names
--   CCCD/CMND/Hộ chiếu, "Loại đơn (KN/TC/KN/PA)", "Số người cùng nội dung" and
--   "Theo dõi kết quả giải quyết" as separate columns.
CREATE TABLE reception_register_columns (
    valid_from TEXT NOT NULL,
    position INTEGER NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('seq', 'date', 'host', 'citizen', 'name', 'id_number', 'address',
                                         'content', 'kind_people', 'kind', 'people', 'prior', 'handling',
                                         'followup', 'note')),
    header TEXT NOT NULL,
    width INTEGER NOT NULL,                -- relative width on paper, in tenths; Excel's is 0.15 times
    basis TEXT NOT NULL,
    PRIMARY KEY (valid_from, position)
) STRICT;

INSERT INTO reception_register_columns VALUES ('2021-11-15', 1, 'seq', 'STT', 40, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 2, 'date', 'Ngày tiếp', 80, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 3, 'citizen', 'Họ tên - Địa chỉ - CMND/Hộ chiếu của công dân', 180, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 4, 'content', 'Nội dung vụ việc', 220, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 5, 'kind_people', 'Phân loại vụ việc/Số người', 100, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 6, 'prior', 'Cơ quan đã giải quyết', 120, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 7, 'handling', 'Hướng xử lý', 140, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 8, 'followup', 'Theo dõi kết quả giải quyết', 120, 'TT 04/2021/TT-TTCP');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 9, 'note', 'Ghi chú', 80, 'TT 04/2021/TT-TTCP');

INSERT INTO reception_register_columns VALUES ('2026-07-01', 1, 'seq', 'STT', 35, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 2, 'date', 'Ngày tiếp', 100, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 3, 'name', 'Họ và tên', 120, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 4, 'id_number', 'Số CCCD/CMND/Hộ chiếu', 130, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 5, 'address', 'Địa chỉ', 90, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 6, 'content', 'Nội dung vụ việc', 140, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 7, 'kind', 'Loại đơn (KN/TC/KN/PA)', 60, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 8, 'people', 'Số người cùng nội dung', 60, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 9, 'prior', 'Quá trình xem xét giải quyết (nếu có)', 85, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 10, 'handling', 'Hướng xử lý', 95, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 11, 'followup', 'Theo dõi kết quả giải quyết', 85, 'NĐ 154/2026/NĐ-CP');
INSERT INTO reception_register_columns VALUES ('2026-07-01', 12, 'note', 'Ghi chú', 60, 'NĐ 154/2026/NĐ-CP');

-- The head's public reception schedule (Luật TCD Art. 15, 24(2)): one row per weekly session.
CREATE TABLE reception_schedules (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    host_name TEXT NOT NULL,               -- the chairman receiving
    host_title TEXT NOT NULL DEFAULT '',
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 Sunday .. 6 Saturday
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    place TEXT NOT NULL,
    attendees TEXT NOT NULL DEFAULT '',    -- thành phần tham dự
    topics TEXT NOT NULL DEFAULT '',       -- dự kiến nội dung
    valid_from TEXT NOT NULL,              -- YYYY-MM-DD; a single session: its day
    single INTEGER NOT NULL DEFAULT 0 CHECK (single IN (0, 1)),   -- 1: once, on valid_from (đột xuất)
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (end_min > start_min)
) STRICT;
CREATE INDEX reception_schedules_unit ON reception_schedules(unit_id, active);

-- The register (Sổ tiếp công dân): one row per citizen (or group with the same matter) received.
CREATE TABLE receptions (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,                 -- the register is numbered per unit and year
    seq INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    session TEXT NOT NULL CHECK (session IN ('regular', 'periodic', 'adhoc')),   -- thường xuyên, định kỳ, đột xuất
    host_name TEXT NOT NULL,
    host_title TEXT NOT NULL DEFAULT '',
    citizen_name TEXT NOT NULL,
    citizen_key TEXT NOT NULL,             -- folded name, for search without diacritics
    id_number TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    people INTEGER NOT NULL DEFAULT 1 CHECK (people BETWEEN 1 AND 10000),
    kind TEXT NOT NULL CHECK (kind IN ('khieu_nai', 'to_cao', 'kien_nghi', 'phan_anh', 'khac')),
    content TEXT NOT NULL,
    prior_handling TEXT NOT NULL DEFAULT '',
    request TEXT NOT NULL DEFAULT '',
    handling TEXT NOT NULL DEFAULT '' CHECK (handling IN ('', 'answered', 'accepted', 'guided', 'transferred')),
    handling_note TEXT NOT NULL DEFAULT '',
    followup TEXT NOT NULL DEFAULT '',
    conclusion TEXT NOT NULL DEFAULT '',   -- Thông báo kết luận việc tiếp công dân
    conclusion_deadline TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD promised for a complex case, or ''
    conclusion_contact TEXT NOT NULL DEFAULT '',    -- who the citizen asks meanwhile
    conclusion_at INTEGER,
    conclusion_by INTEGER REFERENCES users(id),
    converted_ref TEXT NOT NULL DEFAULT '',         -- 'feedback:<id>' once turned into feedback
    converted_kind TEXT NOT NULL DEFAULT '',
    converted_code TEXT NOT NULL DEFAULT '',        -- the feedback case's code, as the register prints it
    converted_at INTEGER,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (unit_id, year, seq)
) STRICT;
CREATE INDEX receptions_unit_time ON receptions(unit_id, received_at);

-- Dialogues with the people: planned -> announced -> held (minutes) -> published; or cancelled.
CREATE TABLE dialogues (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('people', 'complaint', 'thematic')),
    title TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    chair_name TEXT NOT NULL DEFAULT '',
    invited TEXT NOT NULL DEFAULT '',      -- thành phần mời
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'announced', 'held', 'cancelled')),
    announced_at INTEGER,
    held_at INTEGER,
    attendance INTEGER,
    minutes TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    cancel_reason TEXT NOT NULL DEFAULT '',
    rescheduled_from INTEGER,              -- the start announced before the last postponement
    reschedule_reason TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 0,   -- times rescheduled: the iCalendar SEQUENCE
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ends_at > starts_at)
) STRICT;
CREATE INDEX dialogues_unit_time ON dialogues(unit_id, starts_at);

-- The issues raised at a dialogue and their follow-up to closure.
CREATE TABLE dialogue_issues (
    id INTEGER PRIMARY KEY,
    dialogue_id INTEGER NOT NULL REFERENCES dialogues(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    content TEXT NOT NULL,
    raised_by TEXT NOT NULL DEFAULT '',    -- who raised it (a hamlet, a citizen)
    answer TEXT NOT NULL DEFAULT '',       -- the answer given at the dialogue
    assignee TEXT NOT NULL DEFAULT '',     -- who follows it up
    due_date TEXT NOT NULL DEFAULT '',     -- YYYY-MM-DD or ''
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    result TEXT NOT NULL DEFAULT '',       -- how it was closed
    closed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX dialogue_issues_dialogue ON dialogue_issues(dialogue_id);
