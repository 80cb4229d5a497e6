// Kernel: wiring of configuration, database, services, plugins and the HTTP server.
#include "kernel.hpp"

#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "admin/kernel_routes.hpp"
#include "audit/audit_log.hpp"
#include "audit/audit_routes.hpp"
#include "audit/kernel_audit.hpp"
#include "blobs/file_blob_store.hpp"
#include "db/migrator.hpp"
#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "identity/identity_routes.hpp"
#include "content/content_routes.hpp"
#include "content/content_service.hpp"
#include "content/demo_content.hpp"
#include "identity/identity_service.hpp"
#include "messaging/delivery_service.hpp"
#include "messaging/live_push.hpp"
#include "messaging/message_service.hpp"
#include "messaging/messaging_routes.hpp"
#include "plugins/plugin_host.hpp"
#include "scheduler/timer_service.hpp"
#include "search/search_index.hpp"
#include "identity/certificate_verifier.hpp"
#include "plugins/contract_registry.hpp"
#include "trust/certificate.hpp"
#include "trust/demo_seals.hpp"
#include "trust/development_ca.hpp"
#include "trust/signing_key.hpp"
#include "trust/time_stamp_authority.hpp"
#include "trust/trust_routes.hpp"
#include "trust/trust_service.hpp"
#include "util/digest.hpp"
#include "util/files.hpp"
#include "util/logging.hpp"
#include "util/worker_pool.hpp"

#ifndef WANGBAN_VERSION
#define WANGBAN_VERSION "0.0.0"
#endif

namespace wangban::kernel {
namespace fs = std::filesystem;

const char* version() { return WANGBAN_VERSION; }

namespace {

unsigned cores() { return std::max(1u, std::thread::hardware_concurrency()); }

// Reads the administrator token, creating it (mode 0600) on first start.
std::string load_admin_token(const fs::path& file) {
  std::ifstream in(file);
  std::string token;
  if (in && std::getline(in, token) && token.size() >= 32) return token;
  token = random_hex(32);
  write_file_atomically(file, token + "\n", 0600);
  spdlog::warn("generated a new administrator token in {}", file.string());
  return token;
}

// The development CA (trust.development_ca): opened or created in var/ca, trusted for
// certificate login with its current CRL, and the issuer of the kernel key's certificate (the
// seal maker's) and of the time-stamping service's.
std::unique_ptr<DevelopmentCa> trust_development_ca(const KernelConfig& config, const SigningKey& kernel_key,
                                                    IdentityConfig& identity, spdlog::logger& log) {
  auto dir = config.var_dir / "ca";
  auto ca = DevelopmentCa::open_or_create(dir, config.trust.master_key_file);
  write_file_atomically(dir / "ca.crl", ca->crl_pem());
  identity.trust_anchors.push_back(dir / "root.pem");  // clients send the issuing CA in their chain
  identity.crl_files.push_back(dir / "ca.crl");
  identity.intermediate_certificates.push_back(dir / "issuing.pem");
  const auto& maker_cert = config.trust.seal_maker_certificate_file;
  if (!fs::exists(maker_cert))
    write_file_atomically(maker_cert, ca->issue(DevelopmentCa::Profile::kernel, {"网办平台内核", "网办（开发用，非正式）", "", ""},
                                                kernel_key.public_pem(), 3650) +
                                          ca->issuing_pem());
  if (!fs::exists(config.trust.tsa_certificate_file)) {
    auto tsa_key = SigningKey::load_or_create(config.trust.tsa_key_file, config.trust.master_key_file);
    write_file_atomically(config.trust.tsa_certificate_file,
                          ca->issue(DevelopmentCa::Profile::tsa, {"网办时间戳服务", "网办（开发用，非正式）", "", ""},
                                    tsa_key.public_pem(), 3650) +
                              ca->issuing_pem());
  }
  log.warn("development CA in {} is trusted for certificate login (trust.development_ca; never in production)",
           dir.string());
  return ca;
}

// The trust services' keys and certificates: the seal maker (the kernel key and its certificate)
// and the time-stamping service, when their certificates are there.
// The certificates of a PEM chain file (leaf first); a file without one stops the start.
std::vector<std::string> certificate_chain(const fs::path& file) {
  auto chain = certificates_in_pem(read_file(file));
  if (chain.empty()) throw std::runtime_error("no certificate in " + file.string());
  return chain;
}

TrustService::Equipment trust_equipment(const KernelConfig& config, const SigningKey& kernel_key,
                                        const CertificateVerifier& certificates, DevelopmentCa* ca, spdlog::logger& log) {
  TrustService::Equipment e;
  e.certificates = &certificates;
  e.makers.maker_key = &kernel_key;
  e.makers.ca = ca;
  e.makers.master_key = load_master_key(config.trust.master_key_file);
  if (fs::exists(config.trust.seal_maker_certificate_file))
    e.makers.maker_certificate = certificate_chain(config.trust.seal_maker_certificate_file).front();
  else
    log.warn("no seal maker certificate ({}): seals cannot be made", config.trust.seal_maker_certificate_file.string());
  if (fs::exists(config.trust.tsa_certificate_file)) {
    auto chain = certificate_chain(config.trust.tsa_certificate_file);
    std::string leaf = chain.front();
    chain.erase(chain.begin());
    e.tsa = std::make_unique<TimeStampAuthority>(
        std::make_shared<SigningKey>(SigningKey::load_or_create(config.trust.tsa_key_file, config.trust.master_key_file)),
        leaf, chain, config.trust.tsa_policy);
  } else {
    log.warn("no time-stamping certificate ({}): signatures carry no time stamp", config.trust.tsa_certificate_file.string());
  }
  return e;
}

}  // namespace

struct Kernel::Impl {
  KernelConfig config;
  std::chrono::steady_clock::time_point born = std::chrono::steady_clock::now();
  std::int64_t startup_ms = 0;
  std::shared_ptr<spdlog::logger> log = named_logger("kernel");
  std::string admin_token;
  WorkerPool workers;
  std::unique_ptr<SqlDatabase> database;
  std::unique_ptr<Migrator> migrator;
  std::unique_ptr<FileBlobStore> blobs;
  TimerService timers;
  std::unique_ptr<EventBus> events;
  std::unique_ptr<IdentityService> identity;
  std::unique_ptr<AuditLog> audit_log;
  std::unique_ptr<KernelAudit> audit;
  std::unique_ptr<SigningKey> signing_key;  // the kernel's SM2 key (tree heads, seal maker)
  std::unique_ptr<DevelopmentCa> development_ca;
  std::unique_ptr<TrustService> trust;
  ContractRegistry contracts;  // what plugins provide to each other
  std::unique_ptr<LivePush> live;
  std::unique_ptr<MessageService> messages;
  std::unique_ptr<DeliveryService> deliveries;
  std::unique_ptr<SearchIndex> search;
  std::unique_ptr<ContentService> content;
  std::unique_ptr<PluginScheduler> kernel_timers;  // the kernel's own timers (deliveries, retention)
  Router router;
  std::unique_ptr<PluginHost> plugins;
  std::unique_ptr<Server> server;
  bool started = false;

