# Finds the Debian-packaged libraries the kernel and plugins use (see shared TOOLCHAIN.md).
find_package(Threads REQUIRED)
find_package(Boost 1.74 CONFIG REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
find_package(CURL 7.74 REQUIRED)  # e-mail (SMTP) and the SMS gateway
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)  # the search index
pkg_check_modules(CMARK REQUIRED IMPORTED_TARGET libcmark-gfm)  # Markdown of publications
pkg_check_modules(MAGIC REQUIRED IMPORTED_TARGET libmagic)  # what an uploaded file really is
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)  # seal pictures (cairo + pango, CJK text)

# SOCI 4.0 on Debian ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
foreach(part core sqlite3 postgresql)
  find_library(SOCI_${part}_LIBRARY NAMES soci_${part} REQUIRED)
  if(NOT TARGET Soci::${part})
    add_library(Soci::${part} UNKNOWN IMPORTED)
    set_target_properties(Soci::${part} PROPERTIES IMPORTED_LOCATION ${SOCI_${part}_LIBRARY}
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR};/usr/include/postgresql")
  endif()
endforeach()
set_property(TARGET Soci::sqlite3 Soci::postgresql APPEND PROPERTY INTERFACE_LINK_LIBRARIES Soci::core)

# Tests and the SDK's test harness.
find_package(doctest CONFIG REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
