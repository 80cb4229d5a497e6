-- Files of the catalogue (blank forms, filled samples, result samples): the bytes are in the blob
-- store under their SM3; this is their name and type, and who uploaded them.
CREATE TABLE items_files (
  sm3 VARCHAR(64) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  media_type VARCHAR(100) NOT NULL,
  size BIGINT NOT NULL,
  uploaded_by VARCHAR(200) NOT NULL,
  uploaded_at VARCHAR(32) NOT NULL);
