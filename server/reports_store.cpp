// Issued weekly packages (reports.h): issue a version, list and load them, and the scheduler's
// weekly job. The table report_packages refuses UPDATE and DELETE (schema.cpp, migration 3).
#include <SQLiteCpp/Statement.h>

#include "audit.h"
#include "log.h"
#include "pcs/error.h"
#include "reports.h"

namespace pcs::server {
namespace {

constexpr size_t kMaxReasonBytes = 2000;

PackageMeta metaFrom(SQLite::Statement& st) {
  PackageMeta m;
  m.id = st.getColumn(0).getInt64();
  m.week = st.getColumn(1).getString();
  m.scope = st.getColumn(2).getString();
  m.version = st.getColumn(3).getInt();
  m.issuedAt = st.getColumn(4).getInt64();
  m.issuedBy = st.getColumn(5).getString();
  m.issuedByUnit = st.getColumn(6).getString();
  m.reason = st.getColumn(7).getString();
  return m;
}

constexpr const char* kMetaColumns =
    "id, week, scope, version, issued_at, issued_by, issued_by_unit, reason";

}  // namespace

std::optional<PackageMeta> issueWeeklyPackage(App& app, Date monday, const std::string& scope,
                                              const std::string& userId, const std::string& unitId,
                                              const std::string& reason, bool onlyIfNone) {
  auto ref = app.reference();
  checkReportScope(scope, ref->org);
  if (reason.size() > kMaxReasonBytes)
    throw Error(ErrorCode::InvalidInput, "'reason' is longer than 2000 bytes");
  const int64_t now = app.now();
  const std::string week = monday.toString();

  return app.db().write([&](SQLite::Database& tx) -> std::optional<PackageMeta> {
    SQLite::Statement last(
        tx, "SELECT COALESCE(MAX(version), 0) FROM report_packages WHERE week = ? AND scope = ?");
    last.bind(1, week);
    last.bind(2, scope);
    last.executeStep();
    const int previous = last.getColumn(0).getInt();
    if (previous > 0 && onlyIfNone) return std::nullopt;
    if (previous > 0 && reason.find_first_not_of(" \t\r\n") == std::string::npos)
      throw Error(ErrorCode::InvalidInput,
                  "week " + week + " (" + scope + ") was issued already as version " +
                      std::to_string(previous) + "; a correction needs a 'reason'");

    // Computed inside the write transaction, so the figures and the version number come from
    // the same state of the database.
    const std::string data = computeWeeklyReport(tx, *ref, monday, scope, now);
    PackageMeta m;
    m.week = week;
    m.scope = scope;
    m.version = previous + 1;
    m.issuedAt = now;
    m.issuedBy = userId;
    m.issuedByUnit = unitId;
    m.reason = reason;
    SQLite::Statement ins(tx,
                          "INSERT INTO report_packages(week, scope, version, issued_at, issued_by, "
                          "issued_by_unit, reason, data) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, m.week);
    ins.bind(2, m.scope);
    ins.bind(3, m.version);
    ins.bind(4, m.issuedAt);
    ins.bind(5, m.issuedBy);
    ins.bind(6, m.issuedByUnit);
    ins.bind(7, m.reason);
    ins.bind(8, data);
    ins.exec();
    m.id = tx.getLastInsertRowid();
    appendAudit(tx, {now, userId, unitId, "report.issue", "report:" + week + ":" + scope,
                     "印发周报（" + week + "，" + scope + "）第" + std::to_string(m.version) +
                         "版" + (reason.empty() ? "" : "；更正原因：" + reason)});
    return m;
  });
}

std::vector<PackageMeta> listPackages(SQLite::Database& db, const std::string& scope, int limit) {
  SQLite::Statement st(db, std::string("SELECT ") + kMetaColumns + " FROM report_packages" +
                               (scope.empty() ? "" : " WHERE scope = ?") +
                               " ORDER BY week DESC, scope, version LIMIT ?");
  int i = 1;
  if (!scope.empty()) st.bind(i++, scope);
  st.bind(i, limit);
  std::vector<PackageMeta> out;
  while (st.executeStep()) out.push_back(metaFrom(st));
  return out;
}

std::optional<StoredPackage> loadPackage(SQLite::Database& db, const std::string& week,
                                         const std::string& scope, int version) {
  SQLite::Statement st(db, std::string("SELECT ") + kMetaColumns +
                               ", data FROM report_packages WHERE week = ? AND scope = ?" +
                               (version > 0 ? " AND version = ?" : "") +
                               " ORDER BY version DESC LIMIT 1");
  st.bind(1, week);
  st.bind(2, scope);
  if (version > 0) st.bind(3, version);
  if (!st.executeStep()) return std::nullopt;
  StoredPackage p;
  p.meta = metaFrom(st);
  p.data = st.getColumn(8).getString();
  return p;
}

int issueDueWeeklyPackages(App& app, int64_t now) {
  auto ref = app.reference();
  if (!ref->calendar.isWorking(cstDate(now))) return -1;
  const Date week = lastCompletedWeek(now);
  std::vector<std::string> scopes = {kCityScope};
  for (const OrgUnit* u : ref->org.all())
    if (u->kind == UnitKind::Area && u->level == OrgLevel::County && u->active)
      scopes.push_back(u->id);
  int issued = 0;
  for (const std::string& scope : scopes)
    if (issueWeeklyPackage(app, week, scope, "system", "", "", true)) ++issued;
  return issued;
}

}  // namespace pcs::server
