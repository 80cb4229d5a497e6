// PluginLibrary: loading with Boost.DLL, manifest checks (magic, API, build tag), creation.
#include "plugins/plugin_library.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>

#include <boost/dll/shared_library.hpp>

namespace wangban::kernel {
namespace fs = std::filesystem;

namespace {

// dlopen() maps a truncated library and the process dies of SIGBUS when it touches
// the missing pages: check that the ELF headers and every loadable segment lie within
// the file before handing it to the dynamic loader.
void check_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  Elf64_Ehdr eh{};
  if (ec || size < sizeof eh || !in.read(reinterpret_cast<char*>(&eh), sizeof eh) ||
      std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    throw PluginRefused(file.string() + " is not a shared library (no ELF header)");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_type != ET_DYN || eh.e_machine != EM_X86_64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr))
    throw PluginRefused(file.string() + " is not a 64-bit x86-64 shared library");
  auto damaged = [&](const std::string& what) {
    throw PluginRefused(file.string() + " is truncated or damaged (" + what + " beyond its " + std::to_string(size) +
                        " bytes)");
  };
  if (eh.e_phoff + std::uint64_t(eh.e_phnum) * eh.e_phentsize > size) damaged("program headers");
  if (eh.e_shnum && eh.e_shoff + std::uint64_t(eh.e_shnum) * eh.e_shentsize > size) damaged("section headers");
  in.seekg(static_cast<std::streamoff>(eh.e_phoff));
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph{};
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) damaged("program header");
    if ((ph.p_type == PT_LOAD || ph.p_type == PT_DYNAMIC) && ph.p_offset + ph.p_filesz > size) damaged("a segment");
  }
}

}  // namespace

std::shared_ptr<PluginLibrary> PluginLibrary::open(const fs::path& file) {
  std::shared_ptr<PluginLibrary> p(new PluginLibrary());
  p->file_ = file;
  std::error_code fe;
  if (!fs::is_regular_file(file, fe)) throw PluginRefused("plugin file not found: " + file.string());
  check_elf(file);
  try {
    p->lib_ = std::make_unique<boost::dll::shared_library>(
        file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    throw PluginRefused("cannot load " + file.string() + ": " + e.what());
  }
  if (!p->lib_->has("wangban_plugin_manifest") || !p->lib_->has("wangban_plugin_create"))
    throw PluginRefused(file.string() + " is not a Wangban plugin (it exports no wangban_plugin_manifest)");
  using ManifestFn = const wangban_manifest*();
  auto& manifest_fn = p->lib_->get_alias<ManifestFn>("wangban_plugin_manifest");
  const wangban_manifest* m = manifest_fn();
  if (!m || m->magic != WANGBAN_MANIFEST_MAGIC)
    throw PluginRefused(file.string() + " has a damaged manifest (bad magic number)");
  auto& out = p->manifest_;
  out.api_major = m->api_major;
  out.api_minor = m->api_minor;
  out.name = m->name ? m->name : "";
  if (m->api_major != kApiMajor || m->api_minor > kApiMinor)
    throw PluginRefused("plugin " + out.name + " (" + file.string() + ") was built for plugin API " +
                        std::to_string(m->api_major) + "." + std::to_string(m->api_minor) + ", this kernel provides " +
                        std::to_string(kApiMajor) + "." + std::to_string(kApiMinor));
  if (m->struct_size < sizeof(wangban_manifest))
    throw PluginRefused("plugin " + out.name + " has a manifest of " + std::to_string(m->struct_size) +
                        " bytes, expected " + std::to_string(sizeof(wangban_manifest)));
  out.build_tag = m->build_tag ? m->build_tag : "";
  if (out.build_tag != WANGBAN_BUILD_TAG)
    throw PluginRefused("plugin " + out.name + " was built with another toolchain or API headers: found \"" +
                        out.build_tag + "\", expected \"" WANGBAN_BUILD_TAG "\"");
  out.version_text = m->version ? m->version : "";
  out.summary = m->summary ? m->summary : "";
  out.config_schema = m->config_schema ? m->config_schema : "";
  out.requires_text = m->requires_spec ? m->requires_spec : "";
  try {
    out.version = SemVer::parse(out.version_text);
    out.requirements = parse_requirements(out.requires_text);
  } catch (const std::invalid_argument& e) {
    throw PluginRefused("plugin " + out.name + " has a bad manifest: " + e.what());
  }
  out.migrations = migration_files(m->migrations, m->migration_count);
  out.demo_migrations = migration_files(m->demo_migrations, m->demo_migration_count);
  return p;
}

PluginLibrary::~PluginLibrary() = default;

std::unique_ptr<Plugin> PluginLibrary::create() {
  auto& factory = lib_->get_alias<PluginFactory>("wangban_plugin_create");
  return factory();
}

bool is_mapped(const fs::path& file) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(file, ec).string();
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string mapped = line.substr(slash);
    if (mapped.ends_with(" (deleted)")) mapped.resize(mapped.size() - 10);
    if (mapped == canonical || mapped == file.string()) return true;
  }
  return false;
}

}  // namespace wangban::kernel
