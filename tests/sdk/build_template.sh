#!/usr/bin/env bash
# The SDK as a third party gets it: install the SDK from this build into a fresh prefix,
# copy the template plugin out of the tree, build it against the installed package
# (find_package(WangbanSDK)) and run its test, which loads it into the installed kernel.
# Usage: build_template.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d /tmp/wangban-sdk.XXXXXX)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/sdk" >/dev/null
cp -r "$work/sdk/share/wangban-sdk/template" "$work/greeting"
cmake -S "$work/greeting" -B "$work/greeting/build" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/greeting/build" -j "$(nproc)"
test -f "$work/greeting/build/plugins/libwangban-plugin-greeting.so"
cd "$work/greeting/build"
ctest --output-on-failure
