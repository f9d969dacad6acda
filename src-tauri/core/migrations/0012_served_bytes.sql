-- Issue 13: downloads attributed to the site that made them. A site's agent signs its
-- `GET /cms/files/{id}` with its cinema's key; the bytes this server sent it of a pair's file are
-- added here when each download ends (resumed pieces and repeats included), so a board can set
-- what the site says it has beside what it was sent. A new file for the pair starts it at 0 again.
ALTER TABLE deliveries ADD COLUMN served_bytes INTEGER NOT NULL DEFAULT 0;
-- What a download ends in: the pairs of one cinema holding one file.
CREATE INDEX deliveries_cinema_file ON deliveries(cinema_id, file_id);
