// The plugin API version and the build fingerprint a plugin is compiled with.
//
// The major version changes when an interface in plugin-api/ changes
// incompatibly; the minor when something is added. The build tag names
// everything else that must be identical between kernel and plugin for C++
// objects to cross the boundary: compiler, standard library ABI, the majors of
// the shared libraries both link, and a hash of the plugin-api headers.
#pragma once

#include <boost/version.hpp>
#include <openssl/opensslv.h>
#include <spdlog/version.h>
#include <soci/version.h>
#include <nlohmann/json_fwd.hpp>

#include "wangban/api_hash.hpp"

namespace wangban {

inline constexpr unsigned kApiMajor = 1;
inline constexpr unsigned kApiMinor = 5;  // 1.1: Request::principal(), Route::blocking; 1.2: Context::messaging(), search(),
                                          // content(), WriteTransaction; 1.3: Context::trust(); 1.4: Context::contracts(), wangban/identifiers.hpp;
                                          // 1.5: wangban/json_schema.hpp (the kernel's validator), row_text/row_integer, wangban/contracts/items.hpp

}  // namespace wangban

#define WANGBAN_STR_(x) #x
#define WANGBAN_STR(x) WANGBAN_STR_(x)

#define WANGBAN_BUILD_TAG                                                                    \
  "g++ " __VERSION__ "; libstdc++ " WANGBAN_STR(__GLIBCXX__) " cxx11abi="                    \
  WANGBAN_STR(_GLIBCXX_USE_CXX11_ABI) "; boost " WANGBAN_STR(BOOST_VERSION)                  \
  "; openssl " WANGBAN_STR(OPENSSL_VERSION_MAJOR) "." WANGBAN_STR(OPENSSL_VERSION_MINOR)     \
  "; spdlog " WANGBAN_STR(SPDLOG_VER_MAJOR) "." WANGBAN_STR(SPDLOG_VER_MINOR)                \
  "; soci " WANGBAN_STR(SOCI_VERSION) "; json " WANGBAN_STR(NLOHMANN_JSON_VERSION_MAJOR)     \
  "." WANGBAN_STR(NLOHMANN_JSON_VERSION_MINOR) "; api " WANGBAN_API_HEADERS_HASH
