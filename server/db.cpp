#include "db.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <unordered_map>

#include "log.h"

namespace pcs::server {
namespace {
std::atomic<uint64_t> g_nextInstance{1};

// ---- statement caches ---------------------------------------------------------------------
// A CachedStatement finds its connection's cache through the calling thread's note of the
// reader it was last given and of the writer while it runs a batch. Bumped when any Database
// goes away: a connection opened later may reuse the address of one that went with it, so a
// note older than the last closing is not trusted (the next reader() call renews it).
std::atomic<uint64_t> g_closedDatabases{0};

struct CacheNote {
  const SQLite::Database* connection = nullptr;
  StatementCache* statements = nullptr;
  uint64_t closed = 0;  // g_closedDatabases when the note was made
  // The writer only: where deferToCommit puts work of the write that is running.
  std::vector<std::function<void(SQLite::Database&)>>* deferred = nullptr;
};
thread_local CacheNote t_reader;
thread_local CacheNote t_writer;

// Distinct statements kept per connection; more (odd filter combinations) are prepared per use.
constexpr size_t kMaxCachedStatements = 64;

StatementCache* cacheFor(const SQLite::Database& db) {
  if (t_writer.connection == &db) return t_writer.statements;
  if (t_reader.connection == &db &&
      t_reader.closed == g_closedDatabases.load(std::memory_order_acquire))
    return t_reader.statements;
  return nullptr;
}

// Notes the writer's cache for this thread while it runs a batch.
class WriterNote {
 public:
  WriterNote(const SQLite::Database& db, StatementCache& statements) {
    t_writer = {&db, &statements, 0, nullptr};
  }
  ~WriterNote() { t_writer = {}; }
  WriterNote(const WriterNote&) = delete;
  WriterNote& operator=(const WriterNote&) = delete;
};

}  // namespace

CachedStatement::CachedStatement(SQLite::Database& db, const std::string& sql) {
  if (StatementCache* cache = cacheFor(db)) {
    auto it = cache->entries.find(sql);
    if (it == cache->entries.end() && cache->entries.size() < kMaxCachedStatements) {
      auto prepared = std::make_unique<SQLite::Statement>(db, sql);
      it = cache->entries.emplace(sql, StatementCache::Entry{std::move(prepared), false}).first;
    }
    if (it != cache->entries.end() && !it->second.busy) {
      it->second.busy = true;
      busy_ = &it->second.busy;  // map nodes do not move when the map grows
      statement_ = it->second.statement.get();
      return;
    }
  }
  owned_ = std::make_unique<SQLite::Statement>(db, sql);
  statement_ = owned_.get();
}

CachedStatement::~CachedStatement() {
  if (!busy_) return;
  statement_->tryReset();  // ends the statement's read; an error was reported by its step
  *busy_ = false;
}

Database::Database(DbOptions options) : Database(std::move(options), -1) {}

Database::Database(DbOptions options, int version)
    : options_(std::move(options)), instance_(g_nextInstance++) {
  if (options_.path.empty() || options_.path == ":memory:")
    throw std::runtime_error("the database needs a file path");
  writer_ = open(false);
  writer_->exec("PRAGMA journal_mode=WAL");
  migrate(version < 0 ? migrations().back().version : version);
}

Database::~Database() {
  // Before the connections close: no thread may take their statement caches from now on.
  g_closedDatabases.fetch_add(1, std::memory_order_acq_rel);
}

std::unique_ptr<SQLite::Database> Database::open(bool readOnly) {
  const int flags = readOnly ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
  auto db = std::make_unique<SQLite::Database>(options_.path, flags | SQLITE_OPEN_NOMUTEX,
                                               options_.busyTimeoutMs);
  db->exec(options_.synchronousFull ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  db->exec("PRAGMA foreign_keys=ON");
  db->exec("PRAGMA temp_store=MEMORY");
  return db;
}

SQLite::Database& Database::reader() {
  // One connection per (thread, Database): SQLite connections are not shared across threads.
  thread_local std::unordered_map<uint64_t, Reader*> mine;
  auto it = mine.find(instance_);
  Reader* r = nullptr;
  if (it != mine.end()) {
    r = it->second;
  } else {
    auto fresh = std::make_unique<Reader>();
    fresh->connection = open(true);
    r = fresh.get();
    {
      std::lock_guard<std::mutex> lock(readersMutex_);
      readers_.push_back(std::move(fresh));
    }
    mine[instance_] = r;
  }
  t_reader = {r->connection.get(), &r->statements,
              g_closedDatabases.load(std::memory_order_acquire)};
  return *r->connection;
}

int Database::schemaVersion() {
  return write([](SQLite::Database& tx) {
    if (!tx.tableExists("schema_migrations")) return 0;
    return tx.execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
  });
}

namespace {
// Most writes one transaction carries: bounds how long the first of them waits for the commit.
constexpr size_t kMaxBatch = 128;
}  // namespace

void Database::submit(WriteJob& job) {
  std::unique_lock<std::mutex> lock(queueMutex_);
  queue_.push_back(&job);
  while (!job.done) {
    if (writerBusy_) {
      batchDone_.wait(lock);
      continue;
    }
    // No transaction is running: this thread runs the queued writes, its own among them.
    writerBusy_ = true;
    const size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<WriteJob*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    runBatch(batch);
    lock.lock();
    writerBusy_ = false;
    batchDone_.notify_all();
  }
  if (job.error) std::rethrow_exception(job.error);
}

void Database::runBatch(const std::vector<WriteJob*>& batch) {
  auto failAll = [&](std::exception_ptr e) {
    for (WriteJob* j : batch) {
      if (!j->error) j->error = e;
      j->done = true;
    }
  };
  const WriterNote note(*writer_, writerStatements_);
  try {
    writer_->exec("BEGIN IMMEDIATE");
  } catch (...) {
    failAll(std::current_exception());
    return;
  }
  for (WriteJob* j : batch) {
    try {
      writer_->exec("SAVEPOINT job");
      t_writer.deferred = &j->deferred;
      j->run(*writer_);
      t_writer.deferred = nullptr;
      writer_->exec("RELEASE job");
    } catch (...) {
      t_writer.deferred = nullptr;
      j->deferred.clear();  // what the failed write deferred goes with it
      j->error = std::current_exception();
      try {
        writer_->exec("ROLLBACK TO job");
        writer_->exec("RELEASE job");
      } catch (...) {
        // The transaction itself is gone: nothing of this batch can be kept.
        try {
          writer_->exec("ROLLBACK");
        } catch (...) {
        }
        failAll(std::current_exception());
        return;
      }
    }
  }
  try {
    // Outside every savepoint, so the full-text index flushes once for the whole batch.
    for (WriteJob* j : batch)
      for (auto& fn : j->deferred) fn(*writer_);
    writer_->exec("COMMIT");
  } catch (...) {
    const std::exception_ptr e = std::current_exception();
    try {
      writer_->exec("ROLLBACK");
    } catch (...) {
    }
    failAll(e);
    return;
  }
  for (WriteJob* j : batch) j->done = true;
}

void Database::deferToCommit(SQLite::Database& tx, std::function<void(SQLite::Database&)> fn) {
  if (t_writer.connection == &tx && t_writer.deferred) {
    t_writer.deferred->push_back(std::move(fn));
    return;
  }
  fn(tx);
}

void Database::migrate(int upTo) {
  writer_->exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const int current =
      writer_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
  if (current > migrations().back().version)
    throw std::runtime_error(options_.path + " has schema version " + std::to_string(current) +
                             ", newer than this server knows (" +
                             std::to_string(migrations().back().version) + ")");
  for (const Migration& m : migrations()) {
    if (m.version <= current || m.version > upTo) continue;
    SQLite::Transaction tx(*writer_, SQLite::TransactionBehavior::IMMEDIATE);
    writer_->exec(m.sql);
    SQLite::Statement record(*writer_,
                             "INSERT INTO schema_migrations(version, name, applied_at) "
                             "VALUES(?, ?, strftime('%s','now'))");
    record.bind(1, m.version);
    record.bind(2, m.name);
    record.exec();
    tx.commit();
    logInfo("schema", "migrated " + options_.path + " to version " + std::to_string(m.version) +
                          " (" + m.name + ")");
  }
}

void Database::backupTo(const std::string& destination) {
  if (std::filesystem::exists(destination))
    throw std::runtime_error("backup target " + destination + " exists; choose a new file");
  SQLite::Database& src = reader();
  SQLite::Database dst(destination, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  SQLite::Backup backup(dst, src);
  // Copy in steps so the writer is not held back for the whole copy.
  constexpr int kPagesPerStep = 1024;
  while (backup.executeStep(kPagesPerStep) != SQLITE_DONE) {
  }
}

void restoreBackup(const std::string& source, const std::string& target) {
  {
    SQLite::Database check(source, SQLite::OPEN_READONLY);
    const std::string result = check.execAndGet("PRAGMA integrity_check").getString();
    if (result != "ok")
      throw std::runtime_error("backup " + source + " fails the integrity check: " + result);
    if (!check.tableExists("schema_migrations"))
      throw std::runtime_error(source + " is not a backup of this system (no schema_migrations)");
  }
  // Copy beside the target, then rename over it, so a failure leaves the old file intact.
  const std::string tmp = target + ".restoring";
  std::filesystem::remove(tmp);
  {
    SQLite::Database src(source, SQLite::OPEN_READONLY);
    SQLite::Database dst(tmp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup backup(dst, src);
    backup.executeStep(-1);
  }
  std::filesystem::remove(target + "-wal");
  std::filesystem::remove(target + "-shm");
  std::filesystem::rename(tmp, target);
}

}  // namespace pcs::server
