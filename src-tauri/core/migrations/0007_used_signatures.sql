-- Signed requests (seed 004 §2.2 `dc`, and `dc2`) are accepted once: each accepted (apikey,
-- signature) is kept until its user-date can no longer be accepted, so a captured request
-- replayed within those 15 minutes is refused, also after a restart. Rows past expires_at are
-- deleted as new ones come in (the index makes that a range scan). Plain SQL, so the table
-- moves as it is to a database shared by several instances.
CREATE TABLE used_signatures (
    apikey      TEXT NOT NULL,
    signature   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,                -- epoch ms: the user-date + the accepted skew
    PRIMARY KEY (apikey, signature)
);
CREATE INDEX used_signatures_expiry ON used_signatures(expires_at);
