// FileBlobStore: the content-addressed blob store on a local folder.
//
// A blob with SM3 digest d lives at <root>/d[0:2]/d[2:4]/d. Writes go to
// <root>/tmp, are fsynced, renamed into place and the folder fsynced, so a
// crash leaves either the whole blob or nothing (stray temp files are removed
// at start). Thread-safe.
#pragma once

#include <filesystem>

#include "wangban/blobs.hpp"

namespace wangban::kernel {

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(std::filesystem::path root);

  BlobRef put(std::string_view bytes) override;
  BlobRef put_file(const std::filesystem::path& file) override;
  bool contains(std::string_view sm3) const override;
  std::string read(std::string_view sm3) const override;
  std::filesystem::path path(std::string_view sm3) const override;

 private:
  template <class Feed>
  BlobRef store(Feed&& feed);
  std::filesystem::path root_;
};

}  // namespace wangban::kernel
