// content_type: a libmagic handle per thread (magic_t is not thread-safe), loaded once.
#include "util/content_type.hpp"

#include <magic.h>

#include <memory>
#include <stdexcept>

namespace wangban::kernel {
namespace {

struct MagicClose {
  void operator()(magic_set* m) const { magic_close(m); }
};

magic_set* handle() {
  thread_local std::unique_ptr<magic_set, MagicClose> m = [] {
    std::unique_ptr<magic_set, MagicClose> h(magic_open(MAGIC_MIME_TYPE));
    if (!h || magic_load(h.get(), nullptr) != 0) throw std::runtime_error("cannot load libmagic's database");
    return h;
  }();
  return m.get();
}

}  // namespace

std::string detect_content_type(std::string_view bytes) {
  const char* type = magic_buffer(handle(), bytes.data(), bytes.size());
  return type ? type : "application/octet-stream";
}

}  // namespace wangban::kernel
