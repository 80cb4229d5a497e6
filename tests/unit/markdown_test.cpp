// Markdown rendering of publications: what editors write comes out as HTML, and known XSS
// payloads come out harmless — only an allow-list of tags and attributes, no event handler,
// no script, no javascript:/vbscript:/data: URL (data: images excepted).
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <string>

#include "content/markdown.hpp"

using wangban::kernel::render_markdown;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Decodes the entities an attribute value may carry (&amp; &quot; &#NN; &#xNN;), as a browser would.
std::string decode(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '&') {
      auto semi = v.find(';', i);
      if (semi != std::string::npos) {
        std::string e = v.substr(i + 1, semi - i - 1);
        if (e == "amp") out += '&';
        else if (e == "quot") out += '"';
        else if (e == "lt") out += '<';
        else if (e == "gt") out += '>';
        else if (!e.empty() && e[0] == '#')
          out += static_cast<char>(e.size() > 1 && (e[1] == 'x' || e[1] == 'X') ? std::stoi(e.substr(2), nullptr, 16)
                                                                                : std::stoi(e.substr(1)));
        else out += "&" + e + ";";
        i = semi;
        continue;
      }
    }
    out += v[i];
  }
  return out;
}

// Every problem found in the HTML; empty when it is safe.
std::vector<std::string> unsafe_parts(const std::string& html) {
  static const std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>)");
  static const std::regex attribute(R"re(\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+)))?)re");
  static const std::vector<std::string> tags = {"p",  "h1", "h2", "h3",    "h4",    "h5",    "h6",     "ul",
                                                "ol", "li", "a",  "img",   "strong", "em",   "code",   "pre",
                                                "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th",
                                                "td", "del"};
  static const std::vector<std::string> attributes = {"href", "src", "alt", "title", "align", "start"};
  std::vector<std::string> problems;
  for (std::sregex_iterator it(html.begin(), html.end(), tag), end; it != end; ++it) {
    std::string name = lower((*it)[2]);
    if (std::find(tags.begin(), tags.end(), name) == tags.end()) problems.push_back("tag <" + name + ">");
    std::string rest = (*it)[3];
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    for (std::sregex_iterator a(rest.begin(), rest.end(), attribute); a != end; ++a) {
      std::string attr = lower((*a)[1]);
      if (std::find(attributes.begin(), attributes.end(), attr) == attributes.end())
        problems.push_back("attribute " + attr + " on <" + name + ">");
      if ((*a)[6].matched) problems.push_back("unquoted attribute " + attr);
      std::string value = lower(decode((*a)[4].matched ? (*a)[4].str() : (*a)[5].str()));
      value.erase(std::remove_if(value.begin(), value.end(), [](unsigned char c) { return c <= ' '; }), value.end());
      if ((attr == "href" || attr == "src") &&
          (value.starts_with("javascript:") || value.starts_with("vbscript:") ||
           (value.starts_with("data:") && !value.starts_with("data:image/"))))
        problems.push_back("dangerous URL " + value);
    }
  }
  if (lower(html).find("<script") != std::string::npos) problems.push_back("<script");
  return problems;
}

}  // namespace

TEST_CASE("Markdown with the GFM table and strikethrough extensions becomes HTML, and plain text for search") {
  auto r = render_markdown("# 办事指南\n\n**受理条件**：申请人须为本市户籍。\n\n| 材料 | 份数 |\n|---|---|\n| 身份证 | 1 |\n\n~~旧规定~~\n\n"
                           "[查看政策](https://www.gov.cn/zhengce/)");
  CHECK(r.html.find("<h1>办事指南</h1>") != std::string::npos);
  CHECK(r.html.find("<strong>受理条件</strong>") != std::string::npos);
  CHECK(r.html.find("<table>") != std::string::npos);
  CHECK(r.html.find("<td>身份证</td>") != std::string::npos);
  CHECK(r.html.find("<del>旧规定</del>") != std::string::npos);
  CHECK(r.html.find(R"(<a href="https://www.gov.cn/zhengce/">查看政策</a>)") != std::string::npos);
  CHECK(unsafe_parts(r.html).empty());
  CHECK(r.text.find("受理条件") != std::string::npos);
  CHECK(r.text.find("<") == std::string::npos);
  CHECK(r.text.find("|") == std::string::npos);  // table markup is not searchable text
  CHECK(r.text.find("身份证") != std::string::npos);
}

TEST_CASE("known XSS payloads come out harmless") {
  const char* payloads[] = {
      "<script>alert(1)</script>",
      "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
      "<img src=x onerror=alert(1)>",
      "<svg onload=alert(1)>",
      "<iframe src=\"javascript:alert(1)\"></iframe>",
      "<a href=\"javascript:alert(1)\">点我</a>",
      "<details open ontoggle=alert(1)>",
      "<style>@import 'https://evil.example/x.css';</style>",
      "<!-- x --><script>alert(1)</script>",
      "<body onload=alert(1)>",
      "[点我](javascript:alert(1))",
      "[点我](JaVaScRiPt:alert(1))",
      "[点我](&#106;avascript:alert(1))",
      "[点我](&#x6A;avascript&#58;alert(1))",
      "[点我](vbscript:msgbox(1))",
      "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "![图](javascript:alert(1))",
      "<javascript:alert(1)>",
      "[点我](\" onmouseover=\"alert(1))",
      "[点我](https://ok.example/\" onmouseover=\"alert(1))",
      "![x](https://ok.example/a.png \"t\\\" onerror=\\\"alert(1)\")",
      "| a |\n|---|\n| <script>alert(1)</script> |",
      "<div><a href=\"#\" onclick=\"alert(1)\">x</a></div>",
      "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
      "<form action=\"javascript:alert(1)\"><button>x</button></form>",
      "<object data=\"javascript:alert(1)\"></object>",
      "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
      "`<script>alert(1)</script>`",
      "www.example.com/<script>alert(1)</script>",
  };
  for (const char* p : payloads) {
    auto r = render_markdown(p);
    INFO("payload: " << p << "\nhtml: " << r.html);
    auto problems = unsafe_parts(r.html);
    CHECK(problems.empty());
  }
  // A harmless data: image stays.
  auto image = render_markdown("![印章](data:image/png;base64,iVBORw0KGgo=)");
  CHECK(image.html.find("data:image/png") != std::string::npos);
}

TEST_CASE("the checker itself catches what it must") {
  CHECK_FALSE(unsafe_parts("<a href=\"javascript:x\">a</a>").empty());
  CHECK_FALSE(unsafe_parts("<a href=\"&#106;avascript:x\">a</a>").empty());
  CHECK_FALSE(unsafe_parts("<img src=\"x\" onerror=\"y\">").empty());
  CHECK_FALSE(unsafe_parts("<script>").empty());
  CHECK_FALSE(unsafe_parts("<iframe>").empty());
  CHECK(unsafe_parts("<p><a href=\"https://x\" title=\"t\">a</a></p>").empty());
}
