// Merkle trees as in RFC 6962: the Certificate Transparency test vectors with SHA-256, and
// proofs made by our generators checked by the separate RFC 9162 verifiers, with SM3 too.
#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "audit/merkle.hpp"

using namespace wangban::kernel::merkle;

namespace {

std::string unhex(const std::string& h) {
  std::string out;
  for (std::size_t i = 0; i < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

// An in-memory tree: leaf hashes, and perfect subtrees computed from them (memoised).
struct MemoryTree {
  const Hasher& h;
  std::vector<Hash> leaves;
  std::map<std::pair<unsigned, std::uint64_t>, Hash> memo;
  int lookups = 0;
  Perfect perfect() {
    return [this](unsigned level, std::uint64_t index) -> Hash {
      ++lookups;
      auto key = std::make_pair(level, index);
      if (auto it = memo.find(key); it != memo.end()) return it->second;
      Hash v = level == 0 ? leaves.at(index)
                          : h.node(perfect()(level - 1, index * 2), perfect()(level - 1, index * 2 + 1));
      return memo[key] = v;
    };
  }
};

MemoryTree tree_of(const Hasher& h, int n) {
  MemoryTree t{h, {}, {}, 0};
  for (int i = 0; i < n; ++i) t.leaves.push_back(h.leaf("entry " + std::to_string(i)));
  return t;
}

}  // namespace

TEST_CASE("the tree heads of the Certificate Transparency test vectors (SHA-256)") {
  Hasher sha("SHA256");
  const char* data[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
  const char* roots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  MemoryTree t{sha, {}, {}, 0};
  for (auto d : data) t.leaves.push_back(sha.leaf(unhex(d)));
  for (std::uint64_t n = 1; n <= 8; ++n) {
    INFO(n);
    CHECK(hex(root(sha, t.perfect(), n)) == roots[n - 1]);
  }
  CHECK(hex(sha.empty()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("every inclusion proof verifies, and a changed leaf, path or size does not (SM3 and SHA-256)") {
  for (auto algorithm : {"SM3", "SHA256"}) {
    Hasher h(algorithm);
    auto t = tree_of(h, 40);
    for (std::uint64_t n = 1; n <= 40; ++n) {
      auto r = root(h, t.perfect(), n);
      for (std::uint64_t m = 0; m < n; ++m) {
        auto proof = inclusion_proof(h, t.perfect(), m, n);
        INFO(algorithm << " leaf " << m << " of " << n);
        REQUIRE(verify_inclusion(h, m, n, t.leaves[m], proof, r));
        CHECK_FALSE(verify_inclusion(h, m, n, h.leaf("forged"), proof, r));
        if (!proof.empty()) {
          auto bad = proof;
          bad.back()[0] ^= 1;
          CHECK_FALSE(verify_inclusion(h, m, n, t.leaves[m], bad, r));
        }
        if (n > 1) CHECK_FALSE(verify_inclusion(h, (m + 1) % n, n, t.leaves[m], proof, r));
      }
    }
  }
}

TEST_CASE("every consistency proof verifies, and a rewritten history does not") {
  for (auto algorithm : {"SM3", "SHA256"}) {
    Hasher h(algorithm);
    auto t = tree_of(h, 33);
    auto forged = t;
    forged.memo.clear();
    forged.leaves[3] = h.leaf("rewritten");
    for (std::uint64_t n = 1; n <= 33; ++n)
      for (std::uint64_t m = 1; m <= n; ++m) {
        auto proof = consistency_proof(h, t.perfect(), m, n);
        auto old_root = root(h, t.perfect(), m), new_root = root(h, t.perfect(), n);
        INFO(algorithm << " " << m << " -> " << n);
        REQUIRE(verify_consistency(h, m, n, old_root, new_root, proof));
        if (m > 3 && m < n) {
          // The log rewrote entry 3 after publishing the head of size m: no proof connects them.
          auto forged_proof = consistency_proof(h, forged.perfect(), m, n);
          CHECK_FALSE(verify_consistency(h, m, n, old_root, root(h, forged.perfect(), n), forged_proof));
        }
      }
  }
}

TEST_CASE("proofs in a tree of a million leaves need only a logarithmic number of stored nodes") {
  Hasher h("SM3");
  int lookups = 0;
  Perfect counting = [&](unsigned level, std::uint64_t index) {
    ++lookups;
    Hash v{};
    v[0] = static_cast<unsigned char>(level);
    v[1] = static_cast<unsigned char>(index);
    return v;
  };
  root(h, counting, 1000000);
  CHECK(lookups <= 20);
  lookups = 0;
  inclusion_proof(h, counting, 123456, 1000000);
  CHECK(lookups <= 60);
  lookups = 0;
  consistency_proof(h, counting, 654321, 1000000);
  CHECK(lookups <= 60);
}
