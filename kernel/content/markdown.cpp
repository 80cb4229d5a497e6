// Markdown: one cmark-gfm parse with the GFM extensions, rendered twice (HTML and plain text).
#include "content/markdown.hpp"

#include <cstdlib>
#include <memory>
#include <mutex>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

namespace wangban::kernel {
namespace {

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct CharFree {
  void operator()(char* s) const { std::free(s); }
};

// CMARK_OPT_DEFAULT is the safe mode (CMARK_OPT_UNSAFE is never set here); invalid UTF-8 is replaced.
constexpr int kOptions = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;

// Table markup (| cells | and |---| rows) is not text: pipes become spaces, rule rows go.
std::string searchable(std::string text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.find('|') != std::string::npos && line.find_first_not_of("|-: ") == std::string::npos) continue;
    for (auto& c : line)
      if (c == '|') c = ' ';
    out += line + "\n";
  }
  return out;
}

}  // namespace

RenderedMarkdown render_markdown(std::string_view source) {
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(kOptions));
  for (const char* name : {"table", "strikethrough", "autolink"})
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser.get(), ext);
  cmark_parser_feed(parser.get(), source.data(), source.size());
  std::unique_ptr<cmark_node, NodeFree> doc(cmark_parser_finish(parser.get()));
  std::unique_ptr<char, CharFree> html(
      cmark_render_html(doc.get(), kOptions, cmark_parser_get_syntax_extensions(parser.get())));
  std::unique_ptr<char, CharFree> text(cmark_render_plaintext(doc.get(), kOptions, 0));
  return {html ? html.get() : "", searchable(text ? text.get() : "")};
}

}  // namespace wangban::kernel
