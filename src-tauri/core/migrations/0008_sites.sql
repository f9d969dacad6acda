-- Issue 13 ("Operate the chain"): the sites report back. Seats' liveness, faults and QR tokens;
-- the COMS's own figures; every (film, cinema) pair's delivery; commands to seats; what a VOD
-- task cost when ordered and when its status changed.

-- Seats -----------------------------------------------------------------------------------
-- last_seen: epoch ms of the last report of the seat by its COMS, kept at a coarse resolution
-- (the exact value lives in memory; see vr_client.rs). `online` is derived at read time.
ALTER TABLE vr_clients ADD COLUMN last_seen INTEGER;
-- The unguessable half of a seat's QR payload: a printed code cannot be edited into a neighbour's.
ALTER TABLE vr_clients ADD COLUMN qr_token TEXT;
-- The latest fault the seat reported (kept after it cleared, for the seat map).
ALTER TABLE vr_clients ADD COLUMN fault_code TEXT;
ALTER TABLE vr_clients ADD COLUMN fault_message TEXT;
ALTER TABLE vr_clients ADD COLUMN fault_at INTEGER;
ALTER TABLE vr_clients ADD COLUMN fault_cleared_at INTEGER;

-- 96 random bits as 24 lowercase hex characters for every seat there is.
UPDATE vr_clients SET qr_token = lower(hex(randomblob(12)));
CREATE UNIQUE INDEX vr_clients_qr_token ON vr_clients(qr_token);
-- ALTER TABLE cannot add NOT NULL without a constant default (and a shared default would break
-- the UNIQUE index): these make "every seat has a token of 16 or more characters" structural.
CREATE TRIGGER vr_clients_qr_token_insert BEFORE INSERT ON vr_clients
    WHEN NEW.qr_token IS NULL OR length(NEW.qr_token) < 16
BEGIN
    SELECT RAISE(ABORT, 'vr_clients.qr_token must hold at least 16 characters');
END;
CREATE TRIGGER vr_clients_qr_token_update BEFORE UPDATE OF qr_token ON vr_clients
    WHEN NEW.qr_token IS NULL OR length(NEW.qr_token) < 16
BEGIN
    SELECT RAISE(ABORT, 'vr_clients.qr_token must hold at least 16 characters');
END;

-- A code printed under an older template that has no {qrToken} would carry no token: every
-- saved template gains the placeholder once, where a person reading it expects it.
UPDATE settings
   SET value = value || CASE
       WHEN instr(value, '?') > 0 THEN '&qrToken={qrToken}'
       WHEN value LIKE 'http://%' OR value LIKE 'https://%' THEN '?qrToken={qrToken}'
       ELSE ':{qrToken}' END
 WHERE key = 'qr_url_template' AND instr(value, '{qrToken}') = 0;

-- Each fault a seat reported: raised when it reports ERROR, cleared when it reports anything
-- else. At most one open fault per seat.
CREATE TABLE seat_faults (
    id          INTEGER PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES vr_clients(id) ON DELETE CASCADE,
    cinema_id   TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    code        TEXT,
    message     TEXT,
    raised_at   INTEGER NOT NULL,
    cleared_at  INTEGER
);
CREATE UNIQUE INDEX seat_faults_open ON seat_faults(client_id) WHERE cleared_at IS NULL;
CREATE INDEX seat_faults_client ON seat_faults(client_id, id);
CREATE INDEX seat_faults_cinema ON seat_faults(cinema_id, raised_at);
-- A hall moved to another cinema takes its seats along (halls_move_keeps_seats); their faults follow.
CREATE TRIGGER vr_clients_move_keeps_faults AFTER UPDATE OF cinema_id ON vr_clients
BEGIN
    UPDATE seat_faults SET cinema_id = NEW.cinema_id WHERE client_id = NEW.id;
END;

-- The COMS of a cinema ---------------------------------------------------------------------
ALTER TABLE cinemas ADD COLUMN coms_version TEXT;
ALTER TABLE cinemas ADD COLUMN disk_free_bytes INTEGER;
ALTER TABLE cinemas ADD COLUMN disk_total_bytes INTEGER;
-- When a heartbeat last came (coarse, like coms_last_seen).
ALTER TABLE cinemas ADD COLUMN heartbeat_at INTEGER;

