// Principal: who is calling — resolved by the kernel from the session cookie or bearer token.
//
// Anonymous callers have kind anonymous and no grants. A natural person (person)
// may act for a legal person (法人) that authorised them: `acting_for` then names
// the legal person and `agent_scope` the items the mandate covers ("*": all).
// A legal person logged in with its own certificate (electronic business licence)
// is kind legal. A grant is a permission
// held through a role in an organisation unit; it applies to that unit and its
// whole subtree (data scope: a county clerk sees only the county's cases). The
// administrator token and the kernel's own calls are kind system, allowed
// everything. A value type, safe to copy between threads.
#pragma once

#include <string>
#include <vector>

namespace wangban {

struct Grant {
  std::string permission;   // "approval.case.accept", or "*" for every permission
  std::string org_unit_id;  // where the role was assigned
  std::string org_path;     // "/<root id>/.../<unit id>/": a unit is in scope when its path starts with this
  std::string org_name;     // the unit's name, for people
};

struct Principal {
  enum class Kind { anonymous, person, staff, system, legal };
  Kind kind = Kind::anonymous;
  std::string account_id;       // empty for anonymous
  std::string display_name;
  std::string org_unit_id;      // staff: the unit the account belongs to; else empty
  std::string session_id;       // empty for anonymous, system and bearer-less calls
  std::vector<Grant> grants;
  std::string acting_for;                // legal person id when a person acts as its agent
  std::vector<std::string> agent_scope;  // item codes the mandate covers, or {"*"}

  bool authenticated() const { return kind != Kind::anonymous; }
  // Holds `permission` in at least one organisation unit (system: always).
  bool has(const std::string& permission) const {
    if (kind == Kind::system) return true;
    for (const auto& g : grants)
      if (g.permission == permission || g.permission == "*") return true;
    return false;
  }
  // Data scope: the organisation paths under which `permission` applies. A record of an
  // organisation unit whose path starts with one of these is in scope; plugins turn this
  // into SQL as `org_path LIKE :p0 || '%' OR ...`. System callers get {"/"} (everything).
  std::vector<std::string> scope_paths(const std::string& permission) const {
    if (kind == Kind::system) return {"/"};
    std::vector<std::string> out;
    for (const auto& g : grants)
      if (g.permission == permission || g.permission == "*") out.push_back(g.org_path);
    return out;
  }
};

}  // namespace wangban
