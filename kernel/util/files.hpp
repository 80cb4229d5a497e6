// Files the kernel keeps small state in (tokens, keys, certificates, CRLs): read whole, and
// written atomically (a temporary file beside it, then rename) with a chosen mode.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace wangban::kernel {

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_file(const std::filesystem::path& file);
// Creates the folder when needed; the file is either the old one or the new one, never half.
void write_file_atomically(const std::filesystem::path& file, const std::string& text, mode_t mode = 0644);

}  // namespace wangban::kernel
