// ItemFiles: upload with type sniffing, download with the right name and type, reference checks.
#include "item_files.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

#include <soci/soci.h>

#include <wangban/blobs.hpp>
#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/http.hpp>
#include <wangban/problem.hpp>

#include "catalogue_store.hpp"

namespace items {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxFile = 20 * 1024 * 1024;

// The media type of the bytes, or "" when not one we take. ZIP containers are told apart by
// their first entry's name ([Content_Types].xml for Word and Excel, OFD.xml for OFD).
std::string sniff(const std::string& b, const std::string& name) {
  auto starts = [&](std::string_view magic) { return b.size() >= magic.size() && std::string_view(b).substr(0, magic.size()) == magic; };
  if (starts("%PDF-")) return "application/pdf";
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8)))
    return name.ends_with(".xls") ? "application/vnd.ms-excel" : "application/msword";
  if (starts(std::string_view("PK\x03\x04", 4))) {
    if (name.ends_with(".ofd")) return "application/ofd";
    if (name.ends_with(".xlsx")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (name.ends_with(".docx")) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  }
  return "";
}

// Every "blank_form" / "sample" value in the fields (materials and the result), with its pointer.
void collect(const json& value, const std::string& at, std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (auto& [k, v] : value.items()) {
      if ((k == "blank_form" || k == "sample") && v.is_string()) out.emplace_back(at + "/" + k, v.get<std::string>());
      else collect(v, at + "/" + k, out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) collect(value[i], at + "/" + std::to_string(i), out);
  }
}

}  // namespace

json ItemFiles::upload(const Actor& actor, const std::string& name, const std::string& bytes) {
  if (name.empty() || name.size() > 200 || name.find_first_of("/\\\r\n\"") != std::string::npos)
    throw_invalid("items.invalid", "文件名不可用", {{"/name", "文件名须为 1 到 200 个字符，且不含 / \\ \" 和换行"}});
  if (bytes.empty() || bytes.size() > kMaxFile)
    throw_invalid("items.invalid", "文件大小不符合要求", {{"/content_base64", "文件须为 1 字节到 20 MB"}});
  std::string type = sniff(bytes, name);
  if (type.empty())
    throw_invalid("items.invalid", "文件类型不支持",
                  {{"/content_base64", "只接受 PDF、OFD、Word、Excel、JPEG 和 PNG 文件（按文件内容判断）"}});
  auto ref = ctx_.blobs().put(bytes);
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  int known = 0;
  *s << "SELECT COUNT(*) FROM items_files WHERE sm3 = :s", soci::use(ref.sm3), soci::into(known);
  if (!known) {
    long long size = static_cast<long long>(ref.size);
    std::string at = now_iso();
    *s << "INSERT INTO items_files (sm3, name, media_type, size, uploaded_by, uploaded_at) VALUES (:s, :n, :t, :z, :u, :a)",
        soci::use(ref.sm3), soci::use(name), soci::use(type), soci::use(size), soci::use(actor.name), soci::use(at);
  }
  tx.commit();
  return {{"sm3", ref.sm3}, {"name", name}, {"media_type", type}, {"size", ref.size}};
}

wangban::Response ItemFiles::download(const std::string& sm3, bool published_only) {
  auto s = ctx_.database().session();
  std::string name, type;
  *s << "SELECT name, media_type FROM items_files WHERE sm3 = :s", soci::use(sm3), soci::into(name), soci::into(type);
  bool found = s->got_data();
  if (found && published_only) {
    int uses = 0;
    std::string pattern = "%\"" + sm3 + "\"%";
    *s << "SELECT COUNT(*) FROM items_versions WHERE status = 'published' AND fields LIKE :p", soci::use(pattern), soci::into(uses);
    found = uses > 0;
  }
  if (!found) throw wangban::Problem::not_found("items.file_not_found", "没有这个文件，或它尚未随事项发布");
  wangban::Response r = wangban::Response::text(ctx_.blobs().read(sm3), type);
  // RFC 6266: an ASCII fallback and the UTF-8 name.
  std::string encoded;
  for (unsigned char c : name) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') encoded += static_cast<char>(c);
    else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      encoded += hex;
    }
  }
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"file\"; filename*=UTF-8''" + encoded);
  r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  return r;
}

void ItemFiles::check_references(soci::session& s, const json& fields, const std::string& at, std::vector<FieldError>& out) {
  std::vector<std::pair<std::string, std::string>> refs;
  collect(fields, at, refs);
  for (auto& [where, sm3] : refs) {
    int n = 0;
    s << "SELECT COUNT(*) FROM items_files WHERE sm3 = :s", soci::use(sm3), soci::into(n);
    if (!n) out.push_back({where, "文件 " + sm3.substr(0, 12) + "… 没有上传：请先上传空白表格或样表，再引用它"});
  }
}

}  // namespace items
