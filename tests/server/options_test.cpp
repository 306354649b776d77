// pcs-server's options: defaults, flags, a config file, and flags winning over the file.
#include "options.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

struct ConfigFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("pcs-conf-" + std::to_string(::getpid()) + ".conf"))
                         .string();
  explicit ConfigFile(const std::string& text) { std::ofstream(path) << text; }
  ~ConfigFile() { std::filesystem::remove(path); }
};

pcs::server::Options parse(std::vector<std::string> args) {
  bool help = false;
  return pcs::server::parseOptions(args, help);
}

}  // namespace

TEST_CASE("options: defaults and flags") {
  const pcs::server::Options d = parse({});
  CHECK(d.host == "127.0.0.1");
  CHECK(d.port == 8080);
  CHECK(d.demo);
  const pcs::server::Options o = parse({"--port", "9000", "--data", "/srv/x", "--empty"});
  CHECK(o.port == 9000);
  CHECK(o.dataDir == "/srv/x");
  CHECK_FALSE(o.demo);
  CHECK_THROWS_WITH(parse({"--port", "70000"}), doctest::Contains("0 to 65535"));
  CHECK_THROWS_WITH(parse({"--bogus"}), doctest::Contains("unknown option"));
}

TEST_CASE("options: a config file, with flags winning over it") {
  ConfigFile f(
      "# comment\nport = 9100\ndata = /srv/pcs  # trailing comment\n"
      "demo = false\nsync-full = true\nsecure-cookies = false\n");
  pcs::server::Options o = parse({"--config", f.path});
  CHECK(o.port == 9100);
  CHECK(o.dataDir == "/srv/pcs");
  CHECK_FALSE(o.demo);
  CHECK(o.synchronousFull);
  CHECK_FALSE(o.secureCookies);
  o = parse({"--port", "9200", "--config", f.path});
  CHECK(o.port == 9200);
}

TEST_CASE("options: a bad config file names the line that is wrong") {
  {
    ConfigFile f("port = 9100\nthis is not a setting\n");
    CHECK_THROWS_WITH(parse({"--config", f.path}), doctest::Contains("line 2"));
  }
  {
    ConfigFile f("sync-full = yes\n");
    CHECK_THROWS_WITH(parse({"--config", f.path}), doctest::Contains("true or false"));
  }
  {
    ConfigFile f("colour = blue\n");
    CHECK_THROWS_WITH(parse({"--config", f.path}), doctest::Contains("unknown option '--colour'"));
  }
  CHECK_THROWS_WITH(parse({"--config", "/nonexistent/pcs.conf"}), doctest::Contains("cannot read"));
  CHECK_THROWS_WITH(parse({"--config"}), doctest::Contains("needs a file"));
}

TEST_CASE("options: --demo-seed takes a number and refuses anything else") {
  CHECK(parse({"--demo-seed", "123456789"}).demoSeed == 123456789u);
  CHECK_THROWS_AS(parse({"--demo-seed", "12a"}), std::invalid_argument);
  CHECK_THROWS_AS(parse({"--demo-seed", "1234567890"}), std::invalid_argument);
}
