// content_type: what a byte string is, by its content (libmagic), as a MIME type.
#pragma once

#include <string>
#include <string_view>

namespace wangban::kernel {

// "application/pdf", "image/png", "text/plain", "application/zip", …; "application/octet-stream"
// when libmagic cannot tell. Thread-safe (one libmagic handle per thread).
std::string detect_content_type(std::string_view bytes);

}  // namespace wangban::kernel
