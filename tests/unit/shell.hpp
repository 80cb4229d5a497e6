// Runs a shell command from a unit test and returns what it printed (standard output; add
// 2>&1 for errors too), e.g. `openssl asn1parse` reading back what the kernel encoded.
#pragma once

#include <cstdio>
#include <string>

inline std::string shell_output(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  if (!p) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}
