// pcs-server backup / restore / verify-audit, run as the maintenance commands are.
#include "commands.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "audit.h"
#include "data_lock.h"
#include "db.h"

namespace {

struct TempData {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pcs-cmd-" + std::to_string(::getpid()));
  TempData() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "data");
  }
  ~TempData() { std::filesystem::remove_all(dir); }
  std::string data() const { return (dir / "data").string(); }
  std::string db() const { return (dir / "data" / "pcs.db").string(); }
};

int run(std::vector<std::string> args) {
  int code = -1;
  REQUIRE(pcs::server::runCommand(args, code));
  return code;
}

void addEntries(const std::string& path, int n) {
  pcs::server::Database db(pcs::server::DbOptions{path});
  for (int i = 0; i < n; ++i)
    db.write([&](SQLite::Database& tx) {
      pcs::server::appendAudit(tx, {1000 + i, "u-1", "c01.housing", "case.register",
                                    "case:2025-00000" + std::to_string(i), "测试"});
    });
}

int64_t entries(const std::string& path) {
  SQLite::Database db(path);
  return db.execAndGet("SELECT COUNT(*) FROM audit").getInt64();
}

}  // namespace

TEST_CASE("commands: verify-audit passes on an intact chain and fails on a rewritten entry") {
  TempData t;
  addEntries(t.db(), 5);
  CHECK(run({"verify-audit", "--data", t.data()}) == 0);
  {
    // Rewrite an entry behind the triggers' back, as an attacker with file access could.
    SQLite::Database raw(t.db(), SQLite::OPEN_READWRITE);
    raw.exec("DROP TRIGGER audit_no_update");
    raw.exec("UPDATE audit SET detail='改过' WHERE seq=3");
  }
  CHECK(run({"verify-audit", "--data", t.data()}) == 3);
}

TEST_CASE("commands: the audit log refuses updates and deletes") {
  TempData t;
  addEntries(t.db(), 2);
  SQLite::Database raw(t.db(), SQLite::OPEN_READWRITE);
  CHECK_THROWS_WITH(raw.exec("UPDATE audit SET detail='x' WHERE seq=1"),
                    doctest::Contains("cannot be changed"));
  CHECK_THROWS_WITH(raw.exec("DELETE FROM audit WHERE seq=2"),
                    doctest::Contains("cannot be changed"));
}

TEST_CASE("commands: backup then restore brings back the state at the backup") {
  TempData t;
  addEntries(t.db(), 3);
  const std::string backup = (t.dir / "backup.db").string();
  CHECK(run({"backup", backup, "--data", t.data()}) == 0);
  CHECK(run({"backup", backup, "--data", t.data()}) == 1);  // never overwrites a file
  addEntries(t.db(), 2);
  REQUIRE(entries(t.db()) == 5);
  CHECK(run({"restore", backup, "--data", t.data()}) == 0);
  CHECK(entries(t.db()) == 3);
  CHECK(run({"verify-audit", "--data", t.data()}) == 0);
}

TEST_CASE("commands: bad arguments and missing files are refused with a message") {
  TempData t;
  CHECK(run({"backup"}) == 2);
  CHECK(run({"verify-audit", "--data", t.data()}) == 1);  // no database there
  CHECK(run({"restore", (t.dir / "nothing.db").string(), "--data", t.data()}) == 1);
  int code = 0;
  CHECK_FALSE(pcs::server::runCommand({"--port", "8080"}, code));
}

TEST_CASE("commands: restore refuses while a server runs on the data folder") {
  TempData t;
  addEntries(t.db(), 3);
  const std::string backup = (t.dir / "backup.db").string();
  REQUIRE(run({"backup", backup, "--data", t.data()}) == 0);
  addEntries(t.db(), 2);
  {
    pcs::server::DataLock running(t.data());  // what a running server holds
    REQUIRE(running.held());
    CHECK(run({"restore", backup, "--data", t.data()}) == 2);
    CHECK(entries(t.db()) == 5);  // nothing replaced
  }
  CHECK(run({"restore", backup, "--data", t.data()}) == 0);
  CHECK(entries(t.db()) == 3);
}
