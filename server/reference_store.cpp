#include "reference_store.h"

#include <SQLiteCpp/Statement.h>

#include "db.h"
#include "pcs/serialize.h"

namespace pcs::server {
namespace {

// LIKE with the user's text taken literally.
std::string likePattern(const std::string& text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

}  // namespace

void locateCaseAt(Case& c, const Estate& e) {
  c.estateId = e.id;
  c.countyId = e.countyId;
  c.streetId = e.streetId;
  c.communityId = e.communityId;
  c.companyId = e.companyId;
}

void ReferenceStore::putUnit(SQLite::Database& tx, const OrgUnit& u, int64_t now) {
  SQLite::Statement s(tx,
                      "INSERT INTO units(id, parent_id, data, updated_at) VALUES(?,?,?,?) "
                      "ON CONFLICT(id) DO UPDATE SET parent_id=excluded.parent_id, "
                      "data=excluded.data, updated_at=excluded.updated_at");
  s.bind(1, u.id);
  s.bind(2, u.parentId);
  s.bind(3, toJsonString(u, "unit"));
  s.bind(4, static_cast<int64_t>(now));
  s.exec();
}

void ReferenceStore::putCompany(SQLite::Database& tx, const Company& c, int64_t now) {
  SQLite::Statement s(tx,
                      "INSERT INTO companies(id, name, credit_code, data, updated_at) "
                      "VALUES(?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, "
                      "credit_code=excluded.credit_code, data=excluded.data, "
                      "updated_at=excluded.updated_at");
  s.bind(1, c.id);
  s.bind(2, c.name);
  s.bind(3, c.creditCode);
  s.bind(4, toJsonString(c, "company"));
  s.bind(5, static_cast<int64_t>(now));
  s.exec();
}

void ReferenceStore::putEstate(SQLite::Database& tx, const Estate& e, int64_t now) {
  SQLite::Statement s(
      tx,
      "INSERT INTO estates(id, name, county_id, street_id, community_id, company_id,"
      " data, updated_at) VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
      "name=excluded.name, county_id=excluded.county_id, "
      "street_id=excluded.street_id, community_id=excluded.community_id, "
      "company_id=excluded.company_id, data=excluded.data, "
      "updated_at=excluded.updated_at");
  s.bind(1, e.id);
  s.bind(2, e.name);
  s.bind(3, e.countyId);
  s.bind(4, e.streetId);
  s.bind(5, e.communityId);
  s.bind(6, e.companyId);
  s.bind(7, toJsonString(e, "estate"));
  s.bind(8, static_cast<int64_t>(now));
  s.exec();
}

std::optional<Company> ReferenceStore::company(SQLite::Database& db, const std::string& id) {
  CachedStatement s(db, "SELECT data FROM companies WHERE id=?");
  s->bind(1, id);
  if (!s->executeStep()) return std::nullopt;
  return fromJsonString<Company>(s->getColumn(0).getString(), "company");
}

std::optional<Estate> ReferenceStore::estate(SQLite::Database& db, const std::string& id) {
  CachedStatement s(db, "SELECT data FROM estates WHERE id=?");
  s->bind(1, id);
  if (!s->executeStep()) return std::nullopt;
  return fromJsonString<Estate>(s->getColumn(0).getString(), "estate");
}

std::vector<Company> ReferenceStore::findCompanies(SQLite::Database& db, const std::string& text,
                                                   int limit) {
  SQLite::Statement s(db,
                      "SELECT data FROM companies WHERE name LIKE ? ESCAPE '\\' "
                      "ORDER BY length(name), name LIMIT ?");
  s.bind(1, likePattern(text));
  s.bind(2, limit);
  std::vector<Company> out;
  while (s.executeStep())
    out.push_back(fromJsonString<Company>(s.getColumn(0).getString(), "company"));
  return out;
}

std::vector<Estate> ReferenceStore::findEstates(SQLite::Database& db, const std::string& text,
                                                const std::string& countyId, int limit) {
  SQLite::Statement s(db,
                      "SELECT data FROM estates WHERE name LIKE ? ESCAPE '\\' AND (?='' OR "
                      "county_id=?) ORDER BY length(name), name LIMIT ?");
  s.bind(1, likePattern(text));
  s.bind(2, countyId);
  s.bind(3, countyId);
  s.bind(4, limit);
  std::vector<Estate> out;
  while (s.executeStep())
    out.push_back(fromJsonString<Estate>(s.getColumn(0).getString(), "estate"));
  return out;
}

int64_t ReferenceStore::countUnits(SQLite::Database& db) {
  return db.execAndGet("SELECT COUNT(*) FROM units").getInt64();
}

}  // namespace pcs::server
