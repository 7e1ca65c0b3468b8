-- 017: the Open311 GeoReport v2 API (src/feedback/open311.c): the keys of the apps that file
-- feedback, the service list, and which app filed which case. Portable subset as in 001.
-- Spec: wiki.open311.org/GeoReport_v2; research/peers.md §3.

-- An app's key, issued by an administrator (thanthien api-key add) for one unit. Only a hash
-- is kept (BLAKE2b-256, libsodium crypto_generichash, hex): the key itself is printed once.
-- prefix is its first characters, to tell keys apart in lists. revoked_at: NULL = in use.
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

-- The services an app may file (GET services): one per feedback kind. Data, not code: a
-- province renames or hides a service (active 0), or makes it 'batch' (the POST answers a
-- token that tokens/{token} turns into the case's code) without a new program.
--   needs_name  1: the app must send the person's name and address; an anonymous one is refused
--               (khiếu nại: Luật Khiếu nại 02/2011 Art. 8(2); tố cáo: an app cannot show who
--               the denouncer is, and Luật Tố cáo 25/2018 Art. 25(2) handles an anonymous
--               denunciation only as information, so the API takes only named ones).
--   public      1: the case's text (masked, with the citizen's consent) and place are shown in
--               GET requests; 0 (complaints, denunciations): only its status and dates.
CREATE TABLE open311_services (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL UNIQUE CHECK (kind IN ('gop_y', 'bieu_duong', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao')),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    group_name TEXT NOT NULL,
    keywords TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'realtime' CHECK (type IN ('realtime', 'batch')),
    needs_name INTEGER NOT NULL DEFAULT 0 CHECK (needs_name IN (0, 1)),
    public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    position INTEGER NOT NULL
) STRICT;

INSERT INTO open311_services (code, kind, name, description, group_name, keywords, type, needs_name, public, position) VALUES
('phan_anh', 'phan_anh', 'Phản ánh',
 'Phản ánh về hành vi hành chính, sự chậm trễ, phiền hà của cơ quan, cán bộ, hoặc về quy định hành chính (Nghị định 20/2008/NĐ-CP). Cần họ tên, địa chỉ và số điện thoại người gửi.',
 'Phản ánh, kiến nghị', 'phản ánh, phan anh, khiếu nại nhỏ, sự cố, hạ tầng', 'realtime', 0, 1, 1),
('kien_nghi', 'kien_nghi', 'Kiến nghị',
 'Kiến nghị, đề xuất về quy định hành chính hoặc cách giải quyết công việc (Nghị định 20/2008/NĐ-CP). Cần họ tên, địa chỉ và số điện thoại người gửi.',
 'Phản ánh, kiến nghị', 'kiến nghị, kien nghi, đề xuất, sáng kiến', 'realtime', 0, 1, 2),
('gop_y', 'gop_y', 'Góp ý',
 'Góp ý về thái độ phục vụ, chất lượng dịch vụ công, cơ sở vật chất. Có thể gửi không ghi tên.',
 'Góp ý, biểu dương', 'góp ý, gop y, ý kiến, thùng thư góp ý', 'realtime', 0, 1, 3),
('bieu_duong', 'bieu_duong', 'Biểu dương',
 'Biểu dương cán bộ, công chức, tập thể phục vụ tốt. Có thể gửi không ghi tên.',
 'Góp ý, biểu dương', 'biểu dương, bieu duong, khen ngợi, cảm ơn', 'realtime', 0, 1, 4),
('khieu_nai', 'khieu_nai', 'Khiếu nại',
 'Khiếu nại quyết định hành chính, hành vi hành chính của Ủy ban nhân dân cấp xã hoặc cán bộ, công chức do Chủ tịch trực tiếp quản lý (Luật Khiếu nại). Phải ghi rõ họ tên và địa chỉ người khiếu nại.',
 'Khiếu nại, tố cáo', 'khiếu nại, khieu nai, quyết định hành chính', 'realtime', 1, 0, 5),
('to_cao', 'to_cao', 'Tố cáo',
 'Tố cáo hành vi vi phạm pháp luật của cán bộ, công chức do Chủ tịch Ủy ban nhân dân cấp xã trực tiếp quản lý (Luật Tố cáo). Phải ghi rõ họ tên và địa chỉ người tố cáo; thông tin người tố cáo được giữ bí mật.',
 'Khiếu nại, tố cáo', 'tố cáo, to cao, vi phạm, tham nhũng', 'realtime', 1, 0, 6);

-- Which app filed which case. token: what a 'batch' service answers instead of the code
-- (random, unguessable). media_url and account_id as the app sent them.
CREATE TABLE open311_requests (
    feedback_id INTEGER PRIMARY KEY REFERENCES feedback(id),
    api_key_id INTEGER NOT NULL REFERENCES api_keys(id),
    token TEXT NOT NULL UNIQUE,
    media_url TEXT NOT NULL DEFAULT '',
    account_id TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX open311_requests_key ON open311_requests(api_key_id, created_at);
