// casebook: a test plugin with cases owned by applicants and handled by staff, showing the
// two access rules plugins apply on top of route permissions: object ownership (a person
// reaches only their own cases, an agent only the cases of the legal person they act for)
// and data scope (staff reach cases only in the org subtrees where they hold the permission).
// Accepting a case tells the applicant (Context::messaging().send) and publishes to the topic
// casebook.case.accepted, in the same transaction as the change. /notices reads the platform's
// published notices through Context::content(). /cases/{id}/notice issues the acceptance notice
// sealed with the accepting staff member's personal name seal through Context::trust(), with a
// time stamp, and verifies it there too.
#include <random>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <wangban/content.hpp>
#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/http.hpp>
#include <wangban/messaging.hpp>
#include <wangban/plugin.hpp>
#include <wangban/problem.hpp>
#include <wangban/trust.hpp>

namespace casebook {

using json = nlohmann::json;

struct Case {
  std::string id, owner_account, owner_legal, org_path, title, state;
};

// In scope when the case's org path lies under one of the caller's scope paths for `permission`.
bool in_scope(const wangban::Principal& p, const std::string& permission, const std::string& org_path) {
  for (const auto& root : p.scope_paths(permission))
    if (org_path.rfind(root, 0) == 0) return true;
  return false;
}

// Applicants reach their own cases; agents the cases of the legal person they act for.
bool owns(const wangban::Principal& p, const Case& c) {
  if (!p.acting_for.empty()) return c.owner_legal == p.acting_for;
  return c.owner_legal.empty() && c.owner_account == p.account_id;
}

class CasebookPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    ctx_ = &ctx;
    const std::string any(wangban::kAuthenticated);
    ctx.routes().add({"POST", "/cases", any, "applicant files a case",
                      R"({"type":"object","required":["title","org_path"],"properties":{"title":{"type":"string"},"org_path":{"type":"string"}}})",
                      "", [this](const wangban::Request& req) { return create(req); }});
    ctx.routes().add({"GET", "/cases/{id}", any, "one case: its owner, or staff with casebook.case.read in scope", "", "",
                      [this](const wangban::Request& req) {
                        auto c = load(req.param("id"));
                        const auto& p = req.principal();
                        if (!owns(p, c) && !in_scope(p, "casebook.case.read", c.org_path))
                          throw wangban::Problem::not_found("casebook.not_found", "没有这个案件");
                        return wangban::Response::json({{"id", c.id}, {"title", c.title}, {"state", c.state}});
                      }});
    ctx.routes().add({"POST", "/cases/{id}/accept", "casebook.case.accept", "staff accept a case in their scope", "", "",
                      [this](const wangban::Request& req) {
                        auto c = load(req.param("id"));
                        if (!in_scope(req.principal(), "casebook.case.accept", c.org_path))
                          throw wangban::Problem::forbidden("casebook.out_of_scope", "该案件不在您的受理范围内");
                        auto s = ctx_->database().session();
                        wangban::WriteTransaction tx(*s, ctx_->database().dialect());
                        *s << "UPDATE casebook_cases SET state = 'accepted' WHERE id = :i", soci::use(c.id);
                        ctx_->messaging().send(*s, wangban::Recipient::account(c.owner_account),
                                               {"casebook.case.status", "您的申请已受理", "“" + c.title + "”已受理。",
                                                "/cases/" + c.id, {"email", "sms"}});
                        ctx_->messaging().publish(*s, {"casebook.case.accepted", "案件已受理：" + c.title, "", "", {}});
                        tx.commit();
                        return wangban::Response::json({{"id", c.id}, {"state", "accepted"}});
                      }});
    ctx.routes().add({"POST", "/cases/{id}/notice", "casebook.case.accept",
                      "staff issue the acceptance notice, sealed with their personal name seal", "", "",
                      [this](const wangban::Request& req) { return sealed_notice(req); }});
    ctx.routes().add({"GET", "/notices", std::string(wangban::kPublic), "the platform's published notices", "", "",
                      [this](const wangban::Request&) {
                        json out = json::array();
                        for (auto& p : ctx_->content().published_list("notice", 0, 20))
                          out.push_back({{"id", p.id}, {"title", p.title}});
                        return wangban::Response::json({{"notices", out}});
                      }});
    ctx.routes().add({"GET", "/notices/{id}", std::string(wangban::kPublic), "one published notice", "", "",
                      [this](const wangban::Request& req) {
                        auto p = ctx_->content().published(req.param("id"));
                        if (!p) throw wangban::Problem::not_found("casebook.no_notice", "没有这条已发布的通知");
                        return wangban::Response::json({{"title", p->title}, {"html", p->html}, {"version", p->version}});
                      }});
    ctx.routes().add({"GET", "/cases", "casebook.case.read", "cases in the caller's scope", "", "",
                      [this](const wangban::Request& req) {
                        // Data scope as SQL: org_path LIKE '<scope path>%' for each scope path.
                        auto paths = req.principal().scope_paths("casebook.case.read");
                        json out = json::array();
                        auto s = ctx_->database().session();
                        for (const auto& root : paths) {
                          std::string pattern = root + "%";
                          soci::rowset<soci::row> rows =
                              (s->prepare << "SELECT id FROM casebook_cases WHERE org_path LIKE :p ORDER BY id",
                               soci::use(pattern));
                          for (auto& r : rows) out.push_back(r.get<std::string>(0));
                        }
                        return wangban::Response::json({{"cases", out}});
                      }});
  }

 private:
  wangban::Response create(const wangban::Request& req) {
    const auto& p = req.principal();
    if (p.kind != wangban::Principal::Kind::person)
      throw wangban::Problem::forbidden("casebook.applicants_only", "只有申请人可以提交案件");
    std::random_device rd;
    std::string id = "case-" + std::to_string(rd()) + std::to_string(rd());
    std::string title = req.json()["title"], org_path = req.json()["org_path"], state = "submitted";
    soci::indicator legal_ind = p.acting_for.empty() ? soci::i_null : soci::i_ok;
    auto s = ctx_->database().session();
    *s << "INSERT INTO casebook_cases (id, owner_account, owner_legal, org_path, title, state)"
          " VALUES (:i, :o, :l, :p, :t, :s)",
        soci::use(id), soci::use(p.account_id), soci::use(p.acting_for, legal_ind), soci::use(org_path),
        soci::use(title), soci::use(state);
    return wangban::Response::json({{"id", id}}, 201);
  }

  wangban::Response sealed_notice(const wangban::Request& req) {
    auto c = load(req.param("id"));
    const auto& p = req.principal();
    if (!in_scope(p, "casebook.case.accept", c.org_path))
      throw wangban::Problem::forbidden("casebook.out_of_scope", "该案件不在您的受理范围内");
    auto seals = ctx_->trust().name_seals_of(p.account_id);
    if (seals.empty()) throw wangban::Problem::conflict("casebook.no_name_seal", "您还没有可用的个人名章");
    std::string notice = "受理通知书：" + c.title + "（案件 " + c.id + "）已受理。";
    auto sealed = ctx_->trust().seal_document(seals.front().id, p, notice, "acceptance-notice " + c.id);
    auto report = ctx_->trust().verify(sealed.signature, notice);
    std::string stamp = ctx_->trust().time_stamp(notice);
    auto hex = [](const std::string& bytes) {
      static const char* digits = "0123456789abcdef";
      std::string out;
      for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
      return out;
    };
    return wangban::Response::json({{"notice", notice},
                                    {"seal", seals.front().es_id},
                                    {"signature_hex", hex(sealed.signature)},
                                    {"time_stamp_hex", hex(stamp)},
                                    {"report", {{"ok", report.ok}, {"code", report.code}, {"kind", report.kind}}}});
  }

  Case load(const std::string& id) {
    auto s = ctx_->database().session();
    Case c;
    soci::indicator legal_ind = soci::i_null;
    *s << "SELECT id, owner_account, owner_legal, org_path, title, state FROM casebook_cases WHERE id = :i",
        soci::use(id), soci::into(c.id), soci::into(c.owner_account), soci::into(c.owner_legal, legal_ind),
        soci::into(c.org_path), soci::into(c.title), soci::into(c.state);
    if (!s->got_data()) throw wangban::Problem::not_found("casebook.not_found", "没有这个案件");
    if (legal_ind != soci::i_ok) c.owner_legal.clear();
    return c;
  }

  wangban::Context* ctx_ = nullptr;
};

}  // namespace casebook

WANGBAN_PLUGIN(casebook::CasebookPlugin, "casebook", "1.0.0", "", "access-rule test plugin", "")
