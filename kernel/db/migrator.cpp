// Migrator: ordered, checksummed, transactional migrations on SQLite and PostgreSQL.
#include "db/migrator.hpp"

#include <algorithm>
#include <map>

#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

bool applies_to(const std::string& name, Dialect d) {
  bool only_sqlite = name.ends_with(".sqlite.sql");
  bool only_pg = name.ends_with(".postgresql.sql");
  if (only_sqlite) return d == Dialect::sqlite;
  if (only_pg) return d == Dialect::postgresql;
  return true;
}

std::map<std::string, std::string> applied(soci::session& sql, const std::string& component) {
  std::map<std::string, std::string> out;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT name, checksum FROM wb_migrations WHERE component = :c",
                                  soci::use(component));
  for (auto& r : rows) out[r.get<std::string>(0)] = r.get<std::string>(1);
  return out;
}

}  // namespace

std::vector<MigrationFile> migration_files(const wangban_migration* items, std::size_t count) {
  std::vector<MigrationFile> out;
  for (std::size_t i = 0; i != count; ++i) out.push_back({items[i].name, items[i].sql});
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

Migrator::Migrator(Database& db) : db_(db) {}

void Migrator::prepare() {
  auto s = db_.session();
  *s << "CREATE TABLE IF NOT EXISTS wb_migrations ("
        " component VARCHAR(100) NOT NULL, name VARCHAR(200) NOT NULL, checksum CHAR(64) NOT NULL,"
        " applied_at VARCHAR(32) NOT NULL, PRIMARY KEY (component, name))";
}

MigrationOutcome Migrator::apply(const std::string& component, const std::vector<MigrationFile>& files) {
  MigrationOutcome outcome;
  auto s = db_.session();
  auto done = applied(*s, component);
  std::map<std::string, bool> shipped;
  for (const auto& f : files) {
    if (!applies_to(f.name, db_.dialect())) continue;
    shipped[f.name] = true;
    std::string sum = sha256_hex(f.sql);
    if (auto it = done.find(f.name); it != done.end()) {
      if (it->second != sum)
        throw MigrationError(component + ": migration " + f.name + " was changed after it was applied (checksum " +
                             it->second.substr(0, 12) + "… recorded, " + sum.substr(0, 12) +
                             "… now); add a new migration instead of editing an applied one");
      ++outcome.unchanged;
      continue;
    }
    try {
      soci::transaction tx(*s);
      SqlDatabase::execute_script(*s, db_.dialect(), f.sql);
      std::string now = utc_now_iso();
      *s << "INSERT INTO wb_migrations (component, name, checksum, applied_at) VALUES (:c, :n, :s, :t)",
          soci::use(component), soci::use(f.name), soci::use(sum), soci::use(now);
      tx.commit();
    } catch (const MigrationError&) {
      throw;
    } catch (const std::exception& e) {
      throw MigrationError(component + ": migration " + f.name + " failed and was rolled back: " + e.what());
    }
    ++outcome.applied;
  }
  for (const auto& [name, sum] : done)
    if (!shipped.count(name))
      throw MigrationError(component + ": migration " + name +
                           " is recorded as applied but this version does not ship it (downgrade?)");
  return outcome;
}

bool Migrator::is_current(const std::string& component, const std::vector<MigrationFile>& files) {
  auto s = db_.session();
  auto done = applied(*s, component);
  for (const auto& f : files) {
    if (!applies_to(f.name, db_.dialect())) continue;
    auto it = done.find(f.name);
    if (it == done.end() || it->second != sha256_hex(f.sql)) return false;
  }
  return true;
}

// 008: messaging (统一信息平台). Messages fan out into per-account inbox rows at sending;
// e-mail and SMS deliveries are made from the outbox event "message.created" and keep every
// attempt. Staff accounts get contact fields (persons keep theirs in wb_natural_persons).
std::string messaging_migration(bool postgresql) {
  return std::string(R"sql(
ALTER TABLE wb_accounts ADD COLUMN email VARCHAR(200) NOT NULL DEFAULT '';
ALTER TABLE wb_accounts ADD COLUMN mobile VARCHAR(20) NOT NULL DEFAULT '';
CREATE TABLE wb_messages (
  id VARCHAR(36) PRIMARY KEY,
  topic VARCHAR(200) NOT NULL,
  title VARCHAR(200) NOT NULL,
  body TEXT NOT NULL,
  link VARCHAR(1000) NOT NULL,
  sender VARCHAR(100) NOT NULL,
  recipient_kind VARCHAR(16) NOT NULL,
  recipient VARCHAR(200) NOT NULL,
  channels VARCHAR(100) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  created_ms BIGINT NOT NULL);
CREATE INDEX wb_messages_created ON wb_messages (created_ms);
CREATE TABLE wb_inbox (
  seq )sql") + (postgresql ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT") + R"sql(,
  message_id VARCHAR(36) NOT NULL REFERENCES wb_messages (id),
  account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  channels VARCHAR(100) NOT NULL,
  read_at VARCHAR(32),
  UNIQUE (message_id, account_id));
CREATE INDEX wb_inbox_account ON wb_inbox (account_id, seq);
CREATE TABLE wb_subscriptions (
  account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  topic VARCHAR(200) NOT NULL,
  channels VARCHAR(100) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (account_id, topic));
CREATE INDEX wb_subscriptions_topic ON wb_subscriptions (topic);
CREATE TABLE wb_deliveries (
  id VARCHAR(36) PRIMARY KEY,
  message_id VARCHAR(36) NOT NULL REFERENCES wb_messages (id),
  account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  channel VARCHAR(16) NOT NULL,
  address VARCHAR(200) NOT NULL,
  status VARCHAR(16) NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms BIGINT NOT NULL,
  claimed_until_ms BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  UNIQUE (message_id, account_id, channel));
CREATE INDEX wb_deliveries_due ON wb_deliveries (status, next_attempt_ms);
CREATE TABLE wb_delivery_attempts (
  delivery_id VARCHAR(36) NOT NULL REFERENCES wb_deliveries (id),
  attempt INTEGER NOT NULL,
  at VARCHAR(32) NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (delivery_id, attempt));
)sql";
}

