// FileBlobStore: atomic, content-addressed writes named by SM3.
#include "blobs/file_blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include <openssl/evp.h>

#include "util/digest.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

namespace fs = std::filesystem;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void io_error(const std::string& what, const fs::path& p) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

void fsync_dir(const fs::path& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY)};
  if (d.fd < 0 || ::fsync(d.fd) != 0) io_error("cannot fsync folder", dir);
}

bool valid_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

FileBlobStore::FileBlobStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_ / "tmp");
  for (auto& e : fs::directory_iterator(root_ / "tmp")) fs::remove(e.path());
}

template <class Feed>
BlobRef FileBlobStore::store(Feed&& feed) {
  fs::path tmp = root_ / "tmp" / (random_hex(12) + ".part");
  Fd out{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)};
  if (out.fd < 0) io_error("cannot create", tmp);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  EVP_DigestInit_ex(md.get(), EVP_sm3(), nullptr);
  std::uint64_t size = 0;
  try {
    feed([&](const char* data, std::size_t n) {
      EVP_DigestUpdate(md.get(), data, n);
      size += n;
      while (n) {
        ssize_t w = ::write(out.fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) io_error("cannot write", tmp);
        data += w;
        n -= static_cast<std::size_t>(w);
      }
    });
    if (::fsync(out.fd) != 0) io_error("cannot fsync", tmp);
  } catch (...) {
    fs::remove(tmp);
    throw;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md.get(), digest, &len);
  std::string hex = to_hex(digest, len);
  fs::path final_path = path(hex);
  if (fs::exists(final_path)) {
    fs::remove(tmp);
    return {hex, size};
  }
  fs::create_directories(final_path.parent_path());
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    fs::remove(tmp);
    io_error("cannot move blob to", final_path);
  }
  fsync_dir(final_path.parent_path());
  return {hex, size};
}

BlobRef FileBlobStore::put(std::string_view bytes) {
  return store([&](auto&& write) { write(bytes.data(), bytes.size()); });
}

BlobRef FileBlobStore::put_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Problem::not_found("blob.source_missing", "cannot read " + file.string());
  return store([&](auto&& write) {
    std::string buf(1 << 16, '\0');
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) write(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) io_error("cannot read", file);
  });
}

fs::path FileBlobStore::path(std::string_view sm3) const {
  if (!valid_digest(sm3))
    throw Problem::bad_request("blob.bad_digest", "a blob is named by 64 lowercase hex digits of its SM3 digest");
  std::string d(sm3);
  return root_ / d.substr(0, 2) / d.substr(2, 2) / d;
}

bool FileBlobStore::contains(std::string_view sm3) const { return valid_digest(sm3) && fs::exists(path(sm3)); }

std::string FileBlobStore::read(std::string_view sm3) const {
  std::ifstream in(path(sm3), std::ios::binary);
  if (!in) throw Problem::not_found("blob.not_found", "文件不存在 (no blob " + std::string(sm3) + ")");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace wangban::kernel
