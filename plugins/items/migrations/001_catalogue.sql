-- The service-item catalogue (GB/T 39046 事项管理): departments and themes (navigation keys),
-- records (national base entries, implementations on four levels, "one thing" bundles) and every
-- version of each record with its fields as JSON (see plugins/items/README.md).
CREATE TABLE items_departments (
  id VARCHAR(64) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  credit_code VARCHAR(18) NOT NULL,
  division_code VARCHAR(6) NOT NULL,
  level VARCHAR(20) NOT NULL,
  parent VARCHAR(64),
  position INTEGER NOT NULL);
CREATE TABLE items_themes (
  code VARCHAR(40) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  audience VARCHAR(10) NOT NULL,
  position INTEGER NOT NULL);
-- kind: base (code = basic code), implementation (code = implementation code), bundle.
CREATE TABLE items_records (
  kind VARCHAR(20) NOT NULL,
  code VARCHAR(24) NOT NULL,
  name VARCHAR(200) NOT NULL,
  basic_code VARCHAR(10) NOT NULL,
  level VARCHAR(20) NOT NULL,
  division_code VARCHAR(6) NOT NULL,
  department VARCHAR(64) NOT NULL,
  retired_from VARCHAR(10),
  retired_reason TEXT,
  created_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (kind, code));
CREATE INDEX items_records_base ON items_records (basic_code);
-- status: draft, review, published. One open (draft or review) version per record at most.
CREATE TABLE items_versions (
  kind VARCHAR(20) NOT NULL,
  code VARCHAR(24) NOT NULL,
  version INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  effective_from VARCHAR(10) NOT NULL,
  fields TEXT NOT NULL,
  origin VARCHAR(20) NOT NULL,
  author_id VARCHAR(36) NOT NULL,
  author_name VARCHAR(200) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  submitted_at VARCHAR(32),
  reviewer_id VARCHAR(36),
  reviewer_name VARCHAR(200),
  reviewed_at VARCHAR(32),
  review_note TEXT,
  published_at VARCHAR(32),
  PRIMARY KEY (kind, code, version));
CREATE INDEX items_versions_status ON items_versions (status, kind, effective_from);
-- What a base entry's new version changed in each implementation of it (传导变更报告).
CREATE TABLE items_change_reports (
  id VARCHAR(36) PRIMARY KEY,
  implementation_code VARCHAR(24) NOT NULL,
  basic_code VARCHAR(10) NOT NULL,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  effective_from VARCHAR(10) NOT NULL,
  changes TEXT NOT NULL,
  problems TEXT NOT NULL,
  created_at VARCHAR(32) NOT NULL);
CREATE INDEX items_change_reports_code ON items_change_reports (implementation_code, created_at);
-- The published "全程网办" list: each version is the whole list from its effective date.
CREATE TABLE items_online_lists (
  version INTEGER PRIMARY KEY,
  effective_from VARCHAR(10) NOT NULL,
  codes TEXT NOT NULL,
  added TEXT NOT NULL,
  removed TEXT NOT NULL,
  published_at VARCHAR(32) NOT NULL);
-- Set by the demo data: the plugin loads its embedded demo catalogue once, then clears it.
CREATE TABLE items_demo_pending (id INTEGER PRIMARY KEY);
