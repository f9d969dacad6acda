-- Issue 14: managers scoped to cinemas, and the audit log.

-- Which cinemas a user sees and changes: every cinema (all_cinemas = 1; a SYS_ADMIN always),
-- else those assigned directly and those of the assigned regions. Regions are resolved when a
-- check runs, so a cinema created in or moved into a region is in scope at once.
ALTER TABLE users ADD COLUMN all_cinemas INTEGER NOT NULL DEFAULT 0 CHECK (all_cinemas IN (0, 1));
-- Every MANAGER from before this change keeps the whole chain: an upgrade changes no one's access.
UPDATE users SET all_cinemas = 1 WHERE ',' || role || ',' LIKE '%,MANAGER,%';

CREATE TABLE user_cinemas (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cinema_id  TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, cinema_id)
) WITHOUT ROWID;
CREATE INDEX user_cinemas_cinema ON user_cinemas(cinema_id);

-- region_id is a CINEMA_REGION value; deleting the value deletes its assignments.
CREATE TABLE user_regions (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    region_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, region_id)
) WITHOUT ROWID;
CREATE INDEX user_regions_region ON user_regions(region_id);

-- Who changed what, when and from where, written in the change's own transaction. No foreign
-- keys: the history of a deleted user or cinema stays. before/after are the record as the API
-- shows it (JSON, never a secret); before is NULL for a create, after for a delete.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    user_id    TEXT,
    apikey     TEXT,
    address    TEXT NOT NULL,
    via        TEXT NOT NULL CHECK (via IN ('DESKTOP', 'WEB', 'API', 'CLI')),
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    cinema_id  TEXT,
    before     TEXT,
    after      TEXT
);
-- Newest first is the order of every page; the time index also finds what retention prunes.
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_cinema ON audit(cinema_id, id) WHERE cinema_id IS NOT NULL;
CREATE INDEX audit_user ON audit(user_id, id) WHERE user_id IS NOT NULL;

INSERT INTO settings(key, value) VALUES ('audit.retention_days', '730');
