// A shared library that is not a Wangban plugin (no manifest): refused cleanly.
extern "C" int not_a_plugin_answer() { return 42; }
