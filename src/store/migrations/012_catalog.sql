-- 012: everyday words for catalogue search, and an import that finds its rows by index
-- (src/catalog). Portable subset as in 001.

-- The names people use for a procedure that its official name lacks ("báo tử", "sao y",
-- "đăng ký cưới"), comma-separated; searched with the name (they are in search_key).
ALTER TABLE procedures ADD COLUMN keywords TEXT NOT NULL DEFAULT '';

-- A CSV row without a code updates the code-less procedure of the same unit and name: this
-- index answers that lookup without reading the unit's whole catalogue (rows with a code use
-- procedures_unit_code).
CREATE INDEX procedures_unit_name ON procedures(unit_id, name) WHERE code = '';
