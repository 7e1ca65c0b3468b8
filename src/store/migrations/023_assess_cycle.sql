-- 023: the assessment cycle's recognition (src/assess/cycle.c): the appraiser may recognise a
-- lower level than the appraisal score reaches, never a higher one, and must say why.
ALTER TABLE assessments ADD COLUMN level_reason TEXT NOT NULL DEFAULT '';
