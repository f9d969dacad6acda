-- API keys of machine clients (each cinema's COMS). The secret is kept as issued: an HMAC can
-- only be verified with the key itself. A key belongs to one cinema and dies with it.
CREATE TABLE api_keys (
    apikey      TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    cinema_id   TEXT NOT NULL REFERENCES cinemas(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX api_keys_cinema ON api_keys(cinema_id);