// 009: the search index's source of truth. Every node keeps a Xapian index of
// wb_search_documents and follows wb_search_changes (one row per put or remove) by seq.
std::string search_migration(bool postgresql) {
  return std::string(R"sql(
CREATE TABLE wb_search_documents (
  owner VARCHAR(100) NOT NULL,
  id VARCHAR(200) NOT NULL,
  kind VARCHAR(50) NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  url VARCHAR(1000) NOT NULL,
  facets TEXT NOT NULL,
  updated_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (owner, id));
CREATE TABLE wb_search_changes (
  seq )sql") + (postgresql ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT") + R"sql(,
  owner VARCHAR(100) NOT NULL,
  id VARCHAR(200) NOT NULL,
  created_ms BIGINT NOT NULL);
)sql";
}

std::vector<MigrationFile> kernel_migrations() {
  return {
      {"001_outbox.sqlite.sql",
       "CREATE TABLE wb_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id VARCHAR(36) NOT NULL UNIQUE,"
       " topic VARCHAR(200) NOT NULL, source VARCHAR(100) NOT NULL, payload TEXT NOT NULL,"
       " created_at VARCHAR(32) NOT NULL);\n"
       "CREATE INDEX wb_outbox_topic ON wb_outbox (topic, seq);\n"},
      {"001_outbox.postgresql.sql",
       "CREATE TABLE wb_outbox (seq BIGSERIAL PRIMARY KEY, event_id VARCHAR(36) NOT NULL UNIQUE,"
       " topic VARCHAR(200) NOT NULL, source VARCHAR(100) NOT NULL, payload TEXT NOT NULL,"
       " created_at VARCHAR(32) NOT NULL);\n"
       "CREATE INDEX wb_outbox_topic ON wb_outbox (topic, seq);\n"},
      {"002_event_processing.sql",
       "CREATE TABLE wb_event_processed (handler VARCHAR(200) NOT NULL, event_id VARCHAR(36) NOT NULL,"
       " processed_at VARCHAR(32) NOT NULL, PRIMARY KEY (handler, event_id));\n"
       "CREATE TABLE wb_event_retry (handler VARCHAR(200) NOT NULL, event_id VARCHAR(36) NOT NULL,"
       " attempts INTEGER NOT NULL, next_attempt_ms BIGINT NOT NULL, last_error TEXT NOT NULL,"
       " PRIMARY KEY (handler, event_id));\n"},
      {"003_identity.sql", R"sql(
CREATE TABLE wb_org_units (
  id VARCHAR(36) PRIMARY KEY,
  parent_id VARCHAR(36) REFERENCES wb_org_units (id),
  level VARCHAR(16) NOT NULL,
  name VARCHAR(200) NOT NULL,
  division_code VARCHAR(12) NOT NULL,
  path VARCHAR(1000) NOT NULL,
  created_at VARCHAR(32) NOT NULL);
CREATE INDEX wb_org_units_path ON wb_org_units (path);
CREATE TABLE wb_accounts (
  id VARCHAR(36) PRIMARY KEY,
  kind VARCHAR(16) NOT NULL,
  username VARCHAR(100) UNIQUE,
  display_name VARCHAR(200) NOT NULL,
  password_hash VARCHAR(200),
  org_unit_id VARCHAR(36) REFERENCES wb_org_units (id),
  disabled INTEGER NOT NULL,
  created_at VARCHAR(32) NOT NULL);
CREATE TABLE wb_roles (name VARCHAR(100) PRIMARY KEY, title VARCHAR(200) NOT NULL, built_in INTEGER NOT NULL);
CREATE TABLE wb_role_permissions (
  role VARCHAR(100) NOT NULL REFERENCES wb_roles (name),
  permission VARCHAR(200) NOT NULL,
  PRIMARY KEY (role, permission));
CREATE TABLE wb_role_assignments (
  account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  role VARCHAR(100) NOT NULL REFERENCES wb_roles (name),
  org_unit_id VARCHAR(36) NOT NULL REFERENCES wb_org_units (id),
  PRIMARY KEY (account_id, role, org_unit_id));
CREATE TABLE wb_sessions (
  id VARCHAR(36) PRIMARY KEY,
  token_hash CHAR(64) NOT NULL UNIQUE,
  account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  csrf_token CHAR(64) NOT NULL,
  created_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  client_ip VARCHAR(64) NOT NULL,
  user_agent VARCHAR(300) NOT NULL,
  revoked INTEGER NOT NULL);
CREATE INDEX wb_sessions_account ON wb_sessions (account_id);
CREATE TABLE wb_login_throttle (
  name VARCHAR(200) PRIMARY KEY,
  failures INTEGER NOT NULL,
  locks INTEGER NOT NULL,
  locked_until_ms BIGINT NOT NULL);
INSERT INTO wb_roles (name, title, built_in) VALUES ('admin', '系统管理员', 1);
INSERT INTO wb_role_permissions (role, permission) VALUES ('admin', '*');
INSERT INTO wb_roles (name, title, built_in) VALUES ('auditor', '安全审计员', 1);
INSERT INTO wb_role_permissions (role, permission) VALUES ('auditor', 'audit.read');
)sql"},
      {"004_natural_persons.sql", R"sql(
-- GB/T 39046-2020 table 12, natural person: name, ID document type and number, ethnicity,
-- mobile, e-mail, real-name verified, gender code (GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 unstated).
CREATE TABLE wb_natural_persons (
  account_id VARCHAR(36) PRIMARY KEY REFERENCES wb_accounts (id),
  id_type VARCHAR(20) NOT NULL,
  id_number VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(100) NOT NULL,
  ethnicity VARCHAR(20) NOT NULL,
  gender_code VARCHAR(1) NOT NULL,
  mobile VARCHAR(20) NOT NULL,
  email VARCHAR(200) NOT NULL,
  real_name_verified INTEGER NOT NULL,
  certificate_fingerprint CHAR(64));
-- One-time challenges for certificate login; consumed by deletion.
CREATE TABLE wb_login_nonces (nonce CHAR(64) PRIMARY KEY, expires_ms BIGINT NOT NULL);
)sql"},
      {"005_oidc_states.sql", R"sql(
-- OpenID Connect logins in progress: state (one-time), nonce, PKCE verifier, where to return.
CREATE TABLE wb_oidc_states (
  state VARCHAR(64) PRIMARY KEY,
  nonce VARCHAR(64) NOT NULL,
  verifier VARCHAR(128) NOT NULL,
  next_path VARCHAR(1000) NOT NULL,
  expires_ms BIGINT NOT NULL);
)sql"},
      {"006_legal_persons.sql", R"sql(
-- GB/T 39046-2020 table 12, legal person: name, legal representative, unified social credit
-- code (GB 32100), registered address and date, business scope. The legal person logs in with
-- its own certificate (the electronic business licence profile) through an account of kind
-- 'legal', and authorises natural persons to act for it within a scope until a date.
CREATE TABLE wb_legal_persons (
  id VARCHAR(36) PRIMARY KEY,
  account_id VARCHAR(36) NOT NULL UNIQUE REFERENCES wb_accounts (id),
  credit_code VARCHAR(18) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  legal_representative VARCHAR(100) NOT NULL,
  registered_address VARCHAR(300) NOT NULL,
  registered_date VARCHAR(10) NOT NULL,
  business_scope TEXT NOT NULL,
  certificate_fingerprint CHAR(64));
CREATE TABLE wb_legal_agents (
  legal_person_id VARCHAR(36) NOT NULL REFERENCES wb_legal_persons (id),
  agent_account_id VARCHAR(36) NOT NULL REFERENCES wb_accounts (id),
  scope TEXT NOT NULL,
  valid_until_ms BIGINT NOT NULL,
  granted_at VARCHAR(32) NOT NULL,
  PRIMARY KEY (legal_person_id, agent_account_id));
ALTER TABLE wb_sessions ADD COLUMN acting_for VARCHAR(36);
)sql"},
      {"007_audit_log.sql", R"sql(
-- The tamper-evident audit log (统一日志审计): entries are the leaves of an SM3 Merkle tree
-- (RFC 6962 shape). wb_audit_nodes keeps the hash of every complete subtree of 2^level
-- leaves (level >= 1) as soon as it is complete; wb_audit_state serialises appends.
CREATE TABLE wb_audit_entries (
  seq BIGINT PRIMARY KEY,
  at VARCHAR(32) NOT NULL,
  actor VARCHAR(36) NOT NULL,
  actor_kind VARCHAR(16) NOT NULL,
  org_unit VARCHAR(36) NOT NULL,
  action VARCHAR(100) NOT NULL,
  object_type VARCHAR(100) NOT NULL,
  object_id VARCHAR(200) NOT NULL,
  outcome VARCHAR(20) NOT NULL,
  client_ip VARCHAR(64) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  leaf_hash CHAR(64) NOT NULL);
CREATE INDEX wb_audit_entries_actor ON wb_audit_entries (actor, seq);
CREATE INDEX wb_audit_entries_object ON wb_audit_entries (object_type, object_id, seq);
CREATE TABLE wb_audit_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash CHAR(64) NOT NULL, PRIMARY KEY (level, idx));
CREATE TABLE wb_audit_state (id INTEGER PRIMARY KEY, size BIGINT NOT NULL);
INSERT INTO wb_audit_state (id, size) VALUES (1, 0);
)sql"},
      {"008_messaging.sqlite.sql", messaging_migration(false)},
      {"008_messaging.postgresql.sql", messaging_migration(true)},
      {"009_search.sqlite.sql", search_migration(false)},
      {"009_search.postgresql.sql", search_migration(true)},
      {"010_content.sql", R"sql(
-- Unified content (统一内容管理): publications and every version of each. A version is written
-- as a draft, submitted, and approved or rejected by a reviewer other than its author; the
-- publication shows its approved version from publish_at (now or scheduled) until withdrawn.
CREATE TABLE wb_publications (
  id VARCHAR(36) PRIMARY KEY,
  type VARCHAR(20) NOT NULL,
  state VARCHAR(20) NOT NULL,
  org_unit_id VARCHAR(36),
  latest_version INTEGER NOT NULL,
  published_version INTEGER,
  publish_at VARCHAR(32),
  withdraw_at VARCHAR(32),
  published_at VARCHAR(32),
  created_by VARCHAR(36) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  updated_at VARCHAR(32) NOT NULL);
CREATE INDEX wb_publications_type ON wb_publications (type, state, published_at);
CREATE TABLE wb_publication_versions (
  publication_id VARCHAR(36) NOT NULL REFERENCES wb_publications (id),
  version INTEGER NOT NULL,
  title VARCHAR(200) NOT NULL,
  summary VARCHAR(500) NOT NULL,
  markdown TEXT NOT NULL,
  html TEXT NOT NULL,
  plain_text TEXT NOT NULL,
  attachments TEXT NOT NULL,
  author VARCHAR(36) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  review_state VARCHAR(20) NOT NULL,
  reviewer VARCHAR(36),
  review_note TEXT,
  reviewed_at VARCHAR(32),
  PRIMARY KEY (publication_id, version));
-- Every review decision, kept when a rejected version is reworked and approved later.
CREATE TABLE wb_publication_reviews (
  publication_id VARCHAR(36) NOT NULL REFERENCES wb_publications (id),
  version INTEGER NOT NULL,
  decision VARCHAR(20) NOT NULL,
  reviewer VARCHAR(36) NOT NULL,
  note TEXT NOT NULL,
  at VARCHAR(32) NOT NULL);
CREATE INDEX wb_publication_reviews_id ON wb_publication_reviews (publication_id, at);
)sql"},
      {"011_signed_tree_heads.sql", R"sql(
-- Signed tree heads of the audit log: the kernel's SM2 signature over (size, root, time) in the
-- RFC 6962 TreeHeadSignature layout. A head once signed fixes the first `size` entries.
CREATE TABLE wb_audit_tree_heads (
  size BIGINT NOT NULL,
  timestamp_ms BIGINT NOT NULL,
  root CHAR(64) NOT NULL,
  key_id CHAR(64) NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (size, timestamp_ms));
)sql"},
      {"012_seals.sql", R"sql(
-- Electronic seals (GB/T 38540) made by the platform: organisation seals and personal name seals.
-- seal_der is the whole SESeal (Base64); the signer's private key is encrypted PKCS#8 under the
-- master key. Status changes and every use are in wb_seal_events (and in the audit log).
CREATE TABLE wb_seals (
  id VARCHAR(36) PRIMARY KEY,
  es_id VARCHAR(32) NOT NULL UNIQUE,
  kind VARCHAR(20) NOT NULL,
  name VARCHAR(200) NOT NULL,
  organization VARCHAR(200) NOT NULL,
  credit_code VARCHAR(18) NOT NULL,
  owner_account_id VARCHAR(36),
  status VARCHAR(20) NOT NULL,
  status_reason TEXT NOT NULL,
  status_changed_at VARCHAR(32),
  suspended_at VARCHAR(32),
  revoked_at VARCHAR(32),
  valid_start VARCHAR(32) NOT NULL,
  valid_end VARCHAR(32) NOT NULL,
  picture_source VARCHAR(20) NOT NULL,
  width_mm INTEGER NOT NULL,
  height_mm INTEGER NOT NULL,
  seal_der TEXT NOT NULL,
  signer_key TEXT NOT NULL,
  signer_certificate TEXT NOT NULL,
  created_by VARCHAR(36) NOT NULL,
  created_by_name VARCHAR(200) NOT NULL,
  created_at VARCHAR(32) NOT NULL,
  uses BIGINT NOT NULL);
CREATE INDEX wb_seals_owner ON wb_seals (owner_account_id);
CREATE TABLE wb_seal_events (
  id VARCHAR(36) PRIMARY KEY,
  seal_id VARCHAR(36) NOT NULL REFERENCES wb_seals (id),
  at VARCHAR(32) NOT NULL,
  actor_id VARCHAR(36) NOT NULL,
  actor_name VARCHAR(200) NOT NULL,
  action VARCHAR(40) NOT NULL,
  detail TEXT NOT NULL);
CREATE INDEX wb_seal_events_seal ON wb_seal_events (seal_id, at);
)sql"},
  };
}

