// Content: what plugins read of the platform's publications (统一内容管理) — notices, policies,
// item guides' rich text, power-and-responsibility lists, FAQ — as published. Writing goes
// through the editors' draft → review → publish workflow in the web UI and API, never around
// it. The HTML is rendered from Markdown and sanitised by the kernel (no script, no event
// handler, no dangerous URL) and may be shown as is. Thread-safe; calls may block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wangban {

struct PublishedAttachment {
  std::string name, sm3, content_type;  // the bytes are in the blob store under sm3
  std::uint64_t size = 0;
};

struct Publication {
  std::string id;
  std::string type;  // notice, policy, guide, power_list, faq
  std::string title, summary;
  std::string html;  // empty in lists
  std::string published_at;
  int version = 0;
  std::vector<PublishedAttachment> attachments;  // empty in lists
};

class Content {
 public:
  virtual ~Content();
  // The published version, or nothing when the publication is not (or no longer) published.
  virtual std::optional<Publication> published(const std::string& id) = 0;
  // Published publications of a type ("" for all), newest first.
  virtual std::vector<Publication> published_list(const std::string& type, int offset, int limit) = 0;
};

}  // namespace wangban
