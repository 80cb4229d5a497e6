// KernelConfig: the platform's configuration, read from TOML with environment overrides.
//
// Every key is declared once in config.cpp (section, name, type, default,
// description); config/platform.toml documents the same keys. An environment
// variable WANGBAN_<SECTION>_<KEY> overrides the file (lists comma-separated).
// Relative paths are resolved against the folder of the config file. A bad
// value throws ConfigError whose message names the file, the key and what was
// expected. Immutable after loading; safe to share between threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wangban::kernel {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerConfig {
  std::string host = "127.0.0.1";       // listen address
  int port = 8080;                      // listen port; 0 picks a free one
  int io_threads = 0;                   // event-loop threads; 0: one per core
  int worker_threads = 0;               // worker pool for handlers; 0: 4 per core, at least 8
  std::size_t body_limit = 8u << 20;    // bytes of a request body before 413
  int shutdown_grace_ms = 10000;        // in-flight requests get this long on SIGTERM
  std::filesystem::path tls_certificate;  // PEM chain; with tls_private_key enables HTTPS
  std::filesystem::path tls_private_key;  // PEM key
  std::filesystem::path web_root;         // built web UI (web/dist); empty: no UI
  std::string public_url;                 // where people reach the platform, for links in e-mail and SMS
};

struct DatabaseConfig {
  std::string driver = "sqlite";        // "sqlite" or "postgresql"
  std::filesystem::path sqlite_path;    // the SQLite file
  std::string host = "127.0.0.1";       // PostgreSQL host
  int port = 5432;                      // PostgreSQL port
  std::string name = "wangban";         // PostgreSQL database
  std::string user = "wangban";         // PostgreSQL role
  std::string password;                 // PostgreSQL password
  int pool_size = 8;                    // pooled connections
  int acquire_timeout_ms = 5000;        // wait for a free connection before 503
  bool demo_data = false;               // apply plugins' demo-data migrations
};

struct PluginsConfig {
  std::filesystem::path directory;      // where libwangban-plugin-<name>.so files are
  std::vector<std::string> enabled;     // plugins to load
  std::vector<std::string> required;    // plugins without which the platform does not start
  std::map<std::string, nlohmann::json> sections;  // [plugins.<name>] tables
};

struct EventsConfig {
  bool dispatch = true;                 // run the outbox dispatcher on this node
  int poll_interval_ms = 200;           // how often the outbox is scanned
  int max_attempts = 10;                // deliveries before an event is parked as dead
  int backoff_base_ms = 500;            // first retry delay, doubled each attempt
  int backoff_max_ms = 60000;           // cap of the retry delay
};

struct IdentityConfig {
  int session_idle_seconds = 1800;       // a session unused this long expires
  int session_absolute_seconds = 43200;  // a session expires this long after login, used or not
  int lockout_threshold = 5;             // failed logins before an account name is locked
  int lockout_base_seconds = 60;         // first lock; doubled for each further lock
  int lockout_max_seconds = 3600;        // cap of a lock
  int password_min_length = 10;          // characters
  int argon2_time_cost = 1;              // Argon2id iterations (OWASP: m=46 MiB, t=1, p=1)
  int argon2_memory_kib = 47104;         // Argon2id memory (46 MiB)
  int argon2_parallelism = 1;            // Argon2id lanes
  std::vector<std::filesystem::path> trust_anchors;  // PEM CA files for certificate login; none: disabled
  std::vector<std::filesystem::path> crl_files;      // PEM CRLs checked in certificate login
  // PEM files of intermediate CA certificates, for chains whose signer sends only its own
  // certificate (seal signatures); never trusted by themselves.
  std::vector<std::filesystem::path> intermediate_certificates;
  std::vector<std::string> crl_urls;                 // CRLs fetched over HTTP(S) (PEM or DER)
  int crl_refresh_seconds = 3600;                    // how often the CRL URLs are fetched again
  int nonce_seconds = 120;               // how long a certificate-login challenge stays valid
  std::string oidc_issuer;               // upstream real-name authority (OpenID provider); empty: off
  std::string oidc_client_id;            // our client id there
  std::string oidc_client_secret;        // our client secret (client_secret_basic)
  std::string oidc_redirect_uri;         // this platform's /api/auth/oidc/callback as registered there
  std::string oidc_scopes = "openid profile";
  std::string oidc_id_number_claim = "id_number";  // the claim holding the citizen ID number
  std::string oidc_name_claim = "name";            // the claim holding the person's name
};

struct MessagingConfig {
  int retention_days = 365;              // in-site messages older than this are deleted
  std::string smtp_url;                  // "smtp://host:25" or "smtps://host:465"; empty: no e-mail
  std::string smtp_from = "noreply@wangban.invalid";  // the sender address
  std::string smtp_username;             // SMTP AUTH, when the server needs it
  std::string smtp_password;
  std::string sms_gateway_url;           // HTTP(S) gateway that takes {"to","text"} as JSON; empty: no SMS
  std::string sms_gateway_token;         // sent as Authorization: Bearer
  std::string sms_signature = "网办";    // the 【…】 signature in front of every SMS
  int delivery_interval_ms = 1000;       // how often due deliveries are looked for
  int delivery_max_attempts = 6;         // attempts before a delivery is given up as failed
  int delivery_retry_seconds = 30;       // first retry delay, doubled each attempt
  int delivery_timeout_seconds = 20;     // one attempt's connect and transfer limit
};

struct TrustConfig {
  std::filesystem::path master_key_file;  // the master key (mode 0600); WANGBAN_MASTER_KEY wins; default var/master-key
  std::filesystem::path kernel_key_file;  // the kernel's SM2 signing key, encrypted PKCS#8; default var/keys/kernel-signing.pem
  int tree_head_interval_seconds = 300;   // the audit log's tree head is signed this often (when it grew)
  bool development_ca = false;            // run the development CA in var/ca and trust it (never in production)
  // The time-stamping service: its SM2 key (encrypted PKCS#8; created when absent) and its
  // certificate with the CAs above it (PEM; the development CA issues one when absent). Without a
  // certificate there is no time-stamping service and signatures carry no time stamp.
  std::filesystem::path tsa_key_file;          // default var/keys/tsa.pem
  std::filesystem::path tsa_certificate_file;  // default <tsa_key_file>.crt
  std::string tsa_policy = "2.25.212861207307929906005337283637412233533";  // our policy OID (a UUID OID, X.667)
  // The seal maker's (制章者) certificate for the kernel key (PEM, leaf first); default <kernel_key_file>.crt
  std::filesystem::path seal_maker_certificate_file;
};

struct KernelConfig {
  std::filesystem::path file;           // where this was read from
  std::filesystem::path var_dir;        // state: database, blobs, tokens
  std::filesystem::path blob_dir;       // content-addressed blob store
  std::filesystem::path admin_token_file;  // administrator bearer token (created if absent)
  std::string log_level = "info";       // trace, debug, info, warn, error
  std::string log_format = "text";      // text or json (one JSON object per line)
  ServerConfig server;
  DatabaseConfig database;
  PluginsConfig plugins;
  EventsConfig events;
  IdentityConfig identity;
  MessagingConfig messaging;
  TrustConfig trust;

  // Reads `file`, applies `env` overrides (normally the process environment).
  static KernelConfig load(const std::filesystem::path& file,
                           const std::map<std::string, std::string>& env);
  // The declared keys as "section.key", for documentation checks.
  static std::vector<std::string> declared_keys();
};

// The process environment's WANGBAN_* variables.
std::map<std::string, std::string> wangban_environment();

}  // namespace wangban::kernel
