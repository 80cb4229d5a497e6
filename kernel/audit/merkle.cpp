// RFC 6962 tree hashing over perfect-subtree lookups; RFC 9162 proof verification.
#include "audit/merkle.hpp"

#include <stdexcept>

#include <openssl/evp.h>

#include "util/digest.hpp"

namespace wangban::kernel::merkle {
namespace {

// Largest power of two strictly smaller than n (n >= 2).
std::uint64_t split(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

bool is_power_of_two(std::uint64_t n) { return n && !(n & (n - 1)); }

unsigned log2(std::uint64_t n) {
  unsigned l = 0;
  while ((std::uint64_t{1} << l) < n) ++l;
  return l;
}

void path(const Hasher& h, const Perfect& p, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
          std::vector<Hash>& out) {
  std::uint64_t n = end - begin;
  if (n <= 1) return;
  std::uint64_t k = split(n);
  if (m < k) {
    path(h, p, m, begin, begin + k, out);
    out.push_back(range_hash(h, p, begin + k, end));
  } else {
    path(h, p, m - k, begin + k, end, out);
    out.push_back(range_hash(h, p, begin, begin + k));
  }
}

void subproof(const Hasher& h, const Perfect& p, std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool complete,
              std::vector<Hash>& out) {
  std::uint64_t n = end - begin;
  if (m == n) {
    if (!complete) out.push_back(range_hash(h, p, begin, end));
    return;
  }
  std::uint64_t k = split(n);
  if (m <= k) {
    subproof(h, p, m, begin, begin + k, complete, out);
    out.push_back(range_hash(h, p, begin + k, end));
  } else {
    subproof(h, p, m - k, begin + k, end, false, out);
    out.push_back(range_hash(h, p, begin, begin + k));
  }
}

}  // namespace

Hasher::Hasher(const char* algorithm) {
  EVP_MD* md = EVP_MD_fetch(nullptr, algorithm, nullptr);
  if (!md) throw std::runtime_error(std::string("OpenSSL has no digest ") + algorithm);
  md_ = std::shared_ptr<void>(md, [](void* p) { EVP_MD_free(static_cast<EVP_MD*>(p)); });
}

Hash Hasher::digest(unsigned char prefix, std::string_view a, std::string_view b) const {
  auto* md = static_cast<EVP_MD*>(md_.get());
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Hash out{};
  unsigned int len = 0;
  EVP_DigestInit_ex(ctx, md, nullptr);
  if (prefix != 0xFF) EVP_DigestUpdate(ctx, &prefix, 1);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  return out;
}

Hash Hasher::leaf(std::string_view data) const { return digest(0x00, data, {}); }

Hash Hasher::node(const Hash& l, const Hash& r) const {
  return digest(0x01, std::string_view(reinterpret_cast<const char*>(l.data()), l.size()),
                std::string_view(reinterpret_cast<const char*>(r.data()), r.size()));
}

Hash Hasher::empty() const { return digest(0xFF, {}, {}); }

Hash range_hash(const Hasher& h, const Perfect& p, std::uint64_t begin, std::uint64_t end) {
  std::uint64_t n = end - begin;
  if (n == 0) return h.empty();
  if (is_power_of_two(n) && begin % n == 0) return p(log2(n), begin >> log2(n));
  std::uint64_t k = split(n);
  return h.node(range_hash(h, p, begin, begin + k), range_hash(h, p, begin + k, end));
}

Hash root(const Hasher& h, const Perfect& p, std::uint64_t size) { return range_hash(h, p, 0, size); }

std::vector<Hash> inclusion_proof(const Hasher& h, const Perfect& p, std::uint64_t leaf, std::uint64_t size) {
  if (leaf >= size) throw std::invalid_argument("leaf index outside the tree");
  std::vector<Hash> out;
  path(h, p, leaf, 0, size, out);
  return out;
}

std::vector<Hash> consistency_proof(const Hasher& h, const Perfect& p, std::uint64_t old_size, std::uint64_t new_size) {
  if (old_size == 0 || old_size > new_size) throw std::invalid_argument("a consistency proof needs 0 < old <= new");
  std::vector<Hash> out;
  subproof(h, p, old_size, 0, new_size, true, out);
  return out;
}

bool verify_inclusion(const Hasher& h, std::uint64_t leaf, std::uint64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root) {
  if (leaf >= size) return false;
  std::uint64_t fn = leaf, sn = size - 1;
  Hash r = leaf_hash;
  for (const auto& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = h.node(p, r);
      if (!(fn & 1))
        while (fn && !(fn & 1)) fn >>= 1, sn >>= 1;
    } else {
      r = h.node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(const Hasher& h, std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& proof_in) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof_in.empty() && old_root == new_root;
  if (old_size == 0 || proof_in.empty()) return false;
  std::vector<Hash> proof = proof_in;
  if (is_power_of_two(old_size)) proof.insert(proof.begin(), old_root);
  std::uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) fn >>= 1, sn >>= 1;
  Hash fr = proof[0], sr = proof[0];
  for (std::size_t i = 1; i < proof.size(); ++i) {
    const Hash& c = proof[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = h.node(c, fr);
      sr = h.node(c, sr);
      if (!(fn & 1))
        while (fn && !(fn & 1)) fn >>= 1, sn >>= 1;
    } else {
      sr = h.node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

std::string hex(const Hash& h) { return to_hex(h.data(), h.size()); }

Hash from_hex(std::string_view text) {
  if (text.size() != 64) throw std::invalid_argument("a hash is 64 hex digits");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("not a hex digit");
  };
  Hash h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<unsigned char>(digit(text[2 * i]) * 16 + digit(text[2 * i + 1]));
  return h;
}

}  // namespace wangban::kernel::merkle