  explicit Impl(KernelConfig c)
      : config(std::move(c)),
        workers(config.server.worker_threads > 0 ? static_cast<unsigned>(config.server.worker_threads)
                                                 : std::max(8u, 4 * cores())),
        timers(workers),
        router(workers, named_logger("http"), config.server.body_limit) {}
};

Kernel::Kernel(KernelConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Kernel::~Kernel() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("shutdown: {}", e.what());
  }
}

void Kernel::open(bool migrate) {
  auto& k = *impl_;
  fs::create_directories(k.config.var_dir);
  k.admin_token = load_admin_token(k.config.admin_token_file);
  k.database = std::make_unique<SqlDatabase>(k.config.database);
  k.log->info("database {}", k.database->description());
  k.migrator = std::make_unique<Migrator>(*k.database);
  k.blobs = std::make_unique<FileBlobStore>(k.config.blob_dir);
  k.events = std::make_unique<EventBus>(*k.database, k.config.events, named_logger("events"));
  k.audit_log = std::make_unique<AuditLog>(*k.database);
  k.audit = std::make_unique<KernelAudit>(*k.audit_log, named_logger("audit"));
  k.live = std::make_unique<LivePush>(*k.database, named_logger("messaging"));
  k.messages = std::make_unique<MessageService>(*k.database, *k.events, [live = k.live.get()] { live->wake(); });
  k.deliveries = std::make_unique<DeliveryService>(*k.database, k.config.messaging, k.config.server.public_url,
                                                   named_logger("messaging"));
  k.search = std::make_unique<SearchIndex>(*k.database, k.config.var_dir / "search", named_logger("search"));
  k.content = std::make_unique<ContentService>(*k.database, *k.blobs, *k.events, *k.messages, *k.search);
  k.trust = std::make_unique<TrustService>(*k.database, *k.audit);
  k.plugins = std::make_unique<PluginHost>(k.config,
                                           KernelServices{k.router, *k.database, *k.events, *k.blobs, k.timers, *k.audit,
                                                          *k.messages, *k.search, *k.content, *k.trust, k.contracts},
                                           *k.migrator, named_logger("plugins"));
  if (migrate) {
    k.migrator->prepare();
    k.migrator->apply("kernel", kernel_migrations());
    if (k.config.database.demo_data) k.migrator->apply("kernel#demo", kernel_demo_migrations());
  }
  k.plugins->discover();
  if (migrate) k.plugins->migrate();
}

