-- The file store (issue 4): stored files, their processing events, and upload sessions in progress.
-- Content lives under <data dir>/files/, always named by id, never by what a client called it.

CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,                 -- the client's name, cleaned; metadata only
    size          INTEGER NOT NULL,
    md5           TEXT NOT NULL,                 -- lowercase hex
    mime          TEXT NOT NULL,
    domain        TEXT NOT NULL CHECK (domain IN ('CINEMA', 'HALL', 'VR_CLIENT', 'MOVIE', 'USER', 'RESOURCE')),
    owner         TEXT NOT NULL,                 -- user:<id> or cinema:<id>
    created_at    INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('READY', 'REMOTE')),
    -- READY: the blob in this store holding the content (several files may share one blob);
    -- REMOTE: the URL of the object in Aliyun OSS.
    blob          TEXT NOT NULL,
    processing    TEXT NOT NULL DEFAULT 'NONE' CHECK (processing IN ('NONE', 'PENDING', 'DONE')),
    media         TEXT,                          -- JSON: what probing found (duration, size, codecs)
    derived_from  TEXT                           -- the file a snapshot or thumbnail was taken from
);
-- Identical content (same MD5 and size) is stored once and completes an upload instantly.
CREATE INDEX files_content ON files(md5, size) WHERE state = 'READY';
CREATE INDEX files_processing ON files(processing) WHERE processing = 'PENDING';

-- What background processing reported, in the words of seed 001's callbacks.
CREATE TABLE file_events (
    id          INTEGER PRIMARY KEY,
    file_id     TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    type        TEXT NOT NULL,                   -- SnapshotComplete | StreamTranscodeComplete
    status      TEXT NOT NULL CHECK (status IN ('success', 'fail')),
    at          INTEGER NOT NULL,
    data        TEXT NOT NULL                    -- JSON object
);
CREATE INDEX file_events_file ON file_events(file_id, id);

-- An upload in progress. Its id is the id of the file it becomes, so every protocol's id
-- (fid, tus id, chunk id) is a file id. `offset` counts bytes fsynced and acknowledged.
CREATE TABLE uploads (
    id           TEXT PRIMARY KEY,
    protocol     TEXT NOT NULL CHECK (protocol IN ('RESUMABLE', 'TUS', 'CHUNKED', 'LOCAL')),
    owner        TEXT NOT NULL,
    client_user  TEXT NOT NULL DEFAULT '',       -- seed 004 userId; seed 002 upload URL key
    domain       TEXT NOT NULL,
    name         TEXT NOT NULL,
    path_local   TEXT NOT NULL DEFAULT '',       -- seed 004 filePathLocal; the desktop's source file
    length       INTEGER NOT NULL,               -- declared size (seed 002: chunk count below instead)
    md5          TEXT,                           -- expected MD5, checked when the last byte arrives
    offset       INTEGER NOT NULL DEFAULT 0,
    chunks       INTEGER,                        -- seed 002: how many chunks make the file
    metadata     TEXT NOT NULL DEFAULT '',       -- tus Upload-Metadata as sent
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
-- createFid asked again for the same user, MD5 and length finds the same upload.
CREATE UNIQUE INDEX uploads_resumable ON uploads(owner, client_user, md5, length) WHERE protocol = 'RESUMABLE';
CREATE UNIQUE INDEX uploads_chunked ON uploads(client_user, name, chunks) WHERE protocol = 'CHUNKED';
CREATE INDEX uploads_expiry ON uploads(expires_at);

-- Seed 002: the chunks of an upload received so far (each fsynced as its own part file).
CREATE TABLE upload_chunks (
    upload_id  TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (upload_id, idx)
) WITHOUT ROWID;

-- Seed 002: upload URLs handed out; the key in the URL names the uploader.
CREATE TABLE upload_urls (
    key         TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