std::vector<MigrationFile> kernel_demo_migrations() {
  return {{"001_demo_identity.sql", R"sql(
-- Demo data: an organisation tree, roles and staff accounts (password Wangban-Demo-2026).
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000001', NULL, 'national', '国家政务服务平台', '000000', '/d0000000-0000-4000-8000-000000000001/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'province', '浙江省', '330000', '/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000002', 'city', '杭州市', '330100', '/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000003/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000004', 'd0000000-0000-4000-8000-000000000003', 'county', '西湖区', '330106', '/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000003/d0000000-0000-4000-8000-000000000004/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000005', 'd0000000-0000-4000-8000-000000000003', 'county', '上城区', '330102', '/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000003/d0000000-0000-4000-8000-000000000005/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_org_units (id, parent_id, level, name, division_code, path, created_at) VALUES ('d0000000-0000-4000-8000-000000000006', 'd0000000-0000-4000-8000-000000000004', 'department', '西湖区行政服务中心', '330106', '/d0000000-0000-4000-8000-000000000001/d0000000-0000-4000-8000-000000000002/d0000000-0000-4000-8000-000000000003/d0000000-0000-4000-8000-000000000004/d0000000-0000-4000-8000-000000000006/', '2026-01-01T00:00:00.000Z');
INSERT INTO wb_roles (name, title, built_in) VALUES ('clerk', '受理人员', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('clerk', 'greeting.write');
INSERT INTO wb_roles (name, title, built_in) VALUES ('approver', '审批人员', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('approver', 'greeting.write');
INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at) VALUES ('d1000000-0000-4000-8000-000000000001', 'staff', 'admin', '系统管理员', '$argon2id$v=19$m=47104,t=1,p=1$j7Xy8zla5moaV69t7uLCUg$+GJ3CtV6HArdgE4Y/79Og9nFwSkgWTwetOnkDuMBnCQ', 'd0000000-0000-4000-8000-000000000001', 0, '2026-01-01T00:00:00.000Z');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000001', 'admin', 'd0000000-0000-4000-8000-000000000001');
INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at) VALUES ('d1000000-0000-4000-8000-000000000002', 'staff', 'clerk', '张三', '$argon2id$v=19$m=47104,t=1,p=1$j7Xy8zla5moaV69t7uLCUg$+GJ3CtV6HArdgE4Y/79Og9nFwSkgWTwetOnkDuMBnCQ', 'd0000000-0000-4000-8000-000000000006', 0, '2026-01-01T00:00:00.000Z');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000002', 'clerk', 'd0000000-0000-4000-8000-000000000004');
INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at) VALUES ('d1000000-0000-4000-8000-000000000003', 'staff', 'approver', '李四', '$argon2id$v=19$m=47104,t=1,p=1$j7Xy8zla5moaV69t7uLCUg$+GJ3CtV6HArdgE4Y/79Og9nFwSkgWTwetOnkDuMBnCQ', 'd0000000-0000-4000-8000-000000000006', 0, '2026-01-01T00:00:00.000Z');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000003', 'approver', 'd0000000-0000-4000-8000-000000000004');
INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at) VALUES ('d1000000-0000-4000-8000-000000000004', 'staff', 'auditor', '王五', '$argon2id$v=19$m=47104,t=1,p=1$j7Xy8zla5moaV69t7uLCUg$+GJ3CtV6HArdgE4Y/79Og9nFwSkgWTwetOnkDuMBnCQ', 'd0000000-0000-4000-8000-000000000001', 0, '2026-01-01T00:00:00.000Z');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000004', 'auditor', 'd0000000-0000-4000-8000-000000000001');
INSERT INTO wb_accounts (id, kind, username, display_name, password_hash, org_unit_id, disabled, created_at) VALUES ('d1000000-0000-4000-8000-000000000005', 'staff', 'clerk2', '赵六', '$argon2id$v=19$m=47104,t=1,p=1$j7Xy8zla5moaV69t7uLCUg$+GJ3CtV6HArdgE4Y/79Og9nFwSkgWTwetOnkDuMBnCQ', 'd0000000-0000-4000-8000-000000000005', 0, '2026-01-01T00:00:00.000Z');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000005', 'clerk', 'd0000000-0000-4000-8000-000000000005');
)sql"},
          {"002_demo_content.sql", R"sql(
-- Demo data: who writes and who reviews publications, and who may send messages.
INSERT INTO wb_roles (name, title, built_in) VALUES ('editor', '内容编辑', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('editor', 'content.read');
INSERT INTO wb_role_permissions (role, permission) VALUES ('editor', 'content.write');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000002', 'editor', 'd0000000-0000-4000-8000-000000000004');
INSERT INTO wb_roles (name, title, built_in) VALUES ('reviewer', '内容审核', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('reviewer', 'content.read');
INSERT INTO wb_role_permissions (role, permission) VALUES ('reviewer', 'content.review');
INSERT INTO wb_role_permissions (role, permission) VALUES ('reviewer', 'messages.send');
INSERT INTO wb_role_permissions (role, permission) VALUES ('reviewer', 'messages.deliveries.read');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000003', 'reviewer', 'd0000000-0000-4000-8000-000000000004');
)sql"},
          {"003_demo_seals.sql", R"sql(
-- Demo data: who may use the department's organisation seal (approvers seal decisions with it).
INSERT INTO wb_roles (name, title, built_in) VALUES ('sealer', '用印人员', 0);
INSERT INTO wb_role_permissions (role, permission) VALUES ('sealer', 'seals.use');
INSERT INTO wb_role_assignments (account_id, role, org_unit_id) VALUES ('d1000000-0000-4000-8000-000000000003', 'sealer', 'd0000000-0000-4000-8000-000000000004');
)sql"}};
}

}  // namespace wangban::kernel
