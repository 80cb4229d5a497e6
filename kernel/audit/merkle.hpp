// Merkle tree hashing, inclusion and consistency proofs in the manner of RFC 6962 / RFC 9162
// (Certificate Transparency), with the hash function as a parameter: the audit log uses SM3,
// the tests also run SHA-256 to check against the published Certificate Transparency vectors.
//
// A tree of n leaves is never held whole. Callers provide `Perfect`: the hash of a complete
// subtree of 2^level leaves starting at leaf index * 2^level (a stored node, or computed).
// Any range hash, path or proof needs O(log n) of those. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel::merkle {

using Hash = std::array<unsigned char, 32>;

class Hasher {
 public:
  // "SM3" or "SHA256".
  explicit Hasher(const char* algorithm);
  Hash leaf(std::string_view data) const;            // H(0x00 || data)
  Hash node(const Hash& left, const Hash& right) const;  // H(0x01 || left || right)
  Hash empty() const;                                 // H(""), the root of an empty tree

 private:
  Hash digest(unsigned char prefix, std::string_view a, std::string_view b) const;
  std::shared_ptr<void> md_;  // the fetched EVP_MD, fetched once (fetching per hash takes locks)
};

// Hash of the complete subtree of 2^level leaves that starts at leaf `index << level`.
using Perfect = std::function<Hash(unsigned level, std::uint64_t index)>;

// MTH(D[begin:end]) of RFC 6962 for a range that is a subtree of the tree (begin aligned as
// the tree's own splits make it; always true for [0, n) and the ranges the proofs use).
Hash range_hash(const Hasher& h, const Perfect& perfect, std::uint64_t begin, std::uint64_t end);
Hash root(const Hasher& h, const Perfect& perfect, std::uint64_t size);

// PATH(m, D[n]): the audit path of leaf m in a tree of n leaves (RFC 6962 §2.1.1).
std::vector<Hash> inclusion_proof(const Hasher& h, const Perfect& perfect, std::uint64_t leaf, std::uint64_t size);
// PROOF(m, D[n]): proof that the tree of m leaves is a prefix of the tree of n (RFC 6962 §2.1.2).
std::vector<Hash> consistency_proof(const Hasher& h, const Perfect& perfect, std::uint64_t old_size,
                                    std::uint64_t new_size);

// The verifiers of RFC 9162 §2.1.3.2 and §2.1.4.2, independent of the generators above.
bool verify_inclusion(const Hasher& h, std::uint64_t leaf, std::uint64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root);
bool verify_consistency(const Hasher& h, std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& proof);

std::string hex(const Hash& h);
// The inverse of hex(); throws std::invalid_argument unless given 64 hex digits.
Hash from_hex(std::string_view text);

}  // namespace wangban::kernel::merkle
