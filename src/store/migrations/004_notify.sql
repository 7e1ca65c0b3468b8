-- 004: the notification outbox and the per-unit message templates (src/notify).
-- Portable subset as in 001. dossier_id names a dossier (table dossiers, migration 002)
-- without a foreign key, so that this migration stands on 001 alone and a notification that
-- is not about a dossier (NULL) needs nothing else.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),   -- whose templates and whose staff see it
    dossier_id INTEGER,                    -- dossiers(id), or NULL
    event TEXT NOT NULL,                   -- receipt, supplement, refusal, due_soon, apology, result_ready
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
    recipient TEXT NOT NULL,               -- an e-mail address or a phone number (digits, maybe a leading +)
    subject TEXT NOT NULL DEFAULT '',      -- e-mail only
    body TEXT NOT NULL,                    -- the rendered message, plain text
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at INTEGER NOT NULL,              -- a pending row is due when next_at <= now
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at INTEGER
) STRICT;
-- the sender's question: what is pending and due, oldest first
CREATE INDEX outbox_due ON outbox(status, next_at);
-- the staff page: a unit's rows, newest first
CREATE INDEX outbox_unit ON outbox(unit_id, id);
CREATE INDEX outbox_dossier ON outbox(dossier_id) WHERE dossier_id IS NOT NULL;

-- A unit's own wording of a message; a unit without one uses its nearest ancestor's, then
-- the built-in Vietnamese default (src/notify/notify.c).
CREATE TABLE notify_templates (
    unit_id INTEGER NOT NULL REFERENCES units(id),
    event TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    PRIMARY KEY (unit_id, event, channel)
) STRICT;
