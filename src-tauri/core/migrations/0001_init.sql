-- Cinedesk schema, version 1. Released migrations never change: add a new file instead.
-- Times are epoch milliseconds; money is fen; ids are opaque random strings.

CREATE TABLE sys_enums (
    kind        TEXT NOT NULL,              -- MOVIE_COUNTRY | MOVIE_CATEGORY | CINEMA_REGION | USER_ROLE
    id          TEXT NOT NULL,
    name        TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0,
    sort        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE cinemas (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    number_of_halls  INTEGER NOT NULL DEFAULT 0,
    region_id        TEXT NOT NULL,
    coms_mac         TEXT,
    coms_ip          TEXT,
    description      TEXT,
    coms_last_seen   INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX cinemas_region ON cinemas(region_id, code);

CREATE TABLE halls (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    cinema_id        TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    number_of_seats  INTEGER NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX halls_cinema ON halls(cinema_id, code);

CREATE TABLE hmd_models (
    id                TEXT PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    vendor            TEXT,
    description       TEXT,
    resolution        TEXT,              -- per eye, e.g. 2160x2160
    refresh_rate_hz   INTEGER,
    field_of_view_deg INTEGER,
    weight_g          INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE seat_models (
    id                 TEXT PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    vendor             TEXT,
    description        TEXT,
    degrees_of_freedom INTEGER,           -- 2, 3 or 6
    max_load_kg        INTEGER,
    effects            TEXT NOT NULL DEFAULT '',  -- comma list: WIND,VIBRATION,WATER,...
    created_at         INTEGER NOT NULL
);

CREATE TABLE vr_clients (
    id            TEXT PRIMARY KEY,
    hall_id       TEXT NOT NULL REFERENCES halls(id) ON DELETE CASCADE,
    -- Derived from the hall at write time and kept in step by trigger, so that "seats of a
    -- cinema" is one index range instead of a join over 300,000 rows.
    cinema_id     TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    scene_number  TEXT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    seat_number   TEXT NOT NULL,
    host_model    TEXT,
    seat_model    TEXT REFERENCES seat_models(code) ON UPDATE CASCADE,
    hmd_model     TEXT REFERENCES hmd_models(code) ON UPDATE CASCADE,
    mac           TEXT,
    ip            TEXT NOT NULL,
    description   TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (hall_id, seat_number)
);
CREATE INDEX vr_clients_cinema ON vr_clients(cinema_id, hall_id, seat_number);
-- Partial: most seats are imported before models are assigned, and bulk imports should not
-- pay for index entries that only the "is this model still used" check reads.
CREATE INDEX vr_clients_seat_model ON vr_clients(seat_model) WHERE seat_model IS NOT NULL;
CREATE INDEX vr_clients_hmd_model ON vr_clients(hmd_model) WHERE hmd_model IS NOT NULL;

CREATE TRIGGER halls_move_keeps_seats AFTER UPDATE OF cinema_id ON halls
BEGIN
    UPDATE vr_clients SET cinema_id = NEW.cinema_id WHERE hall_id = NEW.id;
END;

-- Scene numbers are handed out from a counter so that a regenerated number is never reused.
CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters(name, value) VALUES ('scene_number', 10000);

CREATE TABLE movies (
    id              TEXT PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    duration        INTEGER NOT NULL,
    description     TEXT NOT NULL,
    type            TEXT NOT NULL,
    category        TEXT NOT NULL,       -- comma list as the seed sends it; movie_categories indexes it
    country         TEXT NOT NULL,
    file_id         TEXT,
    icon_id         TEXT,
    poster_id       TEXT,
    schedule_start  INTEGER,
    schedule_end    INTEGER,
    online          INTEGER NOT NULL DEFAULT 0,
    weixin_url      TEXT,
    price           INTEGER NOT NULL,
    is_hot          INTEGER NOT NULL DEFAULT 0,
    num_of_praise   INTEGER NOT NULL DEFAULT 0,
    num_of_view     INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL
);
-- Ascending on every column so that the default "schedule_start DESC, id DESC" walks the index
-- backwards with no sort; a mixed-direction index would force a temp B-tree per page.
CREATE INDEX movies_schedule ON movies(schedule_start, id);
CREATE INDEX movies_type ON movies(type, schedule_start, id);
CREATE INDEX movies_country ON movies(country, schedule_start, id);
-- The country + type pair gets its own index: SQLite uses one index per table and never
-- intersects two, and films are written rarely, so the extra index is cheap.
CREATE INDEX movies_country_type ON movies(country, type, schedule_start, id);

-- Fuzzy name search: a trigram index answers LIKE '%…%' for three or more characters without
-- reading every film. It indexes movies.name by rowid and is kept in step by triggers.
CREATE VIRTUAL TABLE movies_fts USING fts5(name, content = 'movies', content_rowid = 'rowid', tokenize = 'trigram');
CREATE TRIGGER movies_fts_insert AFTER INSERT ON movies BEGIN
    INSERT INTO movies_fts(rowid, name) VALUES (NEW.rowid, NEW.name);
END;
CREATE TRIGGER movies_fts_delete AFTER DELETE ON movies BEGIN
    INSERT INTO movies_fts(movies_fts, rowid, name) VALUES ('delete', OLD.rowid, OLD.name);
END;
CREATE TRIGGER movies_fts_update AFTER UPDATE OF name ON movies BEGIN
    INSERT INTO movies_fts(movies_fts, rowid, name) VALUES ('delete', OLD.rowid, OLD.name);
    INSERT INTO movies_fts(rowid, name) VALUES (NEW.rowid, NEW.name);
END;

CREATE TABLE movie_categories (
    movie_id  TEXT NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
    category  TEXT NOT NULL,
    PRIMARY KEY (category, movie_id)
) WITHOUT ROWID;
CREATE INDEX movie_categories_movie ON movie_categories(movie_id);

-- One praise per WeChat user when an open_id is given; anonymous praises only count.
CREATE TABLE movie_praises (
    movie_id  TEXT NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
    open_id   TEXT NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (movie_id, open_id)
) WITHOUT ROWID;

CREATE TABLE distributions (
    movie_id        TEXT NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
    cinema_id       TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    distributed_at  INTEGER NOT NULL,
    PRIMARY KEY (cinema_id, movie_id)
) WITHOUT ROWID;
CREATE INDEX distributions_movie ON distributions(movie_id);

CREATE TABLE vod_tasks (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES vr_clients(id) ON DELETE CASCADE,
    cinema_id   TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    open_id     TEXT,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX vod_tasks_cinema ON vod_tasks(cinema_id, created_at DESC);
CREATE INDEX vod_tasks_client ON vod_tasks(client_id, created_at DESC);

CREATE TABLE vod_task_movies (
    task_id   TEXT NOT NULL REFERENCES vod_tasks(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    -- No foreign key: a finished task keeps the history of what was played even after the
    -- film is deleted. Deleting a film that an unfinished task still needs is refused.
    movie_id  TEXT NOT NULL,
    PRIMARY KEY (task_id, position)
) WITHOUT ROWID;
CREATE INDEX vod_task_movies_movie ON vod_task_movies(movie_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    alias          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    icon_id        TEXT,
    role           TEXT NOT NULL,       -- comma list of USER_ROLE ids
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,       -- sha256 of the bearer token; the token itself is never stored
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- The COMS outbox: one ordered queue per cinema. A message stays at the head of its queue
-- until the cinema acknowledges it; `seq` gives the order.
CREATE TABLE coms_messages (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    cinema_id   TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    acked_at    INTEGER
);
CREATE INDEX coms_messages_pending ON coms_messages(cinema_id, seq) WHERE acked_at IS NULL;
