#include "audit.h"

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

#include "db.h"

namespace pcs::server {
namespace {

// The first entry chains to this value.
const char* const kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// Each field is length-prefixed so no two different entries hash the same bytes.
void feed(crypto_hash_sha256_state& st, const std::string& s) {
  const std::string len = std::to_string(s.size()) + ":";
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(len.data()), len.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

}  // namespace

std::string auditHash(const std::string& prevHash, int64_t seq, const AuditEntry& e) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  feed(st, prevHash);
  feed(st, std::to_string(seq));
  feed(st, std::to_string(e.at));
  feed(st, e.userId);
  feed(st, e.unitId);
  feed(st, e.action);
  feed(st, e.subject);
  feed(st, e.detail);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

int64_t appendAudit(SQLite::Database& tx, const AuditEntry& entry) {
  // The caller holds the write transaction, so the last row cannot change under us.
  int64_t seq = 1;
  std::string prev = kGenesis;
  {
    CachedStatement last(tx, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
    if (last->executeStep()) {
      seq = last->getColumn(0).getInt64() + 1;
      prev = last->getColumn(1).getString();
    }
  }
  CachedStatement insert(tx,
                         "INSERT INTO audit(seq, at, user_id, unit_id, action, subject, detail, "
                         "prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?)");
  insert->bind(1, static_cast<int64_t>(seq));
  insert->bind(2, static_cast<int64_t>(entry.at));
  insert->bind(3, entry.userId);
  insert->bind(4, entry.unitId);
  insert->bind(5, entry.action);
  insert->bind(6, entry.subject);
  insert->bind(7, entry.detail);
  insert->bind(8, prev);
  insert->bind(9, auditHash(prev, seq, entry));
  insert->exec();
  return seq;
}

AuditVerification verifyAudit(SQLite::Database& db) {
  AuditVerification r;
  std::string prev = kGenesis;
  int64_t expectedSeq = 1;
  SQLite::Statement rows(
      db,
      "SELECT seq, at, user_id, unit_id, action, subject, detail, prev_hash, hash "
      "FROM audit ORDER BY seq");
  while (rows.executeStep()) {
    const int64_t seq = rows.getColumn(0).getInt64();
    AuditEntry e{rows.getColumn(1).getInt64(),  rows.getColumn(2).getString(),
                 rows.getColumn(3).getString(), rows.getColumn(4).getString(),
                 rows.getColumn(5).getString(), rows.getColumn(6).getString()};
    const std::string storedPrev = rows.getColumn(7).getString();
    const std::string stored = rows.getColumn(8).getString();
    ++r.checked;
    std::string problem;
    if (seq != expectedSeq)
      problem = "entry " + std::to_string(expectedSeq) + " is missing";
    else if (storedPrev != prev)
      problem = "entry " + std::to_string(seq) + " does not chain to the entry before it";
    else if (stored != auditHash(prev, seq, e))
      problem = "entry " + std::to_string(seq) + " was changed after it was written";
    if (!problem.empty()) {
      r.ok = false;
      r.firstBadSeq = seq != expectedSeq ? expectedSeq : seq;
      r.message = problem;
      return r;
    }
    prev = stored;
    ++expectedSeq;
  }
  r.message = "audit chain verified: " + std::to_string(r.checked) + " entries";
  return r;
}

}  // namespace pcs::server
