// The demo catalogue (demo/catalogue.json), compiled into the plugin so the one .so file is the
// whole plugin; loaded when the embedded default's demo data asks for it.
#pragma once

#include <string_view>

namespace items {

std::string_view demo_catalogue();

}  // namespace items
