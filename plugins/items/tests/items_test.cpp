// The items plugin with a real kernel (SQLite, and PostgreSQL when scripts/test provides one): the
// demo catalogue, the contract as another plugin sees it, four-level inheritance and propagation,
// the lifecycle with versions and effective dates, the rules on bad input, and import/export.
#include <chrono>
#include <ctime>

#include "support.hpp"

namespace {

using namespace wbtest;

// A day in China (UTC+8) `offset` days from today, YYYY-MM-DD.
std::string china_day(int offset = 0) {
  std::time_t t = std::time(nullptr) + 8 * 3600 + offset * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct Platform {
  explicit Platform(bool demo = true) : folder({"items", "items-reader"}), kernel(make(folder, demo)) {}
  static KernelOptions make(const PluginFolder& f, bool demo) {
    KernelOptions o = options(f, {"items", "items-reader"});
    o.required = {"items", "items-reader"};
    o.demo_data = demo;
    return o;
  }
  PluginFolder folder;
  KernelProcess kernel;
};

json get(httplib::Client& c, const std::string& path, int status = 200) {
  auto r = c.Get(path);
  REQUIRE(r);
  INFO(path << " -> " << r->body.substr(0, 2000));
  REQUIRE(r->status == status);
  return r->body.empty() ? json() : json::parse(r->body);
}

httplib::Result send(httplib::Client& c, const std::string& method, const std::string& path, const json& body) {
  std::string text = body.is_null() ? "" : body.dump();
  if (method == "POST") return c.Post(path, text, "application/json");
  if (method == "PUT") return c.Put(path, text, "application/json");
  return c.Delete(path);
}

json call(httplib::Client& c, const std::string& method, const std::string& path, const json& body, int status) {
  auto r = send(c, method, path, body);
  REQUIRE(r);
  INFO(method << " " << path << " -> " << r->status << " " << r->body.substr(0, 3000));
  REQUIRE(r->status == status);
  return r->body.empty() ? json() : json::parse(r->body);
}

// The errors of a 422 answer, as "at: message" lines.
std::string errors_of(const json& problem) {
  std::string out;
  for (auto& e : problem.value("errors", json::array())) out += e["at"].get<std::string>() + ": " + e["message"].get<std::string>() + "\n";
  return out;
}

bool has_error_at(const json& problem, const std::string& at, const std::string& words) {
  for (auto& e : problem.value("errors", json::array()))
    if (e["at"] == at && e["message"].get<std::string>().find(words) != std::string::npos) return true;
  return false;
}

json published_fields(httplib::Client& c, const std::string& kind, const std::string& code) {
  json record = get(c, "/api/items/admin/records/" + kind + "/" + code);
  REQUIRE(!record["in_force_version"].is_null());
  return get(c, "/api/items/admin/records/" + kind + "/" + code + "/versions/" + std::to_string(record["in_force_version"].get<int>()))["fields"];
}

// The reader plugin's record of item.* events, once the outbox has delivered `count` with `topic`.
json events_when(httplib::Client& c, const std::string& topic, std::size_t count) {
  json events;
  bool arrived = wait_until(
      [&] {
        events = get(c, "/api/items-reader/events");
        std::size_t n = 0;
        for (auto& e : events) n += e["topic"] == topic;
        return n >= count;
      },
      std::chrono::seconds(20));
  INFO(events.dump().substr(0, 3000));
  REQUIRE(arrived);
  json out = json::array();
  for (auto& e : events)
    if (e["topic"] == topic) out.push_back(e["payload"]);
  return out;
}

}  // namespace

TEST_CASE("items: the demo catalogue loads with the embedded default and other plugins read it through the contract") {
  Platform p;
  auto c = p.kernel.client();
  auto themes = get(c, "/api/items/themes")["themes"];
  auto departments = get(c, "/api/items/departments")["departments"];
  CHECK(themes.size() >= 8);
  CHECK(departments.size() >= 10);
  auto list = get(c, "/api/items/catalogue?limit=500");
  CHECK(list["total"].get<int>() >= 60);
  std::set<std::string> levels, theme_codes;
  for (auto& i : list["items"]) {
    levels.insert(i["level"].get<std::string>());
    for (auto& t : i["themes"]) theme_codes.insert(t.get<std::string>());
  }
  CHECK(levels == std::set<std::string>{"national", "province", "city", "county"});
  CHECK(theme_codes.size() >= 8);

  // Navigation keys: theme, audience, department, online.
  auto birth = get(c, "/api/items/catalogue?theme=birth&limit=500");
  CHECK(birth["total"].get<int>() > 0);
  for (auto& i : birth["items"]) CHECK(std::count(i["themes"].begin(), i["themes"].end(), json("birth")) == 1);
  auto legal = get(c, "/api/items/catalogue?audience=legal&limit=500");
  for (auto& i : legal["items"]) CHECK(i["audience"] != "person");
  auto online = get(c, "/api/items/online-list");
  CHECK(online["version"].get<int>() >= 1);
  CHECK(online["implementation_codes"].size() >= 60);
  auto online_items = get(c, "/api/items/catalogue?online=1&limit=500");
  CHECK(online_items["total"] == online["implementation_codes"].size());

  // The guide of one item: unified fields from the base entry, local ones from the implementation.
  const std::string code = "330106004200040000101";
  auto guide = get(c, "/api/items/catalogue/" + code);
  CHECK(guide["fields"]["name"] == "出生医学证明办理（首次签发）");
  CHECK(guide["department"]["name"] == "杭州市西湖区卫生健康局");
  for (const char* f : {"legal_basis", "case_type", "statutory_limit", "promised_limit", "acceptance_conditions", "process",
                        "fees", "result", "materials", "consultation", "complaint", "form_schema", "themes", "audience"})
    CHECK_MESSAGE(guide["fields"].contains(f), f);

  // The same item through the contract, as the hall and approval will read it.
  auto seen = get(c, "/api/items-reader/item/" + code);
  CHECK(seen["name"] == guide["fields"]["name"]);
  CHECK(seen["statutory_limit"]["value"] == guide["fields"]["statutory_limit"]["value"]);
  CHECK(seen["promised_limit"]["value"] == guide["fields"]["promised_limit"]["value"]);
  CHECK(seen["fully_online"] == true);
  CHECK(seen["body_credit_code"] == "11330106002310694U");
  REQUIRE(seen["materials"].size() == guide["fields"]["materials"].size());
  for (auto& m : seen["materials"]) {  // the archive never guesses: every material carries its rules
    CHECK(!m["retention"].get<std::string>().empty());
    CHECK(!m["use_permission"].get<std::string>().empty());
    CHECK(!m["routing"].empty());
  }
  CHECK(get(c, "/api/items-reader/find?theme=birth").size() == birth["items"].size());
  CHECK(get(c, "/api/items-reader/online")["codes"] == online["implementation_codes"]);
  auto bundle = get(c, "/api/items-reader/bundle/B0000001");
  CHECK(bundle["members"].size() >= 2);
  CHECK(bundle["materials"].get<int>() > 0);

  // Applications are checked against the item's form with the platform's validator.
  json good = {{"mother_name", "王芳"}, {"mother_id_number", "11010519491231002X"}, {"newborn_name", "王小宝"},
               {"newborn_gender", "男"}, {"birth_date", "2026-11-01"}, {"birth_institution", "杭州市妇产科医院"},
               {"mobile", "13800138000"}};
  CHECK(call(c, "POST", "/api/items-reader/check/" + code, good, 200)["errors"].empty());
  json bad = good;
  bad["mobile"] = "12345";
  bad.erase("newborn_name");
  auto errors = call(c, "POST", "/api/items-reader/check/" + code, bad, 200)["errors"];
  CHECK(errors.size() >= 2);
  std::string pointers;
  for (auto& e : errors) pointers += e["pointer"].get<std::string>() + " ";
  CHECK(pointers.find("/mobile") != std::string::npos);
  // The public check route gives the same verdict.
  CHECK(call(c, "POST", "/api/items/catalogue/" + code + "/check", good, 200)["valid"] == true);
  auto checked = call(c, "POST", "/api/items/catalogue/" + code + "/check", bad, 200);
  CHECK(checked["valid"] == false);
  CHECK(checked["errors"].size() == errors.size());

  // Unknown and out-of-date items.
  CHECK(get(c, "/api/items/catalogue/999999", 404)["code"] == "items.not_found");
  CHECK(get(c, "/api/items/catalogue/" + code + "?date=2020-01-01", 404)["code"] == "items.not_found");
  CHECK(get(c, "/api/items/catalogue/" + code + "?date=2026-13-01", 400)["code"] == "items.bad_date");
  CHECK(get(c, "/api/items-reader/item/" + code + "?date=2020-01-01", 404)["code"] == "reader.not_found");
}

TEST_CASE("items: four-level inheritance, propagation with change reports, versions and effective dates") {
  Platform p;
  auto admin = p.kernel.client(true);
  auto editor = client_as(p.kernel, bearer_login(p.kernel, "clerk"));      // 张三: items.edit, items.base.edit
  auto reviewer = client_as(p.kernel, bearer_login(p.kernel, "approver"));  // 李四: items.review
  const std::string basic = "0100400049";  // 医师执业注册: province, city and two counties
  const std::string today = china_day(), tomorrow = china_day(1);

  // A national implementation joins the province, city and county ones: four levels of one base entry.
  json province = published_fields(editor, "implementation", "330000004010040004901");
  // 国家卫生健康委员会 (or whichever national department the demo has for health), else the first national one.
  json departments = get(admin, "/api/items/departments")["departments"], department;
  for (auto& d : departments)
    if (d["level"] == "national" && (department.is_null() || d["name"].get<std::string>().find("卫生") != std::string::npos)) department = d;
  REQUIRE(!department.is_null());
  std::string national_department = department["id"];
  CHECK(get(admin, "/api/items/catalogue?q=" + basic)["total"] == 4);  // read (and cached) before the change
  json fields = province;
  fields["exercise_level"] = "1";
  fields["body"] = {{"name", department["name"]}, {"credit_code", department["credit_code"]}, {"nature", "1"}};
  const std::string national = "100000001" + basic + "01";
  json created = call(editor, "POST", "/api/items/admin/records",
                      {{"kind", "implementation"}, {"code", national}, {"basic_code", basic}, {"level", "national"},
                       {"division_code", "100000"}, {"department", national_department}, {"effective_from", today}, {"fields", fields}},
                      201);
  CHECK(created["versions"][0]["status"] == "draft");
  call(editor, "POST", "/api/items/admin/records/implementation/" + national + "/submit", nullptr, 200);
  // The author may not approve; a reviewer must (the administrator token cannot either: it wrote nothing
  // here, but 张三 lacks items.review altogether).
  call(editor, "POST", "/api/items/admin/records/implementation/" + national + "/versions/1/approve", json::object(), 403);
  call(reviewer, "POST", "/api/items/admin/records/implementation/" + national + "/versions/1/approve", json::object(), 200);
  CHECK(get(admin, "/api/items/catalogue?q=" + basic)["total"] == 5);  // the publication is seen at once
  std::vector<std::string> codes = {national, "330000004010040004901", "330100004010040004901", "330106004010040004901",
                                    "330102004010040004901"};
  std::set<std::string> levels;
  for (auto& code : codes) {
    auto guide = get(admin, "/api/items/catalogue/" + code);
    levels.insert(guide["level"].get<std::string>());
    CHECK(guide["fields"]["name"] == "医师执业注册");  // inherited, identical on every level
    CHECK(guide["fields"]["statutory_limit"]["value"] == 20);
    CHECK(guide["base_version"] == 1);
  }
  CHECK(levels.size() == 4);

  // An implementation cannot change a unified field, nor promise more than the statutory limit.
  json wrong = province;
  wrong["name"] = "医师执业注册（本地版）";
  auto refused = call(editor, "PUT", "/api/items/admin/records/implementation/330000004010040004901/draft",
                      {{"effective_from", today}, {"fields", wrong}}, 422);
  CHECK(refused["code"] == "items.invalid");
  CHECK_MESSAGE(has_error_at(refused, "/fields/name", "统一字段"), errors_of(refused));
  wrong = province;
  wrong["promised_limit"] = {{"value", 25}, {"unit", "working_day"}};
  refused = call(editor, "PUT", "/api/items/admin/records/implementation/330000004010040004901/draft",
                 {{"effective_from", today}, {"fields", wrong}}, 422);
  CHECK_MESSAGE(has_error_at(refused, "/fields/promised_limit", "不能长于法定办结时限"), errors_of(refused));
  wrong["promised_limit"] = {{"value", 2}, {"unit", "month"}};  // 42 working days > 20
  refused = call(editor, "PUT", "/api/items/admin/records/implementation/330000004010040004901/draft",
                 {{"effective_from", today}, {"fields", wrong}}, 422);
  CHECK(has_error_at(refused, "/fields/promised_limit", "不能长于法定办结时限"));
  CHECK(get(admin, "/api/items/admin/records/implementation/330000004010040004901")["versions"].size() == 1);  // nothing saved

  // The national base entry changes from tomorrow: statutory limit 20 → 4 working days, one more material.
  json base = published_fields(editor, "base", basic);
  json changed = base;
  changed["statutory_limit"] = {{"value", 4}, {"unit", "working_day"}, {"note", "压缩后的法定时限"}};
  json material = changed["materials"][0];
  material["id"] = "m9";
  material["name"] = "执业助理医师资格证书";
  changed["materials"].push_back(material);
  call(editor, "PUT", "/api/items/admin/records/base/" + basic + "/draft", {{"effective_from", tomorrow}, {"fields", changed}}, 200);
  // Before submitting, the editor sees what it will do to every level.
  auto impact = get(editor, "/api/items/admin/records/base/" + basic + "/impact");
  CHECK(impact["to_version"] == 2);
  REQUIRE(impact["implementations"].size() == 5);
  for (auto& i : impact["implementations"]) CHECK(!i["problems"].empty());
  get(reviewer, "/api/items/admin/records/base/" + basic + "/impact", 403);
  call(editor, "POST", "/api/items/admin/records/base/" + basic + "/submit", nullptr, 200);
  auto diff = get(reviewer, "/api/items/admin/records/base/" + basic + "/versions/2/diff");
  std::set<std::string> diffed;
  for (auto& d : diff["changes"]) diffed.insert(d["field"].get<std::string>());
  CHECK(diffed == std::set<std::string>{"materials", "statutory_limit"});
  // A reviewer sends it back once, then approves.
  call(reviewer, "POST", "/api/items/admin/records/base/" + basic + "/versions/2/reject", json::object(), 400);  // a note is required
  auto rejected = call(reviewer, "POST", "/api/items/admin/records/base/" + basic + "/versions/2/reject", {{"note", "请补充说明"}}, 200);
  CHECK(rejected["versions"][0]["status"] == "draft");
  CHECK(rejected["versions"][0]["review_note"] == "请补充说明");
  call(editor, "POST", "/api/items/admin/records/base/" + basic + "/submit", nullptr, 200);
  auto approved = call(reviewer, "POST", "/api/items/admin/records/base/" + basic + "/versions/2/approve", {{"note", "同意"}}, 200);
  CHECK(approved["versions"][0]["status"] == "published");
  CHECK(approved["versions"][0]["reviewer_name"] == "李四");
  CHECK(approved["in_force_version"] == 1);  // version 2 takes effect tomorrow

  // Today every level still has version 1; tomorrow every level has version 2.
  for (auto& code : codes) {
    auto now = get(admin, "/api/items/catalogue/" + code);
    auto next = get(admin, "/api/items/catalogue/" + code + "?date=" + tomorrow);
    CHECK(now["base_version"] == 1);
    CHECK(now["fields"]["statutory_limit"]["value"] == 20);
    CHECK(next["base_version"] == 2);
    CHECK(next["fields"]["statutory_limit"]["value"] == 4);
    CHECK(next["fields"]["materials"].size() == now["fields"]["materials"].size() + 1);
    CHECK(get(admin, "/api/items-reader/item/" + code + "?date=" + tomorrow)["base_version"] == 2);
  }

  // One change report per implementation, naming the changed fields and the promised limit now too long.
  auto reports = get(reviewer, "/api/items/admin/change-reports?code=" + basic)["reports"];
  REQUIRE(reports.size() == codes.size());
  std::set<std::string> reported;
  for (auto& r : reports) {
    reported.insert(r["implementation_code"].get<std::string>());
    CHECK(r["from_version"] == 1);
    CHECK(r["to_version"] == 2);
    CHECK(r["effective_from"] == tomorrow);
    std::set<std::string> fields_changed;
    for (auto& ch : r["changes"]) fields_changed.insert(ch["field"].get<std::string>());
    CHECK(fields_changed == diffed);
    REQUIRE(!r["problems"].empty());
    CHECK(r["problems"][0].get<std::string>().find("承诺办结时限") != std::string::npos);
  }
  CHECK(reported == std::set<std::string>(codes.begin(), codes.end()));
  // ... an item.changed event for each, delivered to another plugin, and an audit record for each.
  auto changed_events = events_when(admin, "item.changed", codes.size());
  std::set<std::string> evented;
  for (auto& e : changed_events) evented.insert(e["implementation_code"].get<std::string>());
  CHECK(evented == reported);
  auto audit = get(admin, "/api/audit/entries?action=item.propagated&limit=100")["entries"];
  std::set<std::string> audited;
  for (auto& a : audit) audited.insert(a["object_id"].get<std::string>());
  CHECK(audited == reported);

  // Each implementation's next draft must respect the new limit before it can be saved.
  json local = published_fields(editor, "implementation", "330106004010040004901");
  auto later = call(editor, "PUT", "/api/items/admin/records/implementation/330106004010040004901/draft",
                    {{"effective_from", tomorrow}, {"fields", local}}, 422);
  CHECK(has_error_at(later, "/fields/promised_limit", "不能长于法定办结时限"));
  local["promised_limit"] = {{"value", 3}, {"unit", "working_day"}, {"note", ""}};
  call(editor, "PUT", "/api/items/admin/records/implementation/330106004010040004901/draft",
       {{"effective_from", tomorrow}, {"fields", local}}, 200);
  // Discarding a draft asks nothing of the published versions.
  CHECK(send(editor, "DELETE", "/api/items/admin/records/implementation/330106004010040004901/draft", nullptr)->status == 204);
  CHECK(get(admin, "/api/items/admin/records/implementation/330106004010040004901")["versions"].size() == 1);

  // Retiring: in force today, gone from tomorrow, with an event and off the 全程网办 list.
  auto online_today = get(admin, "/api/items/online-list")["implementation_codes"];
  REQUIRE(std::count(online_today.begin(), online_today.end(), json("330102004010040004901")) == 1);
  call(reviewer, "POST", "/api/items/admin/records/implementation/330102004010040004901/retire",
       {{"effective_from", china_day(-1)}, {"reason", "x"}}, 422);  // not in the past
  call(reviewer, "POST", "/api/items/admin/records/implementation/330102004010040004901/retire",
       {{"effective_from", tomorrow}, {"reason", "职能调整，由市级统一办理"}}, 200);
  get(admin, "/api/items/catalogue/330102004010040004901", 200);
  get(admin, "/api/items/catalogue/330102004010040004901?date=" + tomorrow, 404);
  auto online_tomorrow = get(admin, "/api/items/online-list?date=" + tomorrow);
  CHECK(std::count(online_tomorrow["implementation_codes"].begin(), online_tomorrow["implementation_codes"].end(),
                   json("330102004010040004901")) == 0);
  CHECK(online_tomorrow["version"].get<int>() > get(admin, "/api/items/online-list")["version"].get<int>());
  CHECK(events_when(admin, "item.retired", 1)[0]["code"] == "330102004010040004901");
  CHECK(events_when(admin, "item.published", 2).size() >= 2);

  // A catalogue in this state (implementations behind their base entry's coming change) still
  // exports and imports: the problems travel as in the change reports, they do not refuse the file.
  auto exported = json::parse(admin.Get("/api/items/admin/export?format=json")->body);
  for (auto& record : exported["implementations"])
    if (record["implementation_code"] == "330102004010040004901") CHECK(record["retired_from"] == tomorrow);
  auto reimported = call(admin, "POST", "/api/items/admin/import", {{"format", "json"}, {"document", exported}, {"dry_run", true}}, 200);
  CHECK(reimported["unchanged"].get<int>() > 200);
  std::size_t limit_problems = 0;
  for (auto& problem : reimported["propagated_problems"])
    limit_problems += problem["at"].get<std::string>().ends_with("/fields/promised_limit");
  CHECK(limit_problems == codes.size());

  // The administrator token cannot approve what it wrote itself.
  json bundle = published_fields(admin, "bundle", "B0000001");
  bundle["name"] = "新生儿出生“一件事”";
  call(admin, "PUT", "/api/items/admin/records/bundle/B0000001/draft", {{"effective_from", today}, {"fields", bundle}}, 200);
  call(admin, "POST", "/api/items/admin/records/bundle/B0000001/submit", nullptr, 200);
  CHECK(call(admin, "POST", "/api/items/admin/records/bundle/B0000001/versions/2/approve", json::object(), 403)["code"] ==
        "items.own_version");
  call(admin, "PUT", "/api/items/admin/records/bundle/B0000001/draft", {{"effective_from", today}, {"fields", bundle}}, 409);  // in review
}

TEST_CASE("items: bad records are refused with the field named, and nothing is stored") {
  Platform p;
  auto editor = client_as(p.kernel, bearer_login(p.kernel, "clerk"));
  auto reviewer = client_as(p.kernel, bearer_login(p.kernel, "approver"));
  const std::string today = china_day();
  json base = published_fields(editor, "base", "0100400050");

  // A material without archive rules.
  json no_archive = base;
  no_archive["materials"][1].erase("archive");
  auto r = call(editor, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", no_archive}}, 422);
  CHECK_MESSAGE(has_error_at(r, "/fields/materials/1/archive", "归档规则"), errors_of(r));
  // A retention that is not one of the periods.
  json bad_retention = base;
  bad_retention["materials"][0]["archive"]["retention"] = "5y";
  r = call(editor, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", bad_retention}}, 422);
  CHECK_MESSAGE(has_error_at(r, "/fields/materials/0/archive/retention", "保管期限"), errors_of(r));
  // An item type outside GB/T 39046 table A.1, and one that disagrees with the basic code.
  json bad_type = base;
  bad_type["item_type"] = "07";
  r = call(editor, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", bad_type}}, 422);
  CHECK(has_error_at(r, "/fields/item_type", "基本编码"));
  // Messages name the field in Chinese, once, at the innermost place.
  json no_result_name = base;
  no_result_name["result"]["name"] = "";
  r = call(editor, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", no_result_name}}, 422);
  REQUIRE(r["errors"].size() == 1);
  CHECK(r["errors"][0]["at"] == "/fields/result/name");
  CHECK(r["errors"][0]["message"].get<std::string>().find("结果名称") == 0);
  CHECK(r["errors"][0]["message"].get<std::string>().find("至少 1 个字符") != std::string::npos);
  // A past effective date.
  r = call(editor, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", "2020-01-01"}, {"fields", base}}, 422);
  CHECK(has_error_at(r, "/effective_from", "早于今天"));

  // A malformed JSON Schema as the form, a bad credit code, a material routed to a step the process lacks.
  json local = published_fields(editor, "implementation", "330106004010040005001");
  json bad_form = local;
  bad_form["form_schema"] = {{"type", "object"}, {"properties", {{"a", {{"type", 12}}}}}};
  r = call(editor, "PUT", "/api/items/admin/records/implementation/330106004010040005001/draft",
           {{"effective_from", today}, {"fields", bad_form}}, 422);
  CHECK_MESSAGE(has_error_at(r, "/fields/form_schema", "JSON Schema"), errors_of(r));
  json bad_credit = local;
  bad_credit["body"]["credit_code"] = "11330106002310694X";
  r = call(editor, "PUT", "/api/items/admin/records/implementation/330106004010040005001/draft",
           {{"effective_from", today}, {"fields", bad_credit}}, 422);
  CHECK(has_error_at(r, "/fields/body/credit_code", "统一社会信用代码"));
  json bad_routing = local;
  json extra = base["materials"][0];
  extra["id"] = "l9";
  extra["routing"] = {"会商"};
  bad_routing["local_materials"] = json::array({extra});
  r = call(editor, "PUT", "/api/items/admin/records/implementation/330106004010040005001/draft",
           {{"effective_from", today}, {"fields", bad_routing}}, 422);
  CHECK(has_error_at(r, "/fields/local_materials/0/routing/0", "不在办理流程中"));

  // A bundle whose merged form leaves a member's required field unanswered, or misses a mandatory material.
  json bundle = published_fields(editor, "bundle", "B0000002");
  std::string member = bundle["members"][0]["implementation_code"];
  json no_mapping = bundle;
  std::string dropped = published_fields(editor, "implementation", member)["form_schema"]["required"][0];
  no_mapping["form"]["mappings"][member].erase(dropped);
  r = call(editor, "PUT", "/api/items/admin/records/bundle/B0000002/draft", {{"effective_from", today}, {"fields", no_mapping}}, 422);
  CHECK_MESSAGE(has_error_at(r, "/fields/form/mappings/" + member, dropped), errors_of(r));
  json uncovered = bundle;
  uncovered["materials"].erase(0);
  r = call(editor, "PUT", "/api/items/admin/records/bundle/B0000002/draft", {{"effective_from", today}, {"fields", uncovered}}, 422);
  CHECK_MESSAGE(has_error_at(r, "/fields/materials", "必备材料"), errors_of(r));

  // A county editor's unknown kind, a reviewer without edit rights, a missing record.
  CHECK(call(editor, "PUT", "/api/items/admin/records/thing/1/draft", {{"effective_from", today}, {"fields", json::object()}}, 404)["code"] ==
        "items.unknown_kind");
  CHECK(call(reviewer, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", base}}, 403)["code"] ==
        "auth.forbidden");
  // A county editor (items.edit without items.base.edit) edits implementations, never base entries.
  auto admin = p.kernel.client(true);
  REQUIRE(admin.Put("/api/admin/roles/county_item_editor", R"({"title":"县级事项编辑","permissions":["items.read","items.edit"]})",
                    "application/json")->status == 204);
  REQUIRE(admin.Post("/api/admin/assignments",
                     json{{"account_id", "d1000000-0000-4000-8000-000000000005"}, {"role", "county_item_editor"},
                          {"org_unit_id", "d0000000-0000-4000-8000-000000000005"}}.dump(),
                     "application/json")->status == 204);
  auto county = client_as(p.kernel, bearer_login(p.kernel, "clerk2"));
  CHECK(call(county, "PUT", "/api/items/admin/records/base/0100400050/draft", {{"effective_from", today}, {"fields", base}}, 403)["code"] ==
        "items.forbidden");
  json shanghai = published_fields(county, "implementation", "330102004010040005001");
  shanghai["hours"] = "工作日 8:30-12:00，13:30-17:30";
  call(county, "PUT", "/api/items/admin/records/implementation/330102004010040005001/draft", {{"effective_from", today}, {"fields", shanghai}}, 200);
  CHECK(send(county, "DELETE", "/api/items/admin/records/implementation/330102004010040005001/draft", nullptr)->status == 204);
  CHECK(p.kernel.client().Get("/api/items/admin/records")->status == 401);
  get(editor, "/api/items/admin/records/base/9999999999", 404);
  // None of it was stored.
  for (auto& [kind, code] : std::vector<std::pair<std::string, std::string>>{
           {"base", "0100400050"}, {"implementation", "330106004010040005001"}, {"bundle", "B0000002"}})
    CHECK(get(editor, "/api/items/admin/records/" + kind + "/" + code)["versions"].size() == 1);
}

TEST_CASE("items: export and import round-trip as JSON and CSV, all or nothing") {
  Platform source;
  auto from = source.kernel.client(true);
  auto exported = json::parse(from.Get("/api/items/admin/export?format=json")->body);
  auto csv = from.Get("/api/items/admin/export?format=csv");
  REQUIRE(csv);
  CHECK(csv->get_header_value("Content-Type").find("text/csv") == 0);
  CHECK(csv->get_header_value("Content-Disposition").find("attachment") == 0);
  auto standard_csv = from.Get("/api/items/admin/export?format=csv&names=gbt39046")->body;
  CHECK(standard_csv.find("事项名称") != std::string::npos);
  CHECK(standard_csv.find("承诺办结时限") != std::string::npos);
  auto standard_json = json::parse(from.Get("/api/items/admin/export?format=json&names=gbt39046")->body);
  CHECK(standard_json["implementations"][0].contains("实施编码"));
  CHECK(standard_json["implementations"][0]["事项要素"].contains("承诺办结时限"));
  CHECK(standard_json["base_items"][0]["事项要素"]["申请材料"][0].contains("材料名称"));

  Platform target(/*demo=*/false);
  auto to = target.kernel.client(true);
  CHECK(get(to, "/api/items/admin/records")["total"] == 0);

  // A CSV file with one bad row: nothing is imported, and the row and column are named.
  std::string bad = csv->body;
  auto row = bad.find("\r\nimplementation,");
  REQUIRE(row != std::string::npos);
  // its promised limit (the first limit with a unit in an implementation row) gets a unit that does not exist
  const std::string unit = "\"\"unit\"\":\"\"";
  auto at = bad.find(unit, row) + unit.size();
  bad.replace(at, bad.find("\"\"", at) - at, "fortnight");
  std::size_t line = std::count(bad.begin(), bad.begin() + static_cast<long>(row), '\n') + 2;
  auto rejected = call(to, "POST", "/api/items/admin/import", {{"format", "csv"}, {"text", bad}}, 422);
  CHECK(rejected["code"] == "items.import_invalid");
  INFO(errors_of(rejected));
  CHECK(rejected["errors"][0]["line"] == line);
  CHECK(rejected["errors"][0]["column"] == "promised_limit");
  CHECK(rejected["errors"][0]["at"].get<std::string>().find("第 " + std::to_string(line) + " 行 promised_limit 列") == 0);
  CHECK(get(to, "/api/items/admin/records")["total"] == 0);
  CHECK(get(to, "/api/items/departments")["departments"].empty());

  // A JSON document with a bad record is named by its JSON Pointer.
  json broken = exported;
  broken["implementations"][3]["fields"]["promised_limit"]["value"] = 9999;
  broken["implementations"][5]["fields"].erase("local_materials");
  auto named = call(to, "POST", "/api/items/admin/import", {{"format", "json"}, {"document", broken}}, 422);
  CHECK_MESSAGE(has_error_at(named, "/implementations/3/fields/promised_limit/value", "承诺办结时限"), errors_of(named));
  CHECK(named["errors"].size() >= 2);
  CHECK(get(to, "/api/items/admin/records")["total"] == 0);

  // A dry run checks the good file and writes nothing; then the CSV is imported for real.
  auto dry = call(to, "POST", "/api/items/admin/import", {{"format", "csv"}, {"text", csv->body}, {"dry_run", true}}, 200);
  CHECK(dry["created"].get<int>() == static_cast<int>(exported["base_items"].size() + exported["implementations"].size() + exported["bundles"].size()));
  CHECK(get(to, "/api/items/admin/records")["total"] == 0);
  auto imported = call(to, "POST", "/api/items/admin/import", {{"format", "csv"}, {"text", csv->body}}, 200);
  CHECK(imported["created"] == dry["created"]);
  CHECK(json::parse(to.Get("/api/items/admin/export?format=json")->body) == exported);
  CHECK(to.Get("/api/items/admin/export?format=csv")->body == csv->body);
  // The file in the standard's names reads back too, and an unchanged import changes nothing.
  auto again = call(to, "POST", "/api/items/admin/import", {{"format", "json"}, {"document", standard_json}}, 200);
  CHECK(again["created"] == 0);
  CHECK(again["updated"] == 0);
  auto again_csv = call(to, "POST", "/api/items/admin/import", {{"format", "csv"}, {"text", standard_csv}}, 200);
  CHECK(again_csv["unchanged"] == imported["created"]);
  CHECK(get(to, "/api/items/online-list")["implementation_codes"] == get(from, "/api/items/online-list")["implementation_codes"]);
  // Only items.admin imports.
  auto editor = client_as(source.kernel, bearer_login(source.kernel, "clerk"));
  call(editor, "POST", "/api/items/admin/import", {{"format", "json"}, {"document", exported}}, 403);
}

TEST_CASE("items: blank forms and samples go to the blob store and are public once published") {
  Platform p;
  auto editor = client_as(p.kernel, bearer_login(p.kernel, "clerk"));
  auto reviewer = client_as(p.kernel, bearer_login(p.kernel, "approver"));
  auto anyone = p.kernel.client();
  const std::string pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
  auto uploaded = call(editor, "POST", "/api/items/admin/files",
                       {{"name", "医师执业注册申请表（空白）.pdf"}, {"content_base64", "JVBERi0xLjQKMSAwIG9iajw8Pj5lbmRvYmoKdHJhaWxlcjw8Pj4KJSVFT0YK"}}, 201);
  const std::string sm3 = uploaded["sm3"];
  CHECK(uploaded["media_type"] == "application/pdf");
  CHECK(uploaded["size"] == pdf.size());
  // Not a document we take, and not Base64 at all.
  CHECK(call(editor, "POST", "/api/items/admin/files", {{"name", "x.exe"}, {"content_base64", "TVqQAAMAAAAEAAAA"}}, 422)["code"] == "items.invalid");
  call(editor, "POST", "/api/items/admin/files", {{"name", "x.pdf"}, {"content_base64", "###"}}, 422);
  call(reviewer, "POST", "/api/items/admin/files", {{"name", "x.pdf"}, {"content_base64", "JVBERi0x"}}, 403);

  // Staff see it at once; the public only once a published version refers to it.
  auto staff = editor.Get("/api/items/admin/files/" + sm3);
  REQUIRE(staff);
  CHECK(staff->status == 200);
  CHECK(staff->body == pdf);
  CHECK(staff->get_header_value("Content-Type") == "application/pdf");
  CHECK(anyone.Get("/api/items/files/" + sm3)->status == 404);

  const std::string basic = "0100400050", today = china_day();
  json fields = published_fields(editor, "base", basic);
  json unknown = fields;
  unknown["materials"][0]["blank_form"] = std::string(64, 'a');
  auto refused = call(editor, "PUT", "/api/items/admin/records/base/" + basic + "/draft", {{"effective_from", today}, {"fields", unknown}}, 422);
  CHECK_MESSAGE(has_error_at(refused, "/fields/materials/0/blank_form", "没有上传"), errors_of(refused));
  fields["materials"][0]["blank_form"] = sm3;
  fields["materials"][0]["sample"] = sm3;
  call(editor, "PUT", "/api/items/admin/records/base/" + basic + "/draft", {{"effective_from", today}, {"fields", fields}}, 200);
  call(editor, "POST", "/api/items/admin/records/base/" + basic + "/submit", nullptr, 200);
  CHECK(anyone.Get("/api/items/files/" + sm3)->status == 404);  // in review is not published
  call(reviewer, "POST", "/api/items/admin/records/base/" + basic + "/versions/2/approve", json::object(), 200);
  auto published = anyone.Get("/api/items/files/" + sm3);
  REQUIRE(published);
  CHECK(published->status == 200);
  CHECK(published->body == pdf);
  CHECK(published->get_header_value("Content-Disposition").find("filename*=UTF-8''") != std::string::npos);
  // The guide of every implementation now names the file.
  auto guide = get(anyone, "/api/items/catalogue/330106004010040005001");
  CHECK(guide["fields"]["materials"][0]["blank_form"] == sm3);
}
