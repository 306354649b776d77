// Storage (server/db.h): migrations, refusing a newer schema, transactions that roll back,
// concurrent writers, backup and restore.
#include "db.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <vector>

using pcs::server::Database;
using pcs::server::DbOptions;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pcs-db-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const char* name) const { return (path / name).string(); }
};

int latestVersion() {
  return pcs::server::migrations().back().version;
}

// Every table, index, view and trigger, with its SQL: two databases with equal schemas give
// equal strings.
std::string schemaOf(SQLite::Database& db) {
  SQLite::Statement st(db,
                       "SELECT type, name, COALESCE(sql, '') FROM sqlite_master "
                       "ORDER BY type, name");
  std::string out;
  while (st.executeStep())
    out += st.getColumn(0).getString() + " " + st.getColumn(1).getString() + ": " +
           st.getColumn(2).getString() + "\n";
  return out;
}

// The settings these tests wrote: the migrations' own rows (such as the import identity key of
// migration 6) are not counted.
int64_t countSettings(SQLite::Database& db) {
  return db.execAndGet("SELECT COUNT(*) FROM settings WHERE key NOT LIKE 'import\\_%' ESCAPE '\\'")
      .getInt64();
}

void putSetting(SQLite::Database& tx, const std::string& key, const std::string& value) {
  SQLite::Statement st(tx,
                       "INSERT INTO settings(key, value) VALUES(?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key);
  st.bind(2, value);
  st.exec();
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("db: every older schema version migrates to the same schema as a fresh database") {
  TempDir dir;
  std::string fresh;
  {
    Database db(DbOptions{dir.file("fresh.db")});
    CHECK(db.schemaVersion() == latestVersion());
    fresh = schemaOf(db.reader());
  }
  CHECK(fresh.find("table cases:") != std::string::npos);
  CHECK(fresh.find("table cases_fts:") != std::string::npos);

  // Every version a database can be at: none yet, and each migration's (numbers may have gaps
  // while branches that add migrations are merged).
  std::vector<int> older = {0};
  for (const pcs::server::Migration& m : pcs::server::migrations())
    if (m.version < latestVersion()) older.push_back(m.version);
  for (int v : older) {
    CAPTURE(v);
    const std::string path = dir.file(("from-" + std::to_string(v) + ".db").c_str());
    {
      Database old(DbOptions{path}, v);
      CHECK(old.schemaVersion() == v);
    }
    Database db(DbOptions{path});
    CHECK(db.schemaVersion() == latestVersion());
    CHECK(schemaOf(db.reader()) == fresh);
    // Each migration is recorded once.
    CHECK(db.reader().execAndGet("SELECT COUNT(*) FROM schema_migrations").getInt() ==
          static_cast<int>(pcs::server::migrations().size()));
  }
}

TEST_CASE("db: a database written by a newer server is refused with a clear message") {
  TempDir dir;
  const std::string path = dir.file("newer.db");
  {
    Database db(DbOptions{path});
    db.write([](SQLite::Database& tx) {
      SQLite::Statement st(tx,
                           "INSERT INTO schema_migrations(version, name, applied_at) "
                           "VALUES(?, 'from the future', 0)");
      st.bind(1, latestVersion() + 1);
      st.exec();
    });
  }
  const std::string expected = "newer than this server knows";
  CHECK_THROWS_WITH_AS(Database(DbOptions{path}), doctest::Contains(expected.c_str()),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(Database(DbOptions{path}), doctest::Contains(path.c_str()),
                       std::runtime_error);
}

TEST_CASE("db: a write that throws stores nothing and leaves the database usable") {
  TempDir dir;
  Database db(DbOptions{dir.file("rollback.db")});
  CHECK_THROWS_WITH(db.write([](SQLite::Database& tx) {
    putSetting(tx, "a", "1");
    putSetting(tx, "b", "2");
    throw std::runtime_error("validation failed halfway");
  }),
                    "validation failed halfway");
  CHECK(countSettings(db.reader()) == 0);

  // A failing statement rolls back the statements before it too.
  CHECK_THROWS_AS(db.write([](SQLite::Database& tx) {
    putSetting(tx, "a", "1");
    tx.exec("INSERT INTO no_such_table VALUES(1)");
  }),
                  SQLite::Exception);
  CHECK(countSettings(db.reader()) == 0);

  db.write([](SQLite::Database& tx) { putSetting(tx, "a", "1"); });
  CHECK(countSettings(db.reader()) == 1);
  CHECK(db.write([](SQLite::Database& tx) { return countSettings(tx); }) == 1);
}

namespace {

// Each thread runs `rounds` transactions that read the counter and write it back plus one:
// a lost update or a "database is locked" failure shows in the final count.
void incrementConcurrently(Database& first, Database& second, int rounds) {
  std::atomic<int> failures{0};
  std::string firstError;
  const auto worker = [&](Database& db, std::string* error) {
    for (int i = 0; i < rounds; ++i) {
      try {
        db.write([](SQLite::Database& tx) {
          SQLite::Statement read(tx, "SELECT value FROM settings WHERE key = 'counter'");
          const int64_t value = read.executeStep() ? std::stoll(read.getColumn(0).getString()) : 0;
          putSetting(tx, "counter", std::to_string(value + 1));
        });
        // Readers run alongside the writers.
        db.reader().execAndGet("SELECT COUNT(*) FROM settings").getInt();
      } catch (const std::exception& e) {
        if (failures++ == 0 && error) *error = e.what();
      }
    }
  };
  std::thread a(worker, std::ref(first), &firstError);
  std::thread b(worker, std::ref(second), nullptr);
  a.join();
  b.join();
  CHECK_MESSAGE(failures == 0, firstError);
  CHECK(first.reader().execAndGet("SELECT value FROM settings WHERE key = 'counter'").getString() ==
        std::to_string(2 * rounds));
}

}  // namespace

TEST_CASE("db: two threads writing read-then-write transactions never see 'database is locked'") {
  TempDir dir;
  Database db(DbOptions{dir.file("threads.db")});
  incrementConcurrently(db, db, 500);
}

TEST_CASE("db: two connections to one file (two processes) serialise their writes") {
  // Without BEGIN IMMEDIATE, two transactions that both read and then write deadlock on the
  // lock upgrade and one fails at once with SQLITE_BUSY, whatever the busy timeout.
  TempDir dir;
  Database first(DbOptions{dir.file("shared.db")});
  Database second(DbOptions{dir.file("shared.db")});
  incrementConcurrently(first, second, 500);
}

TEST_CASE("db: a backup restores to the state it was taken in") {
  TempDir dir;
  const std::string live = dir.file("live.db");
  const std::string backup = dir.file("backup.db");
  {
    Database db(DbOptions{live});
    db.write([](SQLite::Database& tx) { putSetting(tx, "city", "云川市"); });
    db.backupTo(backup);
    CHECK_THROWS_WITH_AS(db.backupTo(backup), doctest::Contains("exists"), std::runtime_error);
    db.write([](SQLite::Database& tx) { putSetting(tx, "after", "not in the backup"); });
    CHECK(countSettings(db.reader()) == 2);
  }

  pcs::server::restoreBackup(backup, live);
  Database db(DbOptions{live});
  CHECK(db.schemaVersion() == latestVersion());
  CHECK(countSettings(db.reader()) == 1);
  CHECK(db.reader().execAndGet("SELECT value FROM settings WHERE key = 'city'").getString() ==
        "云川市");
  // The restored file takes writes.
  db.write([](SQLite::Database& tx) { putSetting(tx, "after", "restored"); });
  CHECK(countSettings(db.reader()) == 2);
}

TEST_CASE("db: restore refuses a damaged or foreign file and leaves the target intact") {
  TempDir dir;
  const std::string live = dir.file("live.db");
  const std::string good = dir.file("good.db");
  {
    Database db(DbOptions{live});
    db.write([](SQLite::Database& tx) {
      putSetting(tx, "city", "云川市");
      // Enough rows for a table of several pages.
      for (int i = 0; i < 400; ++i) putSetting(tx, "k" + std::to_string(i), std::string(100, 'x'));
    });
    db.backupTo(good);
  }
  const std::string before = readFile(live);
  const auto intact = [&] {
    CHECK(readFile(live) == before);
    Database db(DbOptions{live});
    CHECK(db.reader().execAndGet("SELECT value FROM settings WHERE key = 'city'").getString() ==
          "云川市");
  };

  SUBCASE("not a database at all") {
    const std::string junk = dir.file("junk.db");
    std::ofstream(junk, std::ios::binary) << "this is not an SQLite file, only some text";
    CHECK_THROWS_AS(pcs::server::restoreBackup(junk, live), std::runtime_error);
    intact();
  }
  SUBCASE("a database with a damaged page") {
    int64_t root = 0, pageSize = 0;
    {
      SQLite::Database db(good, SQLite::OPEN_READONLY);
      root = db.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'settings'").getInt64();
      pageSize = db.execAndGet("PRAGMA page_size").getInt64();
    }
    std::string bytes = readFile(good);
    REQUIRE(root > 1);
    REQUIRE(static_cast<int64_t>(bytes.size()) >= root * pageSize);
    // Overwrite the header of the settings table's root page: it no longer reads as a b-tree.
    const size_t page = static_cast<size_t>((root - 1) * pageSize);
    for (size_t i = page; i < page + 16; ++i) bytes[i] = '\x5a';
    const std::string damaged = dir.file("damaged.db");
    std::ofstream(damaged, std::ios::binary) << bytes;
    CHECK_THROWS_AS(pcs::server::restoreBackup(damaged, live), std::runtime_error);
    intact();
  }
  SUBCASE("a truncated backup") {
    const std::string bytes = readFile(good);
    const std::string truncated = dir.file("truncated.db");
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
    CHECK_THROWS_AS(pcs::server::restoreBackup(truncated, live), std::runtime_error);
    intact();
  }
  SUBCASE("an SQLite file of some other program") {
    const std::string other = dir.file("other.db");
    {
      SQLite::Database db(other, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("CREATE TABLE notes(text TEXT)");
    }
    CHECK_THROWS_WITH_AS(pcs::server::restoreBackup(other, live),
                         doctest::Contains("not a backup of this system"), std::runtime_error);
    intact();
  }
  SUBCASE("a file that does not exist") {
    CHECK_THROWS_AS(pcs::server::restoreBackup(dir.file("missing.db"), live), std::runtime_error);
    intact();
  }
}

TEST_CASE("db: writes committed together stay separate: a failing one takes only itself back") {
  // Eight threads write at once, so the writes are grouped into shared transactions; every
  // fifth write throws after writing. Exactly the others must be stored, each whole.
  TempDir dir;
  Database db(DbOptions{dir.file("group.db")});
  constexpr int kThreads = 8, kWrites = 60;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = std::to_string(t) + "-" + std::to_string(i);
        try {
          db.write([&](SQLite::Database& tx) {
            putSetting(tx, key + "-a", "1");
            putSetting(tx, key + "-b", "1");
            if (i % 5 == 4) throw std::runtime_error("refused " + key);
          });
        } catch (const std::runtime_error& e) {
          CHECK(std::string(e.what()) == "refused " + key);  // the writer's own error
          ++failed;
        }
      }
    });
  for (std::thread& th : threads) th.join();
  CHECK(failed == kThreads * kWrites / 5);
  CHECK(countSettings(db.reader()) == 2 * (kThreads * kWrites - failed));
  CHECK(db.reader().execAndGet("SELECT COUNT(*) FROM settings WHERE key LIKE '%-4-a'").getInt() ==
        0);
}

TEST_CASE("db: a cached statement ends its read when released, so the next use sees new writes") {
  TempDir dir;
  Database db(DbOptions{dir.file("cached.db")});
  auto count = [&] {
    // Stepped once only (one row, never "done"): without the reset on release the reader would
    // keep its snapshot and miss the writes below.
    pcs::server::CachedStatement st(db.reader(), "SELECT COUNT(*) FROM settings");
    REQUIRE(st->executeStep());
    return st->getColumn(0).getInt64();
  };
  const int64_t before = count();
  for (int i = 1; i <= 3; ++i) {
    db.write([&](SQLite::Database& tx) { putSetting(tx, "k" + std::to_string(i), "v"); });
    CHECK(count() == before + i);
  }
}

TEST_CASE("db: a statement already in use gets a fresh one; the writer's survive a failed write") {
  TempDir dir;
  Database db(DbOptions{dir.file("nested.db")});
  db.write([&](SQLite::Database& tx) {
    for (const char* k : {"a", "b", "c"}) putSetting(tx, k, k);
  });
  const std::string sql = "SELECT key FROM settings WHERE key IN ('a','b','c') ORDER BY key";
  std::string seen;
  pcs::server::CachedStatement outer(db.reader(), sql);
  while (outer->executeStep()) {
    seen += outer->getColumn(0).getString();
    pcs::server::CachedStatement inner(db.reader(), sql);  // the same SQL, while outer runs
    int rows = 0;
    while (inner->executeStep()) ++rows;
    CHECK(rows == 3);
  }
  CHECK(seen == "abc");

  // A write that throws between step and release leaves the cached statement usable.
  auto put = [&](const std::string& key, bool fail) {
    db.write([&](SQLite::Database& tx) {
      pcs::server::CachedStatement ins(tx, "INSERT INTO settings(key, value) VALUES(?, 'x')");
      ins->bind(1, key);
      ins->exec();
      if (fail) throw std::runtime_error("refused");
    });
  };
  put("d", false);
  CHECK_THROWS_AS(put("e", true), std::runtime_error);
  put("f", false);
  CHECK_THROWS(put("d", false));  // a constraint error reported through the cached statement
  put("g", false);
  CHECK(db.reader()
            .execAndGet("SELECT group_concat(key, '') FROM (SELECT key FROM settings "
                        "WHERE key IN ('d','e','f','g') ORDER BY key)")
            .getString() == "dfg");
}

TEST_CASE("db: work deferred to the commit runs after the batch, only for writes that succeeded") {
  TempDir dir;
  Database db(DbOptions{dir.file("deferred.db")});
  std::vector<std::string> order;
  // Inside a write: deferred work runs after the write's own statements, before the commit.
  db.write([&](SQLite::Database& tx) {
    Database::deferToCommit(tx, [&](SQLite::Database& t) {
      order.push_back("deferred");
      putSetting(t, "late", "1");
    });
    order.push_back("write");
    CHECK(tx.execAndGet("SELECT COUNT(*) FROM settings WHERE key = 'late'").getInt() == 0);
  });
  CHECK(order == std::vector<std::string>{"write", "deferred"});
  CHECK(db.reader().execAndGet("SELECT COUNT(*) FROM settings WHERE key = 'late'").getInt() == 1);

  // A write that fails takes its deferred work with it; the others' still runs.
  constexpr int kThreads = 6, kWrites = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string key = "d" + std::to_string(t) + "-" + std::to_string(i);
        try {
          db.write([&](SQLite::Database& tx) {
            Database::deferToCommit(tx, [key](SQLite::Database& t2) { putSetting(t2, key, "1"); });
            if (i % 4 == 3) throw std::runtime_error("refused");
          });
        } catch (const std::runtime_error&) {
        }
      }
    });
  for (std::thread& th : threads) th.join();
  CHECK(db.reader().execAndGet("SELECT COUNT(*) FROM settings WHERE key LIKE 'd%'").getInt() ==
        kThreads * kWrites * 3 / 4);

  // On a connection of one's own, deferred work runs at once.
  SQLite::Database own(dir.file("deferred.db"), SQLite::OPEN_READWRITE);
  bool ran = false;
  Database::deferToCommit(own, [&](SQLite::Database&) { ran = true; });
  CHECK(ran);
}
