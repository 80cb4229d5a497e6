// ContentService: publications (统一内容管理) — notices, policies, item guides' rich text,
// power-and-responsibility lists and FAQ — with a draft → review → publish workflow.
//
// Each edit after a review starts a new version; every version is kept and viewable. A version
// is submitted by its author and approved or rejected by someone else (four eyes). Approval
// publishes it at once or at a scheduled time; withdrawal is at once or scheduled. Publishing
// renders nothing new (the HTML was rendered and sanitised when the version was saved), puts
// the publication into the search index, publishes the outbox event "content.published" and
// tells subscribers of the topic "content.<type>". Attachments are blobs, listed per version.
// Thread-safe; every call may block on the database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wangban/blobs.hpp"
#include "wangban/content.hpp"
#include "wangban/database.hpp"
#include "wangban/principal.hpp"

namespace wangban::kernel {

class EventBus;
class MessageService;
class SearchIndex;

struct Attachment {
  std::string bytes, content_type, name;
};

class ContentService final : public Content {
 public:
  ContentService(Database& db, BlobStore& blobs, EventBus& events, MessageService& messages, SearchIndex& search);

  static const std::vector<std::string>& types();  // notice, policy, guide, power_list, faq

  // {type, title, summary?, markdown, attachments?, org_unit_id?} → the new publication's id.
  std::string create(const Principal& author, const nlohmann::json& fields);
  // {title, summary?, markdown, attachments?}: changes the latest version while it is a draft or
  // rejected; after approval it starts a new version. Problem 409 (content.in_review) while submitted.
  int edit(const Principal& author, const std::string& id, const nlohmann::json& fields);
  void submit(const Principal& author, const std::string& id);
  // Approves (publishing now or at publish_at) or rejects (note required) the submitted version.
  // Problem 409 (content.own_version) when the reviewer wrote it.
  void review(const Principal& reviewer, const std::string& id, bool approve, const std::string& note,
              const std::string& publish_at, const std::string& withdraw_at);
  // Withdraws now, or at `at` (UTC ISO 8601) when given.
  void withdraw(const Principal& who, const std::string& id, const std::string& at);
  // Publishes and withdraws what is due; returns how many changed.
  int apply_schedule();

  nlohmann::json list(const std::string& type, const std::string& state, int offset, int limit);
  nlohmann::json detail(const std::string& id);
  nlohmann::json version(const std::string& id, int version);
  nlohmann::json public_list(const std::string& type, int offset, int limit);
  nlohmann::json public_item(const std::string& id);
  // Content (what plugins see through Context::content()).
  std::optional<Publication> published(const std::string& id) override;
  std::vector<Publication> published_list(const std::string& type, int offset, int limit) override;

  // Stores an attachment (PDF, OFD, images, office documents, text) → {name, sm3, size, content_type}.
  nlohmann::json attach(const std::string& name, const std::string& content_type, const std::string& bytes);
  // An attachment of the version shown to the public (published_only) or of any version.
  Attachment attachment(const std::string& id, const std::string& sm3, bool published_only);

 private:
  void publish_now(soci::session& tx, const std::string& id, int version);
  void withdraw_now(soci::session& tx, const std::string& id);
  Database& db_;
  BlobStore& blobs_;
  EventBus& events_;
  MessageService& messages_;
  SearchIndex& search_;
};

}  // namespace wangban::kernel
