// A library whose manifest claims another plugin API or build tag: the kernel must refuse it
// before creating anything (the factory is never called).
#include <memory>

#include <boost/dll/alias.hpp>

#include <wangban/plugin.hpp>

namespace fake {

const wangban_manifest* manifest() {
  static const wangban_manifest m{WANGBAN_MANIFEST_MAGIC, sizeof(wangban_manifest), FAKE_API_MAJOR, 0,
                                  FAKE_BUILD_TAG, FAKE_NAME, "1.0.0", "", "mismatched plugin", "",
                                  nullptr, 0, nullptr, 0};
  return &m;
}

std::unique_ptr<wangban::Plugin> create() { std::abort(); }

}  // namespace fake

BOOST_DLL_ALIAS(fake::manifest, wangban_plugin_manifest)
BOOST_DLL_ALIAS(fake::create, wangban_plugin_create)
