#pragma once
// Cases in SQLite: the whole pcs::Case as a versioned record, plus indexed columns and one row
// per assignment for filters, boards and visibility, and a full-text index over the content.
// Writes take the caller's write transaction (Database::write) so a case, its audit entry and
// anything else of one request commit together or not at all.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pcs/case.h"
#include "pcs/org.h"

namespace pcs::server {

// Which cases a user may see (R13, R17): everything, or the union of the scopes that are set.
struct Visibility {
  bool all = false;             // the city's housing authority and oversight bodies
  std::string countyId;         // cases in this county (county housing, county oversight)
  std::string streetId;         // cases in this street (the street office co-signs them)
  std::string communityId;      // cases in this community
  std::string assignedUnitId;   // cases with an assignment to this unit
  std::string assignedHandler;  // cases with an assignment of this handler key (city-level
                                // departments review their county counterparts' work)
  std::string channel;          // cases that came from this channel (12345 follows its own)
};

// The scope of a unit: see the table in docs/api.md.
Visibility visibilityFor(const OrgUnit& unit, const OrgTree& org);

struct CaseFilter {
  std::string countyId, streetId, estateId, companyId;
  std::string unitId;               // assigned to this unit
  std::string handler;              // assigned to this handler key
  std::vector<std::string> states;  // case state keys; empty = any
  std::optional<bool> urgent;
  std::optional<bool> overdue;  // next deadline before today
  std::optional<bool> open;     // not closed or merged
  bool notHandled = false;      // an assignment still waits for acceptance past its deadline
  int minReturns = 0;           // returned at least this often (推诿扯皮 from 2)
  bool answeredLate = false;    // an assignment was answered after its resolve deadline
  int64_t receivedFrom = 0;     // [from, to) Unix seconds; 0 = unbounded
  int64_t receivedTo = 0;
  std::string text;              // full-text search (any substring of 2+ characters)
  std::string order = "newest";  // "newest" (registration, newest first) or "due" (earliest first)
  int limit = 50;                // 1..500
  std::string cursor;            // from the previous page's nextCursor
};

// One line of a list: enough for a board card without decoding the record.
struct CaseSummary {
  std::string id;
  std::string state;
  std::string countyId, streetId, estateId, companyId, ownerUnitId, channel;
  bool urgent = false;
  bool major = false;
  int64_t receivedAt = 0;
  std::optional<int32_t> nextDue;  // day number of the earliest open deadline
  int returns = 0;
  std::string excerpt;  // the start of the content (never personal data)
};

struct CasePage {
  std::vector<CaseSummary> items;
  std::string nextCursor;  // empty on the last page
};

struct StoredCase {
  Case value;
  int64_t version = 0;  // increases with every update; updates name the version they read
};

class CaseStore {
 public:
  // The next case number of `year`, "YYYY-NNNNNN", unique even across restarts.
  static std::string nextCaseId(SQLite::Database& tx, int year);
  // Stores a new case (version 1). Throws pcs::Error(Conflict) if the id exists.
  static void insert(SQLite::Database& tx, const Case& c, int64_t now);
  // Replaces a case if its stored version is still `expectedVersion`; otherwise throws
  // pcs::Error(Conflict) ("changed by someone else; reload"). Returns the new version.
  static int64_t update(SQLite::Database& tx, const Case& c, int64_t expectedVersion, int64_t now);
  static std::optional<StoredCase> load(SQLite::Database& db, const std::string& id);
  // True when `id` exists and `v` may see it.
  static bool visible(SQLite::Database& db, const std::string& id, const Visibility& v);
  static CasePage list(SQLite::Database& db, const CaseFilter& f, const Visibility& v, Date today);
  // Counts per case state under the same filter (board column counts).
  static std::vector<std::pair<std::string, int64_t>> countByState(SQLite::Database& db,
                                                                   const CaseFilter& f,
                                                                   const Visibility& v, Date today);
  // The earliest open deadline of a case (day number), if any: what `overdue` compares.
  static std::optional<int32_t> nextDue(const Case& c);
};

}  // namespace pcs::server
