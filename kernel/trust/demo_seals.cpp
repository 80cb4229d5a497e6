// Demo seals: made as an administrator would make them.
#include "trust/demo_seals.hpp"

#include <nlohmann/json.hpp>

#include "wangban/identifiers.hpp"
#include "trust/seal_registry.hpp"
#include "wangban/principal.hpp"

namespace wangban::kernel {

void seed_demo_seals(SealRegistry& seals) {
  if (seals.any()) return;
  Principal system;
  system.kind = Principal::Kind::system;
  system.display_name = "演示数据";
  // A unified social credit code in 西湖区 (330106): category 1 (机关), kind 1, the organisation code, check.
  std::string organisation_code = "00250141";
  organisation_code += organisation_code_check(organisation_code);
  std::string first17 = "11330106" + organisation_code;
  seals.make(system, {{"kind", "organisation"},
                      {"name", "西湖区行政服务中心业务专用章"},
                      {"organization", "西湖区行政服务中心"},
                      {"credit_code", first17 + credit_code_check(first17)},
                      {"valid_days", 1095}});
  for (const char* account : {"d1000000-0000-4000-8000-000000000002", "d1000000-0000-4000-8000-000000000003"})
    seals.make(system, {{"kind", "personal_name"}, {"owner_account_id", account}, {"valid_days", 1095}});
}

}  // namespace wangban::kernel
