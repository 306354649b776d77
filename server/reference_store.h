#pragma once
// Units, companies and estates in SQLite, each stored as its serialized domain record with a
// few indexed columns beside it.

#include <SQLiteCpp/Database.h>

#include <optional>
#include <string>
#include <vector>

#include "pcs/case.h"
#include "pcs/org.h"

namespace pcs::server {

// Places a case at an estate: its county, street, community and managing company follow.
void locateCaseAt(Case& c, const Estate& e);

struct ReferenceStore {
  // Inserts or replaces; the caller holds the write transaction.
  static void putUnit(SQLite::Database& tx, const OrgUnit& u, int64_t now);
  static void putCompany(SQLite::Database& tx, const Company& c, int64_t now);
  static void putEstate(SQLite::Database& tx, const Estate& e, int64_t now);

  static std::optional<Company> company(SQLite::Database& db, const std::string& id);
  static std::optional<Estate> estate(SQLite::Database& db, const std::string& id);
  // Name contains `text` (any part), at most `limit`, best (shortest) names first.
  static std::vector<Company> findCompanies(SQLite::Database& db, const std::string& text,
                                            int limit);
  static std::vector<Estate> findEstates(SQLite::Database& db, const std::string& text,
                                         const std::string& countyId, int limit);
  static int64_t countUnits(SQLite::Database& db);
};

}  // namespace pcs::server
