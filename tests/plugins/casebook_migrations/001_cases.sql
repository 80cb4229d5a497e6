CREATE TABLE casebook_cases (
  id VARCHAR(36) PRIMARY KEY,
  owner_account VARCHAR(36) NOT NULL,
  owner_legal VARCHAR(36),
  org_path VARCHAR(1000) NOT NULL,
  title VARCHAR(200) NOT NULL,
  state VARCHAR(20) NOT NULL);
