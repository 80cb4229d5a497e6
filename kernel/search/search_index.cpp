// SearchIndex: the change log in SQL, the follower thread and the Xapian index and queries.
#include "search/search_index.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include "db/sql_database.hpp"
#include "util/digest.hpp"
#include "util/text.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr long long kLookBack = 200;
constexpr const char* kLastSeq = "wangban.last_seq";
constexpr unsigned kCjk = Xapian::TermGenerator::FLAG_CJK_NGRAM;

std::string unique_term(const std::string& owner, const std::string& id) { return "Q" + sha256_hex(owner + "\n" + id); }

// Boolean filter terms: lower-case ASCII prefixes that never collide with indexed words.
std::string kind_term(const std::string& kind) { return "XK" + kind; }
std::string owner_term(const std::string& owner) { return "XO" + owner; }
std::string facet_term(const std::string& name, const std::string& value) {
  return ("XF" + name + "=" + value).substr(0, 240);
}

std::string unescape_html(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<const char*, char> entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}};
      bool done = false;
      for (auto& [name, ch] : entities)
        if (s.compare(i, std::strlen(name), name) == 0) {
          out += ch;
          i += std::strlen(name) - 1;
          done = true;
          break;
        }
      if (done) continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

struct SearchIndex::Impl {
  Database& db;
  fs::path dir;
  std::shared_ptr<spdlog::logger> log;
  std::mutex mutex;  // the Xapian database (writes and reads)
  std::unique_ptr<Xapian::WritableDatabase> xdb;
  long long last_seq = 0;
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool woken = false, stopping = false;
  std::thread thread;

  Impl(Database& d, fs::path p, std::shared_ptr<spdlog::logger> l) : db(d), dir(std::move(p)), log(std::move(l)) {}

  Xapian::Document document(const std::string& owner, const std::string& id, const std::string& kind,
                            const std::string& title, const std::string& body, const std::string& url,
                            const std::string& facets) {
    Xapian::Document doc;
    Xapian::TermGenerator terms;
    terms.set_flags(kCjk);
    terms.set_document(doc);
    terms.index_text(title, 3);  // a title word counts three times
    terms.increase_termpos();
    terms.index_text(body);
    doc.add_boolean_term(unique_term(owner, id));
    doc.add_boolean_term(kind_term(kind));
    doc.add_boolean_term(owner_term(owner));
    json f = json::parse(facets);
    for (auto& [name, value] : f.items()) doc.add_boolean_term(facet_term(name, value.get<std::string>()));
    doc.set_data(json{{"owner", owner}, {"id", id}, {"kind", kind}, {"title", title}, {"url", url},
                      {"text", body.substr(0, 4000)}}.dump());
    return doc;
  }

  // Brings the index to the database: the changes after last_seq (and a look-back window).
  int apply_changes() {
    long long from = std::max<long long>(0, last_seq - kLookBack);
    struct Change {
      long long seq;
      std::string owner, id;
      bool exists;
      std::string kind, title, body, url, facets;
    };
    std::vector<Change> changes;
    {
      auto s = db.session();
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT c.seq, c.owner, c.id, d.kind, d.title, d.body, d.url, d.facets FROM wb_search_changes c"
                         " LEFT JOIN wb_search_documents d ON d.owner = c.owner AND d.id = c.id"
                         " WHERE c.seq > :s ORDER BY c.seq LIMIT 2000",
           soci::use(from));
      for (auto& r : rows) {
        bool exists = r.get_indicator(3) == soci::i_ok;
        changes.push_back({row_integer(r, 0), r.get<std::string>(1), r.get<std::string>(2), exists,
                           exists ? r.get<std::string>(3) : "", exists ? r.get<std::string>(4) : "",
                           exists ? r.get<std::string>(5) : "", exists ? r.get<std::string>(6) : "",
                           exists ? r.get<std::string>(7) : "{}"});
      }
    }
    if (changes.empty()) return 0;
    std::lock_guard lock(mutex);
    int applied = 0;
    for (auto& c : changes) {
      auto term = unique_term(c.owner, c.id);
      if (c.exists) xdb->replace_document(term, document(c.owner, c.id, c.kind, c.title, c.body, c.url, c.facets));
      else xdb->delete_document(term);
      if (c.seq > last_seq) ++applied;
      last_seq = std::max(last_seq, c.seq);
    }
    xdb->set_metadata(kLastSeq, std::to_string(last_seq));
    xdb->commit();
    return applied;
  }

  // Builds the index afresh from wb_search_documents.
  void rebuild() {
    auto s = db.session();
    long long max = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MAX(seq) FROM wb_search_changes", soci::into(max, ind);
    std::lock_guard lock(mutex);
    xdb.reset();  // releases the lock of an index opened before
    xdb = std::make_unique<Xapian::WritableDatabase>(dir.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT owner, id, kind, title, body, url, facets FROM wb_search_documents");
    int n = 0;
    for (auto& r : rows) {
      xdb->replace_document(unique_term(r.get<std::string>(0), r.get<std::string>(1)),
                            document(r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                                     r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
                                     r.get<std::string>(6)));
      ++n;
    }
    last_seq = ind == soci::i_ok ? max : 0;
    xdb->set_metadata(kLastSeq, std::to_string(last_seq));
    xdb->commit();
    log->info("search index rebuilt from {} documents", n);
  }

  void run() {
    std::unique_lock lock(wake_mutex);
    while (!stopping) {
      wake_cv.wait_for(lock, std::chrono::milliseconds(500), [this] { return woken || stopping; });
      if (stopping) break;
      woken = false;
      lock.unlock();
      try {
        apply_changes();
      } catch (const std::exception& e) {
        log->warn("search index: {}", e.what());
      } catch (const Xapian::Error& e) {  // not a std::exception
        log->warn("search index: {}", e.get_description());
      }
      lock.lock();
    }
  }
};

