-- 021: finishing issue 12 (the citizen's voice): the due-soon and overdue warnings of feedback
-- cases, sent once (src/feedback/feedback_warn.c), and refusals to receive a citizen in the
-- reception register (src/reception). Portable subset as in 001.

-- How many working days before a case's running deadline (acceptance or resolution) the unit's
-- staff are warned, from a date: a unit's practice, not a rule of law (the law sets the
-- deadlines, src/feedback's feedback_deadlines); the board (/phan-anh/han) shows three working
-- days ahead. The warning when the deadline passes is always sent (threshold -1 below).
CREATE TABLE feedback_warn_thresholds (
    valid_from TEXT NOT NULL,              -- YYYY-MM-DD
    days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 30),
    basis TEXT NOT NULL,
    PRIMARY KEY (valid_from, days)
) STRICT;
INSERT INTO feedback_warn_thresholds VALUES ('2024-01-01', 3,
    'Thân Thiện: nhắc trước 03 ngày làm việc, như bảng theo dõi hạn (/phan-anh/han)');

-- The warnings sent: one per case, step (whose deadline) and threshold (working days before it;
-- -1 = the deadline passed), for the deadline as it stood (an extension or a suspension moves it,
-- and the moved deadline is warned of again). A restart finds the row and does not resend.
CREATE TABLE feedback_warnings (
    feedback_id INTEGER NOT NULL REFERENCES feedback(id),
    step TEXT NOT NULL CHECK (step IN ('accept', 'resolve')),
    threshold INTEGER NOT NULL CHECK (threshold >= -1),
    due_at INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (feedback_id, step, threshold, due_at)
) STRICT;

