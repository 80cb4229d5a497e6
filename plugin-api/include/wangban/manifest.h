/* The plugin manifest: a plain C structure every plugin exports through a function.
 *
 * The kernel reads it before running any other code of the plugin, so its layout
 * must never change: new fields may only be appended at the end and are announced
 * by a higher `struct_size`. Everything here is C so that a kernel can read the
 * manifest of a plugin built against any API version and refuse it cleanly.
 * The strings point into the plugin's read-only data and stay valid while the
 * library is loaded. Thread-safe: immutable. */
#ifndef WANGBAN_MANIFEST_H
#define WANGBAN_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "WBPL" read as a little-endian 32-bit number. */
#define WANGBAN_MANIFEST_MAGIC 0x4c504257u

/* One SQL migration compiled into the plugin. `name` sorts in application order
 * ("001_cases.sql"); a name ending in ".sqlite.sql" or ".postgresql.sql" applies
 * only to that database. */
typedef struct wangban_migration {
  const char* name;
  const char* sql;
} wangban_migration;

typedef struct wangban_manifest {
  uint32_t magic;                 /* WANGBAN_MANIFEST_MAGIC */
  uint32_t struct_size;           /* sizeof(wangban_manifest) when built */
  uint32_t api_major;             /* must equal the kernel's */
  uint32_t api_minor;             /* must be <= the kernel's */
  const char* build_tag;          /* compiler, runtime and API fingerprint; must match exactly */
  const char* name;               /* [a-z][a-z0-9_-]*, unique, also the route prefix /api/<name>/ */
  const char* version;            /* semantic version "1.2.3" */
  const char* requires_spec;      /* "items >=1.0 <2, audit >=1.1" or "" */
  const char* summary;            /* one line for people, may be Chinese */
  const char* config_schema;      /* JSON Schema (draft-07) of the [plugins.<name>] section, or "" */
  const wangban_migration* migrations;      /* schema migrations, applied in name order */
  size_t migration_count;
  const wangban_migration* demo_migrations; /* demo data, applied only when demo data is enabled */
  size_t demo_migration_count;
} wangban_manifest;

#ifdef __cplusplus
}
#endif

#endif