SearchIndex::SearchIndex(Database& db, fs::path dir, std::shared_ptr<spdlog::logger> log)
    : impl_(std::make_unique<Impl>(db, std::move(dir), std::move(log))) {}

SearchIndex::~SearchIndex() { stop(); }

void SearchIndex::start() {
  auto& i = *impl_;
  fs::create_directories(i.dir);
  bool rebuild = true;
  try {
    i.xdb = std::make_unique<Xapian::WritableDatabase>(i.dir.string(), Xapian::DB_CREATE_OR_OPEN);
    auto stored = i.xdb->get_metadata(kLastSeq);
    i.last_seq = stored.empty() ? 0 : std::stoll(stored);
    auto s = i.db.session();
    long long oldest = 0, count = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT MIN(seq), COUNT(*) FROM wb_search_changes", soci::into(oldest, ind), soci::into(count);
    // Usable when it has seen the change before the oldest one still kept (or there are none).
    rebuild = stored.empty() || (ind == soci::i_ok && i.last_seq < oldest - 1);
  } catch (const Xapian::DatabaseLockError&) {
    throw std::runtime_error("the search index " + i.dir.string() +
                             " is in use by another kernel process (each node needs its own var_dir)");
  } catch (const Xapian::Error& e) {
    i.log->warn("search index at {} cannot be opened ({}); rebuilding", i.dir.string(), e.get_msg());
  }
  try {
    if (rebuild) i.rebuild();
    i.apply_changes();
  } catch (const Xapian::DatabaseLockError&) {
    throw std::runtime_error("the search index " + i.dir.string() +
                             " is in use by another kernel process (each node needs its own var_dir)");
  } catch (const Xapian::Error& e) {
    throw std::runtime_error("the search index " + i.dir.string() + " cannot be built: " + e.get_msg());
  }
  i.thread = std::thread([this] { impl_->run(); });
}

void SearchIndex::stop() {
  auto& i = *impl_;
  {
    std::lock_guard lock(i.wake_mutex);
    if (i.stopping) return;
    i.stopping = true;
  }
  i.wake_cv.notify_all();
  if (i.thread.joinable()) i.thread.join();
  std::lock_guard lock(i.mutex);
  if (i.xdb) i.xdb->close();
}

void SearchIndex::wake() {
  {
    std::lock_guard lock(impl_->wake_mutex);
    impl_->woken = true;
  }
  impl_->wake_cv.notify_all();
}

int SearchIndex::catch_up() { return impl_->apply_changes(); }

