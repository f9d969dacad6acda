-- Issue 13 point 4: alerts. Rules a manager tunes, notifications raised and cleared by the
-- sites' events and one timer, and webhooks fed from an outbox written in the notification's
-- own transaction (a crash loses no call). See docs/alerts.md.

-- One row per rule. threshold: COMS_OFFLINE minutes, DELIVERY_STUCK hours, DISK_LOW GiB free;
-- NULL for the rules that fire on a state (a seat in ERROR, a delivery FAILED).
CREATE TABLE alert_rules (
    kind       TEXT PRIMARY KEY CHECK (kind IN ('COMS_OFFLINE', 'SEAT_ERROR', 'DELIVERY_FAILED', 'DELIVERY_STUCK', 'DISK_LOW')),
    enabled    INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    threshold  INTEGER CHECK (threshold IS NULL OR threshold > 0)
);
INSERT INTO alert_rules(kind, enabled, threshold) VALUES
    ('COMS_OFFLINE', 1, 5),
    ('SEAT_ERROR', 1, NULL),
    ('DELIVERY_FAILED', 1, NULL),
    ('DELIVERY_STUCK', 1, 6),
    ('DISK_LOW', 1, 10);

-- subject: what the alert is about within its kind: the cinema (COMS_OFFLINE, DISK_LOW), the
-- seat (SEAT_ERROR), `<movie>/<cinema>` (DELIVERY_*). cleared_at NULL = still open.
CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    cinema_id   TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    client_id   TEXT,
    movie_id    TEXT,
    message     TEXT NOT NULL,
    raised_at   INTEGER NOT NULL,
    cleared_at  INTEGER
);
-- "Fires once": at most one open notification per (kind, subject), whoever raises it.
CREATE UNIQUE INDEX notifications_open ON notifications(kind, subject) WHERE cleared_at IS NULL;
CREATE INDEX notifications_raised ON notifications(raised_at, id);
CREATE INDEX notifications_cinema ON notifications(cinema_id, raised_at);

-- Who has read which notification (a clear makes it unread again: it is news).
CREATE TABLE notification_reads (
    notification_id  TEXT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    user_id          TEXT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
CREATE INDEX notification_reads_user ON notification_reads(user_id);

-- The timer's deadlines, from indexes: the oldest COMS last seen, the oldest DOWNLOADING pair.
CREATE INDEX cinemas_coms_last_seen ON cinemas(coms_last_seen) WHERE coms_last_seen IS NOT NULL;
CREATE INDEX deliveries_downloading ON deliveries(updated_at) WHERE state = 'DOWNLOADING';

CREATE TABLE webhooks (
    id          TEXT PRIMARY KEY,
    url         TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('JSON', 'WECOM', 'DINGTALK')),
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One row per raise or clear per webhook, written with the notification. sent_at NULL = still
-- to send at next_at (back-off after each failed attempt).
CREATE TABLE webhook_outbox (
    id               INTEGER PRIMARY KEY,
    webhook_id       TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    notification_id  TEXT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    state            TEXT NOT NULL CHECK (state IN ('RAISED', 'CLEARED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          INTEGER NOT NULL,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(next_at) WHERE sent_at IS NULL;
-- Calls go out in order per webhook: the head of its queue is its oldest unsent call.
CREATE INDEX webhook_outbox_queue ON webhook_outbox(webhook_id, id) WHERE sent_at IS NULL;
