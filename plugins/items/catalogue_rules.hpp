// The rules a catalogue record must satisfy before it is stored: the shape of base entries,
// implementations and bundles (JSON Schemas checked with the platform's validator), and the rules
// a schema cannot say — an implementation never sets a unified field, a promised limit is never
// longer than the statutory one, every material has archive rules, an item's form is a usable JSON
// Schema, a bundle's merged form satisfies every member's form and its material list covers every
// member's mandatory materials. Each problem names where it is (a JSON Pointer) in Chinese.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace items {

using json = nlohmann::json;

struct FieldError {
  std::string at;       // JSON Pointer (or "CSV 第 N 行 …" for CSV imports)
  std::string message;  // Chinese, naming the field
};

// Throws Problem 422 with `code`, the summary as detail and the list as "errors": [{at, message}]
// (plus "pointer" when `at` is a JSON Pointer, as in the kernel's schema errors).
[[noreturn]] void throw_invalid(const std::string& code, std::string summary, const std::vector<FieldError>& errors);

// What the rules look up beyond the record itself.
class CatalogueView {
 public:
  virtual ~CatalogueView() = default;
  virtual bool theme_exists(const std::string& code) const = 0;
  virtual std::optional<json> department(const std::string& id) const = 0;
  // The newest published (or being imported) fields of a base entry / an implementation.
  struct Implementation {
    std::string basic_code;
    json fields;
  };
  // Owned by the view, valid while it lives; null when there is none.
  virtual const json* base_fields(const std::string& basic_code) const = 0;
  // When that version of the base entry takes effect (YYYY-MM-DD), "" when there is none.
  virtual std::string base_effective_from(const std::string& basic_code) const = 0;
  virtual const Implementation* implementation(const std::string& implementation_code) const = 0;
};

inline constexpr const char* kUnifiedFields[] = {"name", "item_type", "legal_basis", "service_objects", "case_type",
                                                 "statutory_limit", "acceptance_conditions", "result", "themes",
                                                 "audience", "materials"};
inline constexpr const char* kLocalFields[] = {"exercise_level", "body", "promised_limit", "fees", "handling_forms",
                                               "online", "address", "hours", "consultation", "complaint", "process",
                                               "local_materials", "form_schema", "faq"};

// The record header of an implementation (codes, level, place, department).
struct ImplementationHeader {
  std::string implementation_code, basic_code, level, division_code, department;
};

void check_base(const std::string& basic_code, const json& fields, const CatalogueView& view, const std::string& at,
                std::vector<FieldError>& out);
// `propagated`: where to put, instead of refusing them, the problems a base entry's later change
// brought into an implementation that took effect before it (a promised limit now longer than the
// statutory one, a material routed to a step the local process lacks) — the state a change report
// describes, which an import must be able to carry; `effective_from` is the implementation's date.
void check_implementation(const ImplementationHeader& header, const json& fields, const CatalogueView& view,
                          const std::string& at, std::vector<FieldError>& out,
                          std::vector<FieldError>* propagated = nullptr, const std::string& effective_from = "");
void check_bundle(const std::string& bundle_code, const json& fields, const CatalogueView& view, const std::string& at,
                  std::vector<FieldError>& out);
void check_department(const json& department, const std::string& at, std::vector<FieldError>& out);
void check_theme(const json& theme, const std::string& at, std::vector<FieldError>& out);

// A promised limit within the statutory one (same unit, or 1 month = 21 working days = 30 natural days).
bool within_limit(const json& promised, const json& statutory);
// "YYYY-MM-DD" of a real day.
bool valid_date(const std::string& text);

}  // namespace items