void Kernel::start() {
  auto& k = *impl_;
  k.signing_key = std::make_unique<SigningKey>(
      SigningKey::load_or_create(k.config.trust.kernel_key_file, k.config.trust.master_key_file));
  k.log->info("kernel signing key {} (SM2)", k.signing_key->key_id().substr(0, 16));
  IdentityConfig identity = k.config.identity;
  if (k.config.trust.development_ca) k.development_ca = trust_development_ca(k.config, *k.signing_key, identity, *k.log);
  k.identity = std::make_unique<IdentityService>(*k.database, identity, k.admin_token, named_logger("identity"));
  k.identity->refresh_crls();
  k.trust->start(trust_equipment(k.config, *k.signing_key, k.identity->certificates(), k.development_ca.get(), *k.log));
  k.router.set_resolver([identity = k.identity.get()](const HttpRequest& req) { return identity->resolve(req); });
  k.router.set_audit([audit = k.audit.get()](const Principal& who, const std::string& ip, const std::string& request_id,
                                             const std::string& route, const std::string& owner, const std::string& path,
                                             int status) {
    audit->record_as(who, ip, request_id, route, owner, path, KernelAudit::outcome_of(status));
  });
  if (!k.config.server.web_root.empty()) k.router.set_static_files(std::make_shared<StaticFiles>(k.config.server.web_root));
  k.router.set_tls(!k.config.server.tls_certificate.empty());
  register_kernel_routes({k.router, *k.plugins, *k.database, *k.events, *k.migrator,
                          std::chrono::milliseconds(k.config.server.shutdown_grace_ms)});
  register_identity_routes(k.router, *k.identity, *k.database, *k.audit, !k.config.server.tls_certificate.empty());
  register_audit_routes(k.router, *k.audit_log, *k.audit, *k.database, *k.signing_key);
  register_messaging_routes(k.router, *k.database, *k.messages, *k.deliveries, *k.live);
  register_content_routes(k.router, *k.content, *k.search);
  register_trust_routes(k.router, *k.trust);
  k.deliveries->attach(*k.events);
  k.search->start();
  if (k.config.database.demo_data) seed_demo_content(*k.content);
  if (k.config.database.demo_data && k.development_ca) seed_demo_seals(k.trust->seals());
  k.plugins->start();
  k.events->start();
  k.live->start();
  k.kernel_timers = std::make_unique<PluginScheduler>(k.timers, named_logger("messaging"));
  k.kernel_timers->every("messaging.deliveries", std::chrono::milliseconds(k.config.messaging.delivery_interval_ms),
                         [d = k.deliveries.get()] { d->send_due(); });
  k.kernel_timers->every("messaging.retention", std::chrono::hours(1),
                         [m = k.messages.get(), days = k.config.messaging.retention_days, log = k.log] {
                           if (int n = m->purge_older_than(days)) log->info("deleted {} messages older than {} days", n, days);
                         });
  if (!k.config.identity.crl_urls.empty())
    k.kernel_timers->every("identity.crls", std::chrono::seconds(k.identity->crl_refresh_seconds()),
                           [id = k.identity.get()] { id->refresh_crls(); });
  k.kernel_timers->every("audit.tree_head", std::chrono::seconds(k.config.trust.tree_head_interval_seconds),
                         [log = k.audit_log.get(), key = k.signing_key.get()] { log->sign_head(*key, true); });
  k.kernel_timers->every("content.schedule", std::chrono::seconds(5), [c = k.content.get()] { c->apply_schedule(); });
  k.kernel_timers->every("search.prune", std::chrono::hours(6), [s = k.search.get()] { s->prune_changes(7); });
  ServerOptions o;
  o.host = k.config.server.host;
  o.port = static_cast<unsigned short>(k.config.server.port);
  o.threads = k.config.server.io_threads > 0 ? static_cast<unsigned>(k.config.server.io_threads) : cores();
  o.body_limit = k.config.server.body_limit;
  o.tls_certificate = k.config.server.tls_certificate;
  o.tls_private_key = k.config.server.tls_private_key;
  k.server = std::make_unique<Server>(o, k.router);
  k.server->start();
  k.started = true;
  k.startup_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - k.born).count();
  k.log->info("listening on {}://{}:{} ({} event loops, {} workers) after {} ms",
              o.tls_certificate.empty() ? "http" : "https", o.host, k.server->port(), o.threads, k.workers.size(),
              k.startup_ms);
}

void Kernel::stop() {
  auto& k = *impl_;
  if (!k.started) return;
  k.started = false;
  auto grace = std::chrono::milliseconds(k.config.server.shutdown_grace_ms);
  k.log->info("stopping: no new connections, finishing requests in flight");
  if (k.live) k.live->stop();  // no more pushes; the streams end with the event loops
  if (k.server) k.server->stop(grace);
  if (k.kernel_timers) k.kernel_timers->cancel_and_wait();
  if (k.events) k.events->stop();
  if (k.search) k.search->stop();
  if (k.plugins) k.plugins->stop(grace);
  k.timers.stop();
  k.workers.join();
  k.log->info("stopped");
}

unsigned short Kernel::port() const { return impl_->server ? impl_->server->port() : 0; }
PluginHost& Kernel::plugins() { return *impl_->plugins; }
AuditLog& Kernel::audit_log() { return *impl_->audit_log; }
const std::string& Kernel::admin_token() const { return impl_->admin_token; }
const KernelConfig& Kernel::config() const { return impl_->config; }
std::int64_t Kernel::startup_ms() const { return impl_->startup_ms; }

}  // namespace wangban::kernel
