-- The items plugin's events as the reader test plugin received them.
CREATE TABLE items_reader_events (
  event_id VARCHAR(36) PRIMARY KEY,
  topic VARCHAR(100) NOT NULL,
  payload TEXT NOT NULL,
  seq INTEGER NOT NULL);