-- Deliveries ---------------------------------------------------------------------------------
-- Every (film, cinema) pair a film was distributed to, and how far the site got with it:
-- QUEUED (its message not yet acknowledged) → SENT (acknowledged, in the ack's transaction) →
-- DOWNLOADING (bytes of total_bytes) → READY | FAILED (error); WITHDRAWN.
-- message_seq: the coms_messages.seq whose acknowledgement makes a QUEUED pair SENT.
CREATE TABLE deliveries (
    movie_id        TEXT NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
    cinema_id       TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('QUEUED', 'SENT', 'DOWNLOADING', 'READY', 'FAILED', 'WITHDRAWN')),
    bytes           INTEGER NOT NULL DEFAULT 0,
    total_bytes     INTEGER NOT NULL DEFAULT 0,
    error           TEXT,
    file_id         TEXT,
    message_seq     INTEGER,
    distributed_at  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (movie_id, cinema_id)
);
-- A film's board filtered by state (the primary key serves the unfiltered one).
CREATE INDEX deliveries_movie_state ON deliveries(movie_id, state);
-- A cinema's films, newest change first.
CREATE INDEX deliveries_cinema ON deliveries(cinema_id, updated_at);
-- What an acknowledgement moves: the QUEUED pairs of a cinema up to a message.
CREATE INDEX deliveries_queued ON deliveries(cinema_id, message_seq) WHERE state = 'QUEUED';

-- Distributions so far become deliveries: QUEUED while their NEW_MOVIE waits, SENT once acknowledged.
INSERT INTO deliveries(movie_id, cinema_id, state, total_bytes, file_id, message_seq, distributed_at, updated_at)
SELECT d.movie_id, d.cinema_id,
       CASE WHEN m.seq IS NOT NULL AND m.acked_at IS NULL THEN 'QUEUED' ELSE 'SENT' END,
       coalesce((SELECT f.size FROM files f JOIN movies mv ON mv.file_id = f.id WHERE mv.id = d.movie_id), 0),
       (SELECT file_id FROM movies WHERE id = d.movie_id),
       m.seq, d.distributed_at, coalesce(m.acked_at, d.distributed_at)
  FROM distributions d
  LEFT JOIN coms_messages m ON m.seq = (
       SELECT max(seq) FROM coms_messages
        WHERE cinema_id = d.cinema_id AND type = 'NEW_MOVIE' AND json_extract(payload, '$.movieID') = d.movie_id);
DROP TABLE distributions;

-- Commands -----------------------------------------------------------------------------------
-- PENDING (its COMMAND message not yet acknowledged) → SENT (acknowledged) → DONE | FAILED (the site says).
CREATE TABLE commands (
    id           TEXT PRIMARY KEY,
    cinema_id    TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    action       TEXT NOT NULL CHECK (action IN ('REBOOT', 'SHUTDOWN', 'WAKE_ON_LAN', 'STOP_PLAYBACK')),
    client_ids   TEXT NOT NULL,                  -- JSON array of the seats' ids, as ordered
    state        TEXT NOT NULL CHECK (state IN ('PENDING', 'SENT', 'DONE', 'FAILED')),
    detail       TEXT,
    message_seq  INTEGER NOT NULL,
    created_by   TEXT NOT NULL,                  -- user:<id> or system
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX commands_cinema ON commands(cinema_id, message_seq);
CREATE INDEX commands_pending ON commands(cinema_id, message_seq) WHERE state = 'PENDING';

-- VOD tasks ----------------------------------------------------------------------------------
-- What each film cost when it was ordered (fen); tasks from before kept the film's price of now.
ALTER TABLE vod_task_movies ADD COLUMN price INTEGER;
UPDATE vod_task_movies SET price = (SELECT price FROM movies WHERE movies.id = vod_task_movies.movie_id);

-- Each status a task took, its creation included: who (user:<id>, cinema:<id>, system), when, why.
CREATE TABLE vod_task_events (
    id        INTEGER PRIMARY KEY,
    task_id   TEXT NOT NULL REFERENCES vod_tasks(id) ON DELETE CASCADE,
    status    TEXT NOT NULL,
    reason    TEXT,
    actor     TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX vod_task_events_task ON vod_task_events(task_id, id);
-- Plays and revenue over a period: the tasks that reached a status within it.
CREATE INDEX vod_task_events_status ON vod_task_events(status, at);
INSERT INTO vod_task_events(task_id, status, reason, actor, at)
    SELECT id, 'PENDING', NULL, 'system', created_at FROM vod_tasks;
INSERT INTO vod_task_events(task_id, status, reason, actor, at)
    SELECT id, status, NULL, 'system', updated_at FROM vod_tasks WHERE status <> 'PENDING';
