-- 008: the one-stop forms (src/dossier/forms.c). Portable subset as in 001.

-- The desk's own telephone, printed on the supplement request ("liên hệ với … số điện thoại
-- …") and set by the administrator with the unit; '' = the unit's general number.
ALTER TABLE units ADD COLUMN desk_phone TEXT NOT NULL DEFAULT '';
