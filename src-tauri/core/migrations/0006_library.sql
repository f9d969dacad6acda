-- The resource library (issue 6): folders and resources in three kinds of owner space, a
-- classification tree of any depth, and the VOD videos of seed 001 on the file store.
--
-- Owner spaces (seed 004 ownerType): 0 a user's personal space, 1 a cinema's (the seed's group),
-- 2 the chain's (the seed's organisation: one per installation, its id in settings).

INSERT INTO settings(key, value) VALUES ('library.org_id', lower(hex(randomblob(12))));

-- A folder tree per space. parent_id NULL is the space's root, "0" on the wire.
CREATE TABLE disk_folders (
    id          TEXT PRIMARY KEY,
    owner_type  INTEGER NOT NULL CHECK (owner_type IN (0, 1, 2)),
    owner_id    TEXT NOT NULL,
    parent_id   TEXT REFERENCES disk_folders(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_by  TEXT NOT NULL,                  -- user:<id> or cinema:<id>
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
-- A name is unique among its siblings (ASCII letters regardless of case, as on the desktops).
CREATE UNIQUE INDEX disk_folders_name ON disk_folders(owner_type, owner_id, coalesce(parent_id, ''), name COLLATE NOCASE);
CREATE INDEX disk_folders_parent ON disk_folders(parent_id) WHERE parent_id IS NOT NULL;

-- seq is an explicit INTEGER PRIMARY KEY so the full-text index's rowids survive a VACUUM
-- (an implicit rowid may be renumbered by it); `id` is the seed's resId.
CREATE TABLE disk_resources (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    owner_type   INTEGER NOT NULL CHECK (owner_type IN (0, 1, 2)),
    owner_id     TEXT NOT NULL,
    folder_id    TEXT REFERENCES disk_folders(id) ON DELETE CASCADE,   -- NULL: the space's root
    res_form     INTEGER NOT NULL CHECK (res_form IN (1, 2)),           -- 1 a stored file, 2 a network URL
    fid          TEXT REFERENCES files(id),                             -- resForm 1: a file kept while used here
    url          TEXT,                                                  -- resForm 2
    title        TEXT NOT NULL,
    keyword      TEXT NOT NULL DEFAULT '',
    intro        TEXT NOT NULL DEFAULT '',
    res_type     INTEGER NOT NULL CHECK (res_type BETWEEN 0 AND 5),    -- 1 picture, 2 document, 3 video, 4 audio, 5 animation, 0 other
    file_name    TEXT NOT NULL DEFAULT '',
    file_ext     TEXT NOT NULL DEFAULT '',
    file_length  INTEGER NOT NULL DEFAULT 0,
    mime         TEXT NOT NULL DEFAULT '',
    user_id      TEXT NOT NULL,                                         -- the contributor: a user or a cinema id
    user_name    TEXT NOT NULL,
    res_source   INTEGER NOT NULL DEFAULT 0,
    can_removed  INTEGER NOT NULL DEFAULT 0 CHECK (can_removed IN (0, 1)), -- the seed's 0 = may be deleted, 1 = may not
    view_count   INTEGER NOT NULL DEFAULT 0,
    down_count   INTEGER NOT NULL DEFAULT 0,
    marks_count  INTEGER NOT NULL DEFAULT 0,
    score        REAL NOT NULL DEFAULT 0,                              -- the average mark
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
-- One index per sort order of xkzyList (all descending, ties newest first): a page walks its
-- index backwards and stops, whatever the size of the library.
CREATE INDEX disk_resources_views ON disk_resources(view_count, seq);
CREATE INDEX disk_resources_downs ON disk_resources(down_count, seq);
CREATE INDEX disk_resources_created ON disk_resources(created_at, seq);
CREATE INDEX disk_resources_length ON disk_resources(file_length, seq);
CREATE INDEX disk_resources_score ON disk_resources(score, seq);
CREATE INDEX disk_resources_space ON disk_resources(owner_type, owner_id, folder_id);
-- Narrow rows to check a match's space and kind without reading the whole resource: counting
-- a keyword's thousands of matches reads this instead of the table.
CREATE INDEX disk_resources_visibility ON disk_resources(seq, owner_type, owner_id, res_type);
CREATE INDEX disk_resources_folder ON disk_resources(folder_id) WHERE folder_id IS NOT NULL;
CREATE INDEX disk_resources_fid ON disk_resources(fid) WHERE fid IS NOT NULL;

-- Keyword search: a trigram index answers substrings of three characters or more in title,
-- keyword and intro without reading every row.
CREATE VIRTUAL TABLE disk_resources_fts USING fts5(
    title, keyword, intro, content = 'disk_resources', content_rowid = 'seq', tokenize = 'trigram'
);
CREATE TRIGGER disk_resources_fts_insert AFTER INSERT ON disk_resources BEGIN
    INSERT INTO disk_resources_fts(rowid, title, keyword, intro) VALUES (NEW.seq, NEW.title, NEW.keyword, NEW.intro);
END;
CREATE TRIGGER disk_resources_fts_delete AFTER DELETE ON disk_resources BEGIN
    INSERT INTO disk_resources_fts(disk_resources_fts, rowid, title, keyword, intro)
        VALUES ('delete', OLD.seq, OLD.title, OLD.keyword, OLD.intro);
END;
CREATE TRIGGER disk_resources_fts_update AFTER UPDATE OF title, keyword, intro ON disk_resources BEGIN
    INSERT INTO disk_resources_fts(disk_resources_fts, rowid, title, keyword, intro)
        VALUES ('delete', OLD.seq, OLD.title, OLD.keyword, OLD.intro);
    INSERT INTO disk_resources_fts(rowid, title, keyword, intro) VALUES (NEW.seq, NEW.title, NEW.keyword, NEW.intro);
END;

-- Resources per space and kind, kept by trigger: the totalCount of a listing without keyword,
-- classification or folder is a sum over a few rows instead of a count over the library.
CREATE TABLE disk_counts (
    owner_type  INTEGER NOT NULL,
    owner_id    TEXT NOT NULL,
    res_type    INTEGER NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (owner_type, owner_id, res_type)
) WITHOUT ROWID;
CREATE TRIGGER disk_counts_insert AFTER INSERT ON disk_resources BEGIN
    INSERT OR IGNORE INTO disk_counts(owner_type, owner_id, res_type, n) VALUES (NEW.owner_type, NEW.owner_id, NEW.res_type, 0);
    UPDATE disk_counts SET n = n + 1 WHERE owner_type = NEW.owner_type AND owner_id = NEW.owner_id AND res_type = NEW.res_type;
END;
CREATE TRIGGER disk_counts_delete AFTER DELETE ON disk_resources BEGIN
    UPDATE disk_counts SET n = n - 1 WHERE owner_type = OLD.owner_type AND owner_id = OLD.owner_id AND res_type = OLD.res_type;
END;
CREATE TRIGGER disk_counts_update AFTER UPDATE OF owner_type, owner_id, res_type ON disk_resources BEGIN
    UPDATE disk_counts SET n = n - 1 WHERE owner_type = OLD.owner_type AND owner_id = OLD.owner_id AND res_type = OLD.res_type;
    INSERT OR IGNORE INTO disk_counts(owner_type, owner_id, res_type, n) VALUES (NEW.owner_type, NEW.owner_id, NEW.res_type, 0);
    UPDATE disk_counts SET n = n + 1 WHERE owner_type = NEW.owner_type AND owner_id = NEW.owner_id AND res_type = NEW.res_type;
END;

-- Two-character keywords (a Chinese word is often two) are below the trigram index's reach:
-- the distinct character pairs of each title and keyword list are indexed here, by trigger.
-- (The intro is searched from three characters on.) disk_numbers counts positions in a text.
CREATE TABLE disk_numbers (n INTEGER PRIMARY KEY);
INSERT INTO disk_numbers(n) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300) SELECT n FROM c;
CREATE TABLE disk_resource_bigrams (
    gram  TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (gram, seq)
) WITHOUT ROWID;
CREATE TRIGGER disk_bigrams_insert AFTER INSERT ON disk_resources BEGIN
    INSERT OR IGNORE INTO disk_resource_bigrams(gram, seq)
        SELECT lower(substr(NEW.title, n, 2)), NEW.seq FROM disk_numbers WHERE n < length(NEW.title)
        UNION SELECT lower(substr(NEW.keyword, n, 2)), NEW.seq FROM disk_numbers WHERE n < length(NEW.keyword);
END;
CREATE TRIGGER disk_bigrams_delete AFTER DELETE ON disk_resources BEGIN
    DELETE FROM disk_resource_bigrams WHERE seq = OLD.seq AND gram IN (
        SELECT lower(substr(OLD.title, n, 2)) FROM disk_numbers WHERE n < length(OLD.title)
        UNION SELECT lower(substr(OLD.keyword, n, 2)) FROM disk_numbers WHERE n < length(OLD.keyword));
END;
CREATE TRIGGER disk_bigrams_update AFTER UPDATE OF title, keyword ON disk_resources BEGIN
    DELETE FROM disk_resource_bigrams WHERE seq = OLD.seq AND gram IN (
        SELECT lower(substr(OLD.title, n, 2)) FROM disk_numbers WHERE n < length(OLD.title)
        UNION SELECT lower(substr(OLD.keyword, n, 2)) FROM disk_numbers WHERE n < length(OLD.keyword));
    INSERT OR IGNORE INTO disk_resource_bigrams(gram, seq)
        SELECT lower(substr(NEW.title, n, 2)), NEW.seq FROM disk_numbers WHERE n < length(NEW.title)
        UNION SELECT lower(substr(NEW.keyword, n, 2)), NEW.seq FROM disk_numbers WHERE n < length(NEW.keyword);
END;

-- One mark per rater and resource; score above is their average.
CREATE TABLE resource_marks (
    resource_seq  INTEGER NOT NULL REFERENCES disk_resources(seq) ON DELETE CASCADE,
    rater         TEXT NOT NULL,                -- user:<id> or cinema:<id>
    mark          INTEGER NOT NULL CHECK (mark BETWEEN 1 AND 5),
    at            INTEGER NOT NULL,
    PRIMARY KEY (resource_seq, rater)
) WITHOUT ROWID;

-- A classification tree of any depth; the seed's period / subject / edition / grade / volume /
-- textbook / chapter is one instance, told apart by `kind`. parent_id NULL: a top node.
CREATE TABLE classifications (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES classifications(id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX classifications_parent ON classifications(coalesce(parent_id, ''), sort, id);
CREATE UNIQUE INDEX classifications_title ON classifications(coalesce(parent_id, ''), kind, title);

-- Which nodes a resource is classified under, in the order given.
CREATE TABLE resource_classifications (
    node_id       TEXT NOT NULL REFERENCES classifications(id),
    resource_seq  INTEGER NOT NULL REFERENCES disk_resources(seq) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (node_id, resource_seq)
) WITHOUT ROWID;
CREATE INDEX resource_classifications_resource ON resource_classifications(resource_seq, position);
-- Every node a resource is under: its own nodes and all their ancestors (kept by the core when
-- a resource is classified or a node moves), so "under this node" is one index range.
CREATE TABLE resource_ancestry (
    node_id       TEXT NOT NULL,
    resource_seq  INTEGER NOT NULL REFERENCES disk_resources(seq) ON DELETE CASCADE,
    PRIMARY KEY (node_id, resource_seq)
) WITHOUT ROWID;
CREATE INDEX resource_ancestry_resource ON resource_ancestry(resource_seq);

-- A space goes with its owner.
CREATE TRIGGER disk_spaces_of_cinema AFTER DELETE ON cinemas BEGIN
    DELETE FROM disk_resources WHERE owner_type = 1 AND owner_id = OLD.id;
    DELETE FROM disk_folders WHERE owner_type = 1 AND owner_id = OLD.id;
END;
CREATE TRIGGER disk_spaces_of_user AFTER DELETE ON users BEGIN
    DELETE FROM disk_resources WHERE owner_type = 0 AND owner_id = OLD.id;
    DELETE FROM disk_folders WHERE owner_type = 0 AND owner_id = OLD.id;
END;

-- Seed 001's videos on Cinedesk's own store. A video's id is the id of its upload session and
-- then of the stored file (the store gives an upload the id of the file it becomes).
CREATE TABLE vod_videos (
    id               TEXT PRIMARY KEY,
    owner            TEXT NOT NULL,             -- user:<id> or cinema:<id>, as the upload's owner
    user_id          TEXT NOT NULL,
    user_name        TEXT NOT NULL,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '',
    file_name        TEXT NOT NULL,
    size             INTEGER NOT NULL,
    cover_url        TEXT NOT NULL DEFAULT '',
    cover_file_id    TEXT,
    duration         REAL,                      -- seconds
    cate_id          INTEGER,
    cate_name        TEXT NOT NULL DEFAULT '',
    movie_id         TEXT REFERENCES movies(id) ON DELETE SET NULL,
    published_at     INTEGER,
    transcode_status TEXT NOT NULL DEFAULT '',  -- '' | success | fail
    snapshot_status  TEXT NOT NULL DEFAULT '',
    censor_status    TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX vod_videos_owner ON vod_videos(owner, created_at);
CREATE INDEX vod_videos_published ON vod_videos(published_at) WHERE published_at IS NOT NULL;
CREATE UNIQUE INDEX vod_videos_movie ON vod_videos(movie_id) WHERE movie_id IS NOT NULL;

-- Processing events of a video's file (the store's own worker, or a /vod/callback) move the
-- video's state in the same transaction that records them: nothing is lost between the two.
CREATE TRIGGER vod_videos_on_event AFTER INSERT ON file_events
WHEN EXISTS (SELECT 1 FROM vod_videos WHERE id = NEW.file_id)
BEGIN
    UPDATE vod_videos SET
        transcode_status = CASE WHEN NEW.type = 'StreamTranscodeComplete' THEN NEW.status ELSE transcode_status END,
        snapshot_status = CASE WHEN NEW.type = 'SnapshotComplete' THEN NEW.status ELSE snapshot_status END,
        censor_status = CASE WHEN NEW.type = 'AIVideoCensorComplete' THEN NEW.status ELSE censor_status END,
        cover_file_id = CASE WHEN NEW.type = 'SnapshotComplete' AND NEW.status = 'success'
            THEN coalesce(json_extract(NEW.data, '$.SnapshotFileID'), cover_file_id) ELSE cover_file_id END,
        cover_url = CASE WHEN NEW.type = 'SnapshotComplete' AND NEW.status = 'success' AND cover_url = ''
            THEN coalesce(json_extract(NEW.data, '$.CoverUrl'), cover_url) ELSE cover_url END,
        duration = CASE WHEN NEW.type = 'StreamTranscodeComplete' AND NEW.status = 'success'
            THEN coalesce(json_extract(NEW.data, '$.Duration'), duration) ELSE duration END,
        updated_at = NEW.at
    WHERE id = NEW.file_id;
END;

-- A published video's film follows it: online when it becomes playable (transcoded, not
-- refused by censorship), offline when it is refused or its transcoding fails; only on those
-- transitions, so a manager's own online/offline choice stands otherwise. A snapshot becomes
-- the film's poster if it has none, and a newly probed duration its length (in minutes).
CREATE TRIGGER vod_videos_to_movie AFTER UPDATE OF transcode_status, censor_status, cover_file_id, duration ON vod_videos
WHEN NEW.movie_id IS NOT NULL
BEGIN
    UPDATE movies SET
        online = CASE
            WHEN (NEW.censor_status = 'fail' OR NEW.transcode_status = 'fail')
                 AND NOT (OLD.censor_status = 'fail' OR OLD.transcode_status = 'fail') THEN 0
            WHEN NEW.transcode_status = 'success' AND NEW.censor_status <> 'fail'
                 AND NOT (OLD.transcode_status = 'success' AND OLD.censor_status <> 'fail') THEN 1
            ELSE online END,
        poster_id = coalesce(poster_id, NEW.cover_file_id),
        duration = CASE WHEN NEW.duration > 0 AND NEW.duration IS NOT OLD.duration
            THEN max(1, min(1440, CAST((NEW.duration + 59.999) / 60 AS INTEGER))) ELSE duration END
    WHERE id = NEW.movie_id;
END;