-- Refusing to receive a citizen (từ chối tiếp công dân). The grounds as dated data: the law in
-- force on the day the citizen came gives the list. Luật Tiếp công dân 42/2013/QH13, Điều 9
-- (confirmed with search: lawnet.vn "Căn cứ Điều 9 Luật tiếp công dân 2013 ...", English at
-- lawnet.vn/.../according-to-the-law-in-vietnam-can-the-unit-responsible-for-receiving-citizens-
-- refuse-when-citizens-come-to-complain-while-drunk-395909; plo.vn "Các trường hợp được từ chối
-- tiếp công dân theo quy định mới"): the receiving officer may refuse (1) a person drunk from
-- stimulants or with a mental or other illness that takes away awareness or control; (2) one who
-- threatens or insults the agency or the officers or breaks the reception rules; (3) one who
-- keeps complaining or denouncing a matter already settled properly, reviewed and answered in
-- writing, and already received and guided; (4) other cases the law provides. Thông tư
-- 04/2021/TT-TTCP (effective 15/11/2021, plo.vn), Điều 4: the officer explains the reason and
-- reports to the person in charge; in case (3) the head of the unit issues the written notice
-- ("Thông báo từ chối tiếp công dân"). Luật 136/2025/QH15 (from 01/7/2026): no change to Art. 9
-- was found with search (not confirmed either way); a change is a new set of rows.
-- notice: 1 where the head issues the written notice for this ground (the PDF can be printed
-- for every ground; the register always records it).
CREATE TABLE reception_refusal_grounds (
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,              -- the set in force from this day (all rows of one valid_from)
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    basis TEXT NOT NULL,
    notice INTEGER NOT NULL DEFAULT 0 CHECK (notice IN (0, 1)),
    PRIMARY KEY (valid_from, code)
) STRICT;
INSERT INTO reception_refusal_grounds VALUES ('say_benh', '2014-07-01', 1,
    'Người trong tình trạng say do dùng chất kích thích, người mắc bệnh tâm thần hoặc một bệnh khác làm mất khả năng nhận thức hoặc khả năng điều khiển hành vi của mình',
    'Luật Tiếp công dân 2013, Điều 9 khoản 1', 0);
INSERT INTO reception_refusal_grounds VALUES ('de_doa', '2014-07-01', 2,
    'Người có hành vi đe dọa, xúc phạm cơ quan, tổ chức, đơn vị, người tiếp công dân, người thi hành công vụ hoặc có hành vi khác vi phạm nội quy nơi tiếp công dân',
    'Luật Tiếp công dân 2013, Điều 9 khoản 2', 0);
INSERT INTO reception_refusal_grounds VALUES ('da_giai_quyet', '2014-07-01', 3,
    'Người khiếu nại, tố cáo về vụ việc đã giải quyết đúng chính sách, pháp luật, được cơ quan nhà nước có thẩm quyền kiểm tra, rà soát, thông báo bằng văn bản và đã được tiếp, giải thích, hướng dẫn nhưng vẫn cố tình khiếu nại, tố cáo kéo dài',
    'Luật Tiếp công dân 2013, Điều 9 khoản 3; Thông tư 04/2021/TT-TTCP, Điều 4', 1);
INSERT INTO reception_refusal_grounds VALUES ('khac', '2014-07-01', 4,
    'Trường hợp khác theo quy định của pháp luật',
    'Luật Tiếp công dân 2013, Điều 9 khoản 4', 0);

-- The form of the written notice, dated: its designation and the text it comes from. Thông tư
-- 04/2021/TT-TTCP's annex names the form "Thông báo về việc từ chối tiếp công dân"; its number
-- "Mẫu số 01/TCD" follows the research notes (legal.md §2.3), NOT confirmed with search.
CREATE TABLE reception_refusal_forms (
    valid_from TEXT PRIMARY KEY,
    form_code TEXT NOT NULL,               -- printed at the top right; '' = none
    title TEXT NOT NULL,
    basis TEXT NOT NULL
) STRICT;
INSERT INTO reception_refusal_forms VALUES ('2021-11-15', 'Mẫu số 01/TCD', 'Về việc từ chối tiếp công dân',
    'Thông tư số 04/2021/TT-TTCP của Thanh tra Chính phủ quy định quy trình tiếp công dân');

-- One refusal per reception, with the number of its notice in the unit's register (per year).
CREATE TABLE reception_refusals (
    reception_id INTEGER PRIMARY KEY REFERENCES receptions(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    ground TEXT NOT NULL,                  -- reception_refusal_grounds.code
    ground_from TEXT NOT NULL,             -- its valid_from: the set the ground was chosen from
    reason TEXT NOT NULL,                  -- the facts
    signer_name TEXT NOT NULL,
    signer_title TEXT NOT NULL DEFAULT '',
    refused_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    UNIQUE (unit_id, year, number)
) STRICT;

-- The register's 2021 columns, confirmed with search (hoatieu.top/bieu-mau/mau-so-tiep-cong-dan-
-- 133122: "Sổ tiếp công dân - Mẫu số 03 kèm theo Thông tư 04/2021/TT-TTCP ... ban hành ngày
-- 01/10/2021"): STT | Ngày tiếp | Họ tên - Địa chỉ | CMND/Hộ chiếu của công dân | Nội dung vụ
-- việc | Phân loại đơn/Số người | Cơ quan đã giải quyết | Hướng xử lý (three sub-columns: Thụ lý
-- để giải quyết; Trả lại đơn và hướng dẫn; Chuyển đơn đến cơ quan, tổ chức, đơn vị có thẩm
-- quyền) | Theo dõi kết quả giải quyết | Ghi chú. Migration 018 had the name, the address and the
-- ID in one column and "Phân loại vụ việc"; the set from 15/11/2021 (the circular's effective
-- date) is replaced by the form's. The three sub-columns of "Hướng xử lý" are one column here,
-- its header naming them (the cell says which applies). The set of 01/7/2026 (NĐ 154/2026) stays
-- as 018 has it: no copy of its form was found with search.
DELETE FROM reception_register_columns WHERE valid_from = '2021-11-15';
INSERT INTO reception_register_columns VALUES ('2021-11-15', 1, 'seq', 'STT', 35, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 2, 'date', 'Ngày tiếp', 80, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 3, 'citizen', 'Họ tên - Địa chỉ', 150, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 4, 'id_number', 'CMND/Hộ chiếu của công dân', 100, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 5, 'content', 'Nội dung vụ việc', 200, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 6, 'kind_people', 'Phân loại đơn/Số người', 80, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 7, 'prior', 'Cơ quan đã giải quyết', 100, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 8, 'handling', 'Hướng xử lý (Thụ lý để giải quyết / Trả lại đơn và hướng dẫn / Chuyển đơn đến cơ quan, tổ chức, đơn vị có thẩm quyền)', 160, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 9, 'followup', 'Theo dõi kết quả giải quyết', 110, 'TT 04/2021/TT-TTCP, Mẫu số 03');
INSERT INTO reception_register_columns VALUES ('2021-11-15', 10, 'note', 'Ghi chú', 70, 'TT 04/2021/TT-TTCP, Mẫu số 03');
