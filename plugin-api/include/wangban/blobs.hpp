// The content-addressed blob store: files named by the SM3 digest of their bytes.
//
// Writing is atomic (temporary file, fsync, rename, fsync of the folder): a
// blob either exists whole or not at all, and storing the same bytes twice
// stores them once. Blobs are immutable. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace wangban {

struct BlobRef {
  std::string sm3;     // 64 lowercase hex digits
  std::uint64_t size;  // bytes
};

class BlobStore {
 public:
  virtual ~BlobStore();
  virtual BlobRef put(std::string_view bytes) = 0;
  // Copies a file into the store, streaming (no size limit of memory).
  virtual BlobRef put_file(const std::filesystem::path& file) = 0;
  virtual bool contains(std::string_view sm3) const = 0;
  // The whole content; throws Problem 404 (code "blob.not_found") when absent.
  virtual std::string read(std::string_view sm3) const = 0;
  // Where the blob lives on disk, for streaming readers; do not modify the file.
  virtual std::filesystem::path path(std::string_view sm3) const = 0;
};

}  // namespace wangban
