-- Issue 14: sessions a user can see and end, and login lockout that survives restarts.

-- A session's public id (the token hash stays private), when it was last used, and from where.
-- Sessions opened before this migration get ids here; their address and user agent are unknown.
ALTER TABLE sessions ADD COLUMN id TEXT;
UPDATE sessions SET id = lower(hex(randomblob(12)));
CREATE UNIQUE INDEX sessions_id ON sessions(id);
ALTER TABLE sessions ADD COLUMN last_used_at INTEGER;
UPDATE sessions SET last_used_at = created_at;
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- Failed logins of the last window, one row per failure and key: `alias:<alias in lower case>`
-- and `address:<ip>`. Rows older than the window are deleted as new ones come in.
CREATE TABLE login_failures (
    key  TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);
CREATE INDEX login_failures_at ON login_failures(at);
