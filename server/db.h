#pragma once
// SQLite storage: one file in WAL mode, a single writer connection and one reader connection
// per thread, every connection with a busy timeout. Every write runs in a transaction begun
// IMMEDIATE (so two writers never deadlock on a lock upgrade) that rolls back unless the
// function returns normally. The schema is migrated forward on open (schema.cpp).

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pcs::server {

struct DbOptions {
  std::string path;          // the SQLite file; ":memory:" is refused (readers need a file)
  int busyTimeoutMs = 5000;  // how long a connection waits for a lock before failing
  // NORMAL in WAL mode survives a killed process (SIGKILL) without losing a committed
  // transaction; FULL also survives power loss, at about half the write rate.
  bool synchronousFull = false;
};

struct Migration {
  int version;       // 1, 2, 3 ... applied in order, each once
  const char* name;  // one line, kept in schema_migrations
  const char* sql;   // one or more statements
};
// Every migration of the schema, oldest first (schema.cpp).
const std::vector<Migration>& migrations();

class Database {
 public:
  // Opens (creating if needed) and migrates to the newest schema. Throws SQLite::Exception
  // or std::runtime_error naming the file on failure.
  explicit Database(DbOptions options);
  // Opens and migrates only up to `version` (tests of migrations from older versions).
  Database(DbOptions options, int version);
  ~Database();

  // Runs `fn` in a BEGIN IMMEDIATE transaction on the writer connection, serialised with
  // every other write of this process; commits when `fn` returns, rolls back when it throws.
  template <class Fn>
  auto write(Fn&& fn) -> decltype(fn(std::declval<SQLite::Database&>())) {
    std::lock_guard<std::mutex> lock(writeMutex_);
    SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
    if constexpr (std::is_void_v<decltype(fn(*writer_))>) {
      fn(*writer_);
      tx.commit();
    } else {
      auto result = fn(*writer_);
      tx.commit();
      return result;
    }
  }

  // A read-only connection owned by the calling thread (WAL readers never block the writer).
  SQLite::Database& reader();

  // The schema version on disk.
  int schemaVersion();
  const std::string& path() const { return options_.path; }

  // Online backup into `destination` (a new file), consistent while writes continue.
  void backupTo(const std::string& destination);

 private:
  std::unique_ptr<SQLite::Database> open(bool readOnly);
  void migrate(int upTo);

  DbOptions options_;
  std::unique_ptr<SQLite::Database> writer_;
  std::mutex writeMutex_;
  std::mutex readersMutex_;
  std::vector<std::unique_ptr<SQLite::Database>> readers_;  // kept alive for the threads
  const uint64_t instance_;  // distinguishes this Database in thread-local reader caches
};

// Replaces the database file at `target` with the backup at `source` after checking the backup
// opens and passes SQLite's integrity check. The server must not be running on `target`.
// Throws std::runtime_error saying what was wrong.
void restoreBackup(const std::string& source, const std::string& target);

}  // namespace pcs::server
