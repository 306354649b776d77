#pragma once
// The audit log (R17): every action appended with who, when, what and why. Each entry carries
// the SHA-256 of the entry before it, so rewriting or removing one is detected by verifyAudit();
// triggers in the schema refuse UPDATE and DELETE outright.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>

namespace pcs::server {

struct AuditEntry {
  int64_t at = 0;
  std::string userId;  // "system" for the scheduler
  std::string unitId;
  std::string action;   // e.g. "case.dispatch", "auth.login", "pii.view"
  std::string subject;  // what it concerns, e.g. "case:2025-000123", "user:u-12"
  std::string detail;   // why and what changed, free text (Chinese for case actions)
};

// Appends one entry. Call inside the caller's write transaction (Database::write), so the
// entry commits or rolls back with the change it records. Returns the entry's seq.
int64_t appendAudit(SQLite::Database& tx, const AuditEntry& entry);

struct AuditVerification {
  bool ok = true;
  int64_t checked = 0;      // entries read
  int64_t firstBadSeq = 0;  // the first entry whose hash does not match, 0 when ok
  std::string message;      // what is wrong, or a summary when ok
};

// Recomputes the whole chain from the first entry.
AuditVerification verifyAudit(SQLite::Database& db);

// The hash an entry must carry (hex SHA-256 of the previous hash and the entry's fields).
std::string auditHash(const std::string& prevHash, int64_t seq, const AuditEntry& e);

}  // namespace pcs::server
