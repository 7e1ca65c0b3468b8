-- 016: the citizen's voice (issue 12): góp ý, biểu dương, phản ánh, kiến nghị, khiếu nại, tố cáo,
-- filed from any channel, each kind on its own legal clock. Research: ../shared/research/legal.md
-- §2.1-2.4. The clocks and the anonymity rules are DATA with effective dates (rows below), never
-- constants in code: a later law is a new row, and a case keeps the rule in force on the day it
-- was received (feedback.rule_from).

-- Which kinds may be filed without a name, and what then happens (checked at intake).
--   allowed      góp ý, biểu dương: a name is optional;
--   refused      khiếu nại (Luật Khiếu nại 02/2011 Art. 8(2): the petition states the complainant's
--                name and address), phản ánh / kiến nghị (NĐ 20/2008/NĐ-CP Art. 7: tên, địa chỉ, số
--                điện thoại of the sender);
--   information  tố cáo (Luật Tố cáo 25/2018 Art. 25(2)): an anonymous denunciation is not handled as
--                a denunciation; when its content is clear and comes with evidence, the agency uses it
--                as information to inspect within its competence. Received, no acceptance clock.
CREATE TABLE feedback_kinds (
    kind TEXT NOT NULL CHECK (kind IN ('gop_y', 'bieu_duong', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao')),
    effective_from TEXT NOT NULL,          -- YYYY-MM-DD
    anonymous TEXT NOT NULL CHECK (anonymous IN ('allowed', 'refused', 'information')),
    prefix TEXT NOT NULL,                  -- in the case code: GY, BD, PA, KNG, KN, TC
    resolve_from TEXT NOT NULL CHECK (resolve_from IN ('receipt', 'acceptance')),  -- where the resolution clock starts
    source TEXT NOT NULL,
    PRIMARY KEY (kind, effective_from)
) STRICT;

INSERT INTO feedback_kinds (kind, effective_from, anonymous, prefix, resolve_from, source) VALUES
('gop_y', '2008-03-01', 'allowed', 'GY', 'receipt', 'Góp ý: không có quy định bắt buộc ghi danh'),
('bieu_duong', '2008-03-01', 'allowed', 'BD', 'receipt', 'Biểu dương: không có quy định bắt buộc ghi danh'),
('phan_anh', '2008-03-01', 'refused', 'PA', 'receipt', 'NĐ 20/2008/NĐ-CP Điều 7 (tên, địa chỉ, số điện thoại)'),
('kien_nghi', '2008-03-01', 'refused', 'KNG', 'receipt', 'NĐ 20/2008/NĐ-CP Điều 7 (tên, địa chỉ, số điện thoại)'),
('khieu_nai', '2012-07-01', 'refused', 'KN', 'acceptance', 'Luật Khiếu nại 02/2011/QH13 Điều 8 (họ tên, địa chỉ người khiếu nại)'),
('to_cao', '2019-01-01', 'information', 'TC', 'acceptance', 'Luật Tố cáo 25/2018/QH14 Điều 25 (tố cáo nặc danh: không giải quyết theo trình tự tố cáo)');

-- The clocks. One row per kind, step and version:
--   accept   from receipt to the decision to accept (thụ lý) or refuse, with its notice;
--   resolve  from acceptance to the decision, conclusion or answer;
--   extend   one extension for a complex case (written grounds), added to the resolution deadline;
--            max_count extensions at most (tố cáo: 1 complex, 2 especially complex);
--   suspend  the resolution may be suspended (tạm đình chỉ) and resumed; days = the time to send the
--            decision. No row: the law in force on the day of receipt gives no suspension (a complaint
--            received before 1/7/2026, when Luật 136/2025 added Art. 11a to the Complaints Law);
--   publish  from the answer to its publication (portal answers).
-- day_type: 'calendar' or 'working' (working days from the unit's calendar, Tết included). Whether
-- the bare "ngày" of Luật Khiếu nại Arts. 28, 37 and Luật Tố cáo Art. 30 means calendar or working
-- days is not settled in the research (legal.md §2.1 marks it (u); a search of public sources found
-- no text that says working days), so those rows say 'calendar' (Civil Code 2015 Art. 148(5) moves
-- a period ending on a day off to the next working day); a unit told otherwise changes day_type.
-- remote_days: the days when the case is in a remote area (vùng sâu, vùng xa đi lại khó khăn);
-- NULL when the law gives no remote-area value. effective_to NULL: still in force. A kind with no
-- row for a step has no clock for it (biểu dương).
-- Law 136/2025/QH15 (effective 01/7/2026) amended Luật Tiếp công dân, Luật Khiếu nại and Luật Tố
-- cáo; its implementing NĐ 155/2026 Art. 10 (amending NĐ 124/2020) sets 07 ngày làm việc to accept
-- a complaint (legal.md §2.1, "likely"). Where no change to a value was found, the 2026 row repeats
-- the old value and says so, so the data show what was checked.
CREATE TABLE feedback_deadlines (
    kind TEXT NOT NULL CHECK (kind IN ('gop_y', 'bieu_duong', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao')),
    step TEXT NOT NULL CHECK (step IN ('accept', 'resolve', 'extend', 'suspend', 'publish')),
    days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 3650),
    day_type TEXT NOT NULL CHECK (day_type IN ('calendar', 'working')),
    remote_days INTEGER CHECK (remote_days BETWEEN 0 AND 3650),
    max_count INTEGER NOT NULL DEFAULT 1 CHECK (max_count >= 0),
    effective_from TEXT NOT NULL,          -- YYYY-MM-DD: the rule holds for cases received that day or later
    effective_to TEXT,                     -- YYYY-MM-DD inclusive, NULL = in force
    source TEXT NOT NULL,                  -- the text and article
    PRIMARY KEY (kind, step, effective_from)
) STRICT;

INSERT INTO feedback_deadlines (kind, step, days, day_type, remote_days, max_count, effective_from, effective_to, source) VALUES
-- Khiếu nại (first complaint at the commune)
('khieu_nai', 'accept', 10, 'working', NULL, 1, '2012-07-01', '2026-06-30',
 'Luật Khiếu nại 02/2011/QH13 Điều 27; TT 07/2013/TT-TTCP: 10 ngày làm việc kể từ ngày nhận được khiếu nại'),
('khieu_nai', 'accept', 7, 'working', NULL, 1, '2026-07-01', NULL,
 'Luật 136/2025/QH15; NĐ 155/2026/NĐ-CP Điều 10 (sửa NĐ 124/2020): 07 ngày làm việc kể từ ngày nhận được khiếu nại'),
('khieu_nai', 'resolve', 30, 'calendar', 45, 1, '2012-07-01', '2026-06-30',
 'Luật Khiếu nại 02/2011/QH13 Điều 28: không quá 30 ngày kể từ ngày thụ lý; vùng sâu, vùng xa không quá 45 ngày'),
('khieu_nai', 'resolve', 30, 'calendar', 45, 1, '2026-07-01', NULL,
 'Luật Khiếu nại Điều 28 sau Luật 136/2025/QH15: không thấy sửa đổi thời hạn (giữ 30/45 ngày)'),
('khieu_nai', 'extend', 15, 'calendar', 15, 1, '2012-07-01', '2026-06-30',
 'Luật Khiếu nại 02/2011/QH13 Điều 28: vụ việc phức tạp không quá 45 ngày (vùng sâu, vùng xa 60 ngày)'),
('khieu_nai', 'extend', 15, 'calendar', 15, 1, '2026-07-01', NULL,
 'Luật Khiếu nại Điều 28 sau Luật 136/2025/QH15 (không thấy sửa đổi); căn cứ vụ việc phức tạp: NĐ 155/2026 Điều 3a'),
('khieu_nai', 'suspend', 3, 'working', NULL, 1, '2026-07-01', NULL,
 'Luật Khiếu nại Điều 11a (Luật 136/2025/QH15), NĐ 155/2026: quyết định tạm đình chỉ gửi trong 03 ngày làm việc; thời hạn tiếp tục tính từ ngày ban hành quyết định tiếp tục'),
-- Tố cáo (against a civil servant the chairman manages)
('to_cao', 'accept', 7, 'working', NULL, 1, '2019-01-01', '2026-06-30',
 'Luật Tố cáo 25/2018/QH14 Điều 24: 07 ngày làm việc kể từ ngày nhận được tố cáo'),
('to_cao', 'accept', 7, 'working', NULL, 1, '2026-07-01', NULL,
 'Luật Tố cáo Điều 24 sau Luật 136/2025/QH15, NĐ 156/2026/NĐ-CP: không thấy sửa đổi thời hạn'),
('to_cao', 'resolve', 30, 'calendar', NULL, 1, '2019-01-01', '2026-06-30',
 'Luật Tố cáo 25/2018/QH14 Điều 30: không quá 30 ngày kể từ ngày thụ lý'),
('to_cao', 'resolve', 30, 'calendar', NULL, 1, '2026-07-01', NULL,
 'Luật Tố cáo Điều 30 sau Luật 136/2025/QH15: không thấy sửa đổi thời hạn'),
('to_cao', 'extend', 30, 'calendar', NULL, 2, '2019-01-01', '2026-06-30',
 'Luật Tố cáo 25/2018/QH14 Điều 30: gia hạn một lần không quá 30 ngày; đặc biệt phức tạp hai lần'),
('to_cao', 'extend', 30, 'calendar', NULL, 2, '2026-07-01', NULL,
 'Luật Tố cáo Điều 30 sau Luật 136/2025/QH15: không thấy sửa đổi thời hạn'),
('to_cao', 'suspend', 0, 'working', NULL, 1, '2019-01-01', NULL,
 'Luật Tố cáo 25/2018/QH14 Điều 36: tạm đình chỉ việc giải quyết tố cáo khi chờ kết quả của cơ quan khác'),
-- Phản ánh, kiến nghị, góp ý: NĐ 20/2008 sets no general deadline; the national portal's clock
-- (QĐ 766/QĐ-TTg, indicator 5.2) is used: refuse within 2, answer within 15, publish within 2
-- working days.
('phan_anh', 'accept', 2, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: từ chối trong 02 ngày làm việc'),
('phan_anh', 'resolve', 15, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: xử lý trong 15 ngày làm việc'),
('phan_anh', 'publish', 2, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: công khai trong 02 ngày làm việc'),
('kien_nghi', 'accept', 2, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: từ chối trong 02 ngày làm việc'),
('kien_nghi', 'resolve', 15, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: xử lý trong 15 ngày làm việc'),
('kien_nghi', 'publish', 2, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: công khai trong 02 ngày làm việc'),
('gop_y', 'resolve', 15, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2 (áp dụng cho góp ý, sáng kiến)'),
('gop_y', 'publish', 2, 'working', NULL, 1, '2022-06-23', NULL, 'QĐ 766/QĐ-TTg, chỉ số 5.2: công khai trong 02 ngày làm việc');

-- One counter per unit and period: the case code's daily sequence ('D2026-12-04') and the
-- document register's running number per unit, year and kind ('Y2026:TB', 'Y2026:QD').
CREATE TABLE feedback_counters (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (unit_id, period)
) STRICT;

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,             -- {unit code}-{prefix}{yymmdd}-{seq}, e.g. 05443-KN261204-003
    secret TEXT NOT NULL,                  -- 6 characters, for the citizen's follow-up
    unit_id INTEGER NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL CHECK (kind IN ('gop_y', 'bieu_duong', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao')),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'desk', 'box', 'hotline', 'reception', 'rating', 'open311')),
    status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'suspended', 'resolved', 'refused',
                                           'withdrawn', 'forwarded')),
    subject TEXT NOT NULL,
    content TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',         -- '' = anonymous
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',    -- CCCD, when given
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    as_information INTEGER NOT NULL DEFAULT 0 CHECK (as_information IN (0, 1)),  -- anonymous tố cáo
    dossier_id INTEGER REFERENCES dossiers(id),
    user_id INTEGER REFERENCES users(id),  -- the officer who keyed it in; NULL: the public
    assignee_id INTEGER REFERENCES users(id),
    source_ref TEXT NOT NULL DEFAULT '',   -- 'rating:12', 'reception:7', 'open311:<app>'
    service_code TEXT NOT NULL DEFAULT '', -- Open311
    location_text TEXT NOT NULL DEFAULT '',
    lat_e6 INTEGER,                        -- latitude and longitude in millionths of a degree
    lon_e6 INTEGER,
    consent_publish INTEGER NOT NULL DEFAULT 0 CHECK (consent_publish IN (0, 1)),
    remote_area INTEGER NOT NULL DEFAULT 0 CHECK (remote_area IN (0, 1)),
    rule_from TEXT NOT NULL,               -- YYYY-MM-DD: the local day of receipt, picks the rule rows
    received_at INTEGER NOT NULL,
    accept_due_at INTEGER,                 -- NULL: no acceptance clock
    accepted_at INTEGER,
    due_at INTEGER,                        -- resolution deadline (moved by extensions and suspensions)
    original_due_at INTEGER,
    extensions INTEGER NOT NULL DEFAULT 0 CHECK (extensions >= 0),
    paused_at INTEGER,                     -- suspended since
    paused_days INTEGER NOT NULL DEFAULT 0 CHECK (paused_days >= 0),  -- days (of the clock's type) spent suspended
    clock_at INTEGER,                      -- the deadline running now (acceptance or resolution); NULL = none
    resolved_at INTEGER,
    closed_at INTEGER,                     -- resolved, refused, withdrawn or forwarded
    answer TEXT NOT NULL DEFAULT '',       -- the answer, decision or conclusion's substance
    public_answer TEXT NOT NULL DEFAULT '',-- as published, personal data masked
    published_at INTEGER,
    publish_due_at INTEGER,
    outcome_note TEXT NOT NULL DEFAULT '', -- refusal, withdrawal, forwarding reason
    helpful INTEGER NOT NULL DEFAULT 0 CHECK (helpful IN (0, 1)),  -- proposes a thanks letter
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_unit_status ON feedback(unit_id, status, received_at);
CREATE INDEX feedback_unit_clock ON feedback(unit_id, clock_at) WHERE clock_at IS NOT NULL;
CREATE INDEX feedback_unit_received ON feedback(unit_id, received_at);
CREATE INDEX feedback_unit_kind ON feedback(unit_id, kind, received_at);
CREATE INDEX feedback_service ON feedback(service_code, received_at);

-- Every step of a case, and the document it produced with its register number.
CREATE TABLE feedback_steps (
    feedback_id INTEGER NOT NULL REFERENCES feedback(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('receive', 'accept', 'refuse', 'extend', 'suspend', 'resume', 'withdraw',
                                       'resolve', 'publish', 'forward', 'assign', 'thanks')),
    at INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',         -- grounds, reasons, the answer
    old_due_at INTEGER,
    new_due_at INTEGER,
    doc_kind TEXT NOT NULL DEFAULT '' CHECK (doc_kind IN ('', 'accept_notice', 'refuse_notice', 'extension',
                                                          'suspension', 'resumption', 'decision', 'conclusion',
                                                          'answer')),
    doc_number INTEGER,                    -- per unit, year and register (TB, QĐ, KL)
    doc_year INTEGER,
    PRIMARY KEY (feedback_id, seq)
) STRICT;

-- Attachments (images and PDFs), kept in the database, base64 in a TEXT column so the schema
-- stays in the subset PostgreSQL shares. The type is sniffed from the bytes at upload.
CREATE TABLE feedback_files (
    id INTEGER PRIMARY KEY,
    feedback_id INTEGER NOT NULL REFERENCES feedback(id),
    name TEXT NOT NULL,                    -- as uploaded (shown, never trusted)
    mime TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL,                    -- base64
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_files_case ON feedback_files(feedback_id);
