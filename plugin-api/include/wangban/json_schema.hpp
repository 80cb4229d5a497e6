// JsonSchema: a compiled JSON Schema (draft-07) and validation of documents against it.
//
// The one validator of the platform: the kernel checks request bodies and plugin configs with
// it, and plugins check what they store or accept (an item's application form, a submission
// against it) with the same rules. Part of the plugin API since 1.5.
//
// Backed by valijson. compile() throws std::invalid_argument for a schema that is not valid
// JSON or not a schema. "format" is an annotation, as draft-07 has it by default: it is not
// asserted (use "pattern" to check a value's form). $ref resolves within the document; remote
// documents are never fetched. Compiled schemas are immutable and can be used from many threads
// at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wangban {

struct SchemaError {
  std::string pointer;  // JSON Pointer of the offending value, "" for the root
  std::string message;  // what rule failed
};

class JsonSchema {
 public:
  static std::shared_ptr<const JsonSchema> compile(const std::string& text);
  static std::shared_ptr<const JsonSchema> compile(const char* text) { return compile(std::string(text)); }
  static std::shared_ptr<const JsonSchema> compile(const nlohmann::json& schema);  // a parsed schema
  ~JsonSchema();
  std::vector<SchemaError> validate(const nlohmann::json& document) const;
  // The schema as given.
  const nlohmann::json& document() const;

 private:
  struct Impl;
  JsonSchema();
  std::unique_ptr<Impl> impl_;
};

}  // namespace wangban
