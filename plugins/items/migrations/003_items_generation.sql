-- A counter raised by every change to what is in force (publication, retirement, import), so each
-- kernel node knows when its cached view of the catalogue is out of date.
CREATE TABLE items_generation (
  id INTEGER PRIMARY KEY,
  generation BIGINT NOT NULL);
INSERT INTO items_generation (id, generation) VALUES (1, 0);
