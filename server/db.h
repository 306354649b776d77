#pragma once
// SQLite storage: one file in WAL mode, a single writer connection and one reader connection
// per thread, every connection with a busy timeout. Every write runs in a transaction begun
// IMMEDIATE (so two writers never deadlock on a lock upgrade) that rolls back unless the
// function returns normally. The schema is migrated forward on open (schema.cpp).

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pcs::server {

// Prepared statements of one connection, kept for reuse: preparing (parsing and planning the
// SQL) cost about a third of the CPU of a case-detail read. Owned with its connection and
// destroyed before it; used only by the thread that uses the connection.
struct StatementCache {
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool busy = false;  // handed out by a CachedStatement that is still alive
  };
  std::unordered_map<std::string, Entry> entries;
};

// A statement for one use: taken from the connection's cache when it has one (the calling
// thread's reader, or the writer inside Database::write) and that statement is not already in
// use further up the stack; otherwise prepared for this use alone. When the guard goes the
// statement is reset (so no read transaction stays open) and returned to the cache. Bind every
// parameter on each use: bindings of the previous use are not cleared.
class CachedStatement {
 public:
  CachedStatement(SQLite::Database& db, const std::string& sql);
  ~CachedStatement();
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;

  SQLite::Statement& operator*() { return *statement_; }
  SQLite::Statement* operator->() { return statement_; }

 private:
  std::unique_ptr<SQLite::Statement> owned_;
  SQLite::Statement* statement_ = nullptr;
  bool* busy_ = nullptr;
};

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

  // Runs `fn` on the writer connection inside a BEGIN IMMEDIATE transaction, serialised with
  // every other write of this process, and returns once its changes are committed. When `fn`
  // throws, nothing it wrote is kept and the exception reaches the caller.
  //
  // Group commit: writes that arrive while another is running are run one after the other in
  // the next transaction, each inside its own savepoint, and committed together. A write that
  // fails is rolled back to its savepoint alone; one commit serves many writers.
  template <class Fn>
  auto write(Fn&& fn) -> decltype(fn(std::declval<SQLite::Database&>())) {
    using Result = decltype(fn(std::declval<SQLite::Database&>()));
    if constexpr (std::is_void_v<Result>) {
      WriteJob job;
      job.run = [&](SQLite::Database& tx) { fn(tx); };
      submit(job);
    } else {
      std::optional<Result> result;
      WriteJob job;
      job.run = [&](SQLite::Database& tx) { result.emplace(fn(tx)); };
      submit(job);
      return std::move(*result);
    }
  }

  // Runs `fn` on `tx` once every write of the current group commit has run, just before the
  // commit, and only if the write that asked for it succeeded (in the order asked). Outside
  // Database::write (a connection of one's own) it runs at once. For the full-text index:
  // SQLite's FTS5 writes its pending terms to disk at every savepoint, so index rows written
  // inside each write's savepoint cost a flush per write; deferred, one flush serves the batch.
  // Reads of the full-text index inside a write do not see rows deferred in the same batch.
  static void deferToCommit(SQLite::Database& tx, std::function<void(SQLite::Database&)> fn);

  // A read-only connection owned by the calling thread (WAL readers never block the writer).
  SQLite::Database& reader();

  // The schema version on disk.
  int schemaVersion();
  const std::string& path() const { return options_.path; }

  // Online backup into `destination` (a new file), consistent while writes continue.
  void backupTo(const std::string& destination);

 private:
  struct WriteJob {
    std::function<void(SQLite::Database&)> run;
    std::vector<std::function<void(SQLite::Database&)>> deferred;  // deferToCommit
    std::exception_ptr error;
    bool done = false;
  };
  // Queues `job` and waits until a transaction containing it has committed (or failed);
  // rethrows the job's error.
  void submit(WriteJob& job);
  // Runs a batch of jobs in one transaction (the caller is the only writer).
  void runBatch(const std::vector<WriteJob*>& batch);

  std::unique_ptr<SQLite::Database> open(bool readOnly);
  void migrate(int upTo);

  // A reader connection with its statements (declared after it, so destroyed first).
  struct Reader {
    std::unique_ptr<SQLite::Database> connection;
    StatementCache statements;
  };

  DbOptions options_;
  std::unique_ptr<SQLite::Database> writer_;
  StatementCache writerStatements_;  // used only by the thread running a batch
  std::mutex queueMutex_;            // guards queue_ and writerBusy_
  std::condition_variable batchDone_;
  std::vector<WriteJob*> queue_;
  bool writerBusy_ = false;
  std::mutex readersMutex_;
  std::vector<std::unique_ptr<Reader>> readers_;  // kept alive for the threads
  const uint64_t instance_;  // distinguishes this Database in thread-local reader caches
};

// Replaces the database file at `target` with the backup at `source` after checking the backup
// opens and passes SQLite's integrity check. The server must not be running on `target`.
// Throws std::runtime_error saying what was wrong.
void restoreBackup(const std::string& source, const std::string& target);

}  // namespace pcs::server
