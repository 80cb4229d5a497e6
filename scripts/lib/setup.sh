# Shared by scripts/run, scripts/test and scripts/bench: installs what is missing
# from Debian's packages, builds the native code and the web UI. Source it from
# the repository root. Everything here is safe to run again.

# Debian packages by purpose.
WB_PKGS_BUILD="cmake g++ make pkg-config ccache ca-certificates libboost-dev libcpp-httplib-dev libsoci-dev
  libsqlite3-dev libpq-dev libssl-dev libspdlog-dev doctest-dev nlohmann-json3-dev libtomlplusplus-dev
  libvalijson-dev libargon2-dev libcurl4-openssl-dev libxapian-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libmagic-dev libpango1.0-dev libcairo2-dev fonts-noto-cjk"
WB_PKGS_TEST="postgresql chromium fonts-noto-cjk openssl python3-aiosmtpd clang libclang-rt-14-dev json-schema-test-suite"
WB_PKGS_BENCH="wrk nginx-light curl procps"

wb_say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

wb_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

wb_missing_packages() {
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  echo "$missing"
}

# wb_ensure_packages PKG...: installs the packages that are not installed yet.
wb_ensure_packages() {
  local missing
  missing=$(wb_missing_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "error: these Debian packages are missing and neither root nor sudo is available:$missing" >&2
    exit 1
  fi
  wb_say "installing Debian packages:$missing"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
  # libcurl4-openssl-dev first when asked for, so apt does not pick the NSS flavour.
  if ! wb_as_root "${apt[@]}" install --no-install-recommends $missing >/dev/null 2>&1; then
    wb_as_root "${apt[@]}" update >/dev/null
    wb_as_root "${apt[@]}" install --no-install-recommends $missing
  fi
}

# Node.js and npm: Debian's when no node is present (Node 18 or newer works).
wb_ensure_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    wb_ensure_packages nodejs npm
  fi
}

WB_BUILD_DIR=${WB_BUILD_DIR:-build}

wb_configure() {
  if [ ! -f "$WB_BUILD_DIR/CMakeCache.txt" ]; then
    wb_say "configuring the build in $WB_BUILD_DIR/"
    cmake -S . -B "$WB_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
}

# wb_build [TARGET...]: builds with every core.
wb_build() {
  wb_configure
  wb_say "building ${*:-everything}"
  local targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build "$WB_BUILD_DIR" -j "$(nproc)" "${targets[@]}"
}

# wb_npm_ci DIR: installs DIR's npm packages from its lock file when the lock changed.
wb_npm_ci() {
  wb_ensure_node
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    wb_say "installing npm packages in $1"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The web UI: npm ci when the lock file changed, vite build when a source changed.
wb_build_web() {
  wb_npm_ci web
  if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/package.json web/vite.config.ts -newer web/dist/index.html 2>/dev/null | head -n 1)" ]; then
    wb_say "building the web UI"
    (cd web && npm run build --silent)
  fi
}
