-- 010: the link to a procedure's application form template (mẫu tờ khai), shown on the
-- public procedure page as "Tải mẫu tờ khai" when the catalogue has one; empty = none.
ALTER TABLE procedures ADD COLUMN form_url TEXT NOT NULL DEFAULT '';
