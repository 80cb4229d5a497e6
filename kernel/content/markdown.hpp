// Markdown: publication sources (CommonMark with the GitHub tables, strikethrough and autolink
// extensions, cmark-gfm) rendered to HTML that is safe to show as is, and to plain text for
// the search index. cmark-gfm's safe mode is the sanitiser: raw HTML is dropped (never passed
// through), and links or images to javascript:, vbscript:, file: and data: URLs (except
// data: images) lose their URL; attribute values are escaped. No script, no event handler,
// no dangerous URL can come out. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace wangban::kernel {

struct RenderedMarkdown {
  std::string html;
  std::string text;  // plain text, for search
};

RenderedMarkdown render_markdown(std::string_view source);

}  // namespace wangban::kernel
