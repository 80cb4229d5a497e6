// PluginLibrary: one plugin shared library opened with Boost.DLL, and its manifest.
//
// open() maps the file (RTLD_NOW | RTLD_LOCAL) and reads the exported
// manifest function; it throws PluginRefused with a one-line reason when the
// file cannot be loaded, is not a Wangban plugin, or was built for another
// API or build tag. The manifest is copied into a Manifest value so nothing
// points into the library after it is closed. Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/migrator.hpp"
#include "wangban/plugin.hpp"
#include "wangban/semver.hpp"

namespace boost::dll {
class shared_library;
}

namespace wangban::kernel {

class PluginRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Manifest {
  unsigned api_major = 0, api_minor = 0;
  std::string build_tag, name, version_text, summary, config_schema;
  SemVer version;
  std::vector<Requirement> requirements;
  std::string requires_text;
  std::vector<MigrationFile> migrations, demo_migrations;
};

class PluginLibrary {
 public:
  // Throws PluginRefused.
  static std::shared_ptr<PluginLibrary> open(const std::filesystem::path& file);
  ~PluginLibrary();

  const Manifest& manifest() const { return manifest_; }
  const std::filesystem::path& file() const { return file_; }
  // Creates the plugin object; the library must outlive it.
  std::unique_ptr<Plugin> create();

 private:
  PluginLibrary() = default;
  std::unique_ptr<boost::dll::shared_library> lib_;
  std::filesystem::path file_;
  Manifest manifest_;
};

// Whether the file is mapped into this process (read from /proc/self/maps).
bool is_mapped(const std::filesystem::path& file);

}  // namespace wangban::kernel
