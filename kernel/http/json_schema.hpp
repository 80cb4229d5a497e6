// JsonSchema: a compiled JSON Schema (draft-07) and validation of documents against it.
//
// Backed by valijson. compile() throws std::invalid_argument for a schema that
// is not valid JSON or not a schema. "format" is an annotation, as draft-07 has
// it by default: it is not asserted (use "pattern" to check a value's form).
// $ref resolves within the document; remote documents are never fetched.
// Compiled schemas are immutable and can be used from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wangban::kernel {

struct SchemaError {
  std::string pointer;  // JSON Pointer of the offending value, "" for the root
  std::string message;  // what rule failed
};

class JsonSchema {
 public:
  static std::shared_ptr<const JsonSchema> compile(const std::string& text);
  ~JsonSchema();
  std::vector<SchemaError> validate(const nlohmann::json& document) const;
  const nlohmann::json& document() const { return document_; }

 private:
  struct Impl;
  JsonSchema();
  std::unique_ptr<Impl> impl_;
  nlohmann::json document_;
};

}  // namespace wangban::kernel