void SearchIndex::put(soci::session& tx, const std::string& owner, const SearchDocument& d) {
  if (d.id.empty() || utf8_characters(d.id) > 200) throw Problem::bad_request("search.bad_id", "检索文档标识为空或过长");
  if (d.kind.empty() || d.kind.size() > 50) throw Problem::bad_request("search.bad_kind", "检索文档类别为空或过长");
  if (d.title.empty()) throw Problem::bad_request("search.bad_title", "检索文档标题不能为空");
  json facets = json::object();
  for (auto& [name, value] : d.facets) facets[name] = value;
  std::string f = facets.dump(), now = utc_now_iso();
  long long ms = epoch_ms_now();
  tx << "DELETE FROM wb_search_documents WHERE owner = :o AND id = :i", soci::use(owner), soci::use(d.id);
  tx << "INSERT INTO wb_search_documents (owner, id, kind, title, body, url, facets, updated_at)"
        " VALUES (:o, :i, :k, :t, :b, :u, :f, :n)",
      soci::use(owner), soci::use(d.id), soci::use(d.kind), soci::use(d.title), soci::use(d.text), soci::use(d.url),
      soci::use(f), soci::use(now);
  tx << "INSERT INTO wb_search_changes (owner, id, created_ms) VALUES (:o, :i, :m)", soci::use(owner), soci::use(d.id),
      soci::use(ms);
  wake();
}

void SearchIndex::remove(soci::session& tx, const std::string& owner, const std::string& id) {
  long long ms = epoch_ms_now();
  tx << "DELETE FROM wb_search_documents WHERE owner = :o AND id = :i", soci::use(owner), soci::use(id);
  tx << "INSERT INTO wb_search_changes (owner, id, created_ms) VALUES (:o, :i, :m)", soci::use(owner), soci::use(id),
      soci::use(ms);
  wake();
}

SearchResult SearchIndex::query(const SearchQuery& q) {
  try {
    return run_query(q);
  } catch (const Xapian::Error& e) {
    impl_->log->error("search query failed: {}", e.get_description());
    throw Problem(503, "search.failed", "检索服务暂时不可用，请稍后再试");
  }
}

SearchResult SearchIndex::run_query(const SearchQuery& q) {
  auto& i = *impl_;
  Xapian::Query filter = Xapian::Query::MatchAll;
  auto add_filter = [&](const std::string& term) { filter = Xapian::Query(Xapian::Query::OP_FILTER, filter, Xapian::Query(term)); };
  if (!q.kind.empty()) add_filter(kind_term(q.kind));
  if (!q.owner.empty()) add_filter(owner_term(q.owner));
  for (auto& [name, value] : q.facets) add_filter(facet_term(name, value));
  int limit = std::clamp(q.limit, 1, 100), offset = std::max(0, q.offset);

  std::lock_guard lock(i.mutex);
  if (!i.xdb) throw Problem(503, "search.unavailable", "检索服务尚未就绪");
  Xapian::Query query = filter;
  Xapian::QueryParser parser;
  parser.set_database(*i.xdb);
  parser.set_default_op(Xapian::Query::OP_AND);
  if (!q.text.empty()) {
    Xapian::Query words;
    try {
      words = parser.parse_query(q.text, Xapian::QueryParser::FLAG_DEFAULT | kCjk);
    } catch (const Xapian::QueryParserError&) {  // stray operators: take the words literally
      words = parser.parse_query(q.text, kCjk);
    }
    query = Xapian::Query(Xapian::Query::OP_FILTER, words, filter);
  }
  Xapian::Enquire enquire(*i.xdb);
  enquire.set_query(query);
  auto mset = enquire.get_mset(static_cast<Xapian::doccount>(offset), static_cast<Xapian::doccount>(limit));
  SearchResult out;
  out.total = mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    auto data = json::parse(it.get_document().get_data());
    SearchHit h{data["owner"], data["id"], data["kind"], data["title"], data["url"], "", it.get_weight()};
    std::string text = data["text"];
    if (!q.text.empty())
      h.snippet = unescape_html(mset.snippet(text, 240, Xapian::Stem(), Xapian::MSet::SNIPPET_CJK_NGRAM |
                                                                                         Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                                "", "", "…"));
    if (h.snippet.empty()) {  // the first characters, cut between UTF-8 characters
      std::size_t end = std::min<std::size_t>(text.size(), 240);
      while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
      h.snippet = text.substr(0, end);
    }
    out.hits.push_back(std::move(h));
  }
  return out;
}

int SearchIndex::prune_changes(int days) {
  long long cutoff = epoch_ms_now() - days * 86400000LL;
  auto s = impl_->db.session();
  soci::statement st = (s->prepare << "DELETE FROM wb_search_changes WHERE created_ms < :c", soci::use(cutoff));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace wangban::kernel
