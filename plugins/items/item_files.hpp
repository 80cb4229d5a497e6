// Files of the catalogue: blank forms (空白表格) and filled samples (示例样表) of materials, and result
// samples (结果样本). The bytes go to the kernel's blob store; this keeps each file's name and type.
// Only office documents and images are taken (PDF, OFD, Word, Excel, JPEG, PNG, judged by their
// bytes), up to 20 MB. The public may download a file only once a published version refers to it;
// staff see every uploaded one.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue_rules.hpp"

namespace soci {
class session;
}
namespace wangban {
class Context;
struct Response;
}  // namespace wangban

namespace items {

struct Actor;

class ItemFiles {
 public:
  explicit ItemFiles(wangban::Context& ctx) : ctx_(ctx) {}
  // Stores the file; answers {sm3, name, media_type, size}. Problem 422 for an unwanted type or size.
  nlohmann::json upload(const Actor& actor, const std::string& name, const std::string& bytes);
  // The file as a download; Problem 404 when unknown (or, for the public, not yet published).
  wangban::Response download(const std::string& sm3, bool published_only);
  // Every file a record's fields refer to must have been uploaded here.
  void check_references(soci::session& s, const nlohmann::json& fields, const std::string& at, std::vector<FieldError>& out);

 private:
  wangban::Context& ctx_;
};

}  // namespace items
