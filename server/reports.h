#pragma once
// The weekly statistics package for the discipline commission (R13, T14).
//
// A package covers one week, Monday 00:00 to the next Monday 00:00 Beijing time, half-open, for
// a scope: the whole city ("city") or one county. It is computed from the stored cases and their
// event histories as they stood at the week's end: only events before the end count, so the
// same week computes to the same figures whenever it is asked (docs/reports.md defines every
// figure). Deadlines are counted on the calendar and rules loaded at computation time.
//
// An issued package is frozen: stored as the JSON it was issued with and never changed (triggers
// refuse UPDATE and DELETE). Issuing the same week and scope again (a correction) adds the next
// version; earlier versions stay readable. The scheduler issues version 1 of the last week at
// the first working day after the week ends (issueDueWeeklyPackages).
//
// Files: reports.cpp (the figures), reports_store.cpp (issue, list, load, the scheduler job),
// reports_render.cpp (the printable HTML page and the .xlsx workbook, both from the stored JSON).

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "pcs/date.h"

namespace pcs::server {

// A unit is ranked on a rate only with at least this many cases (or assignments) behind the rate
// in the week; below it the unit is listed as 样本不足，不排名.
inline constexpr int kMinRankVolume = 10;
// Hot spots listed per kind (catalogue entry, estate, company).
inline constexpr int kHotSpotLimit = 10;
// The scope of the whole city; any other scope is a county's unit id.
inline constexpr const char* kCityScope = "city";
// The scheduler's job name (scheduler_runs).
inline constexpr const char* kJobWeeklyReport = "weekly_report";

// The Monday of a week asked for: "YYYY-MM-DD", a Monday, and a week that has ended by `now`
// (its last second is before `now`). Throws pcs::Error(InvalidInput) saying which it is not.
Date parseReportWeek(const std::string& text, int64_t now);

// Throws pcs::Error(InvalidInput) unless `scope` is "city" or the id of a county area.
void checkReportScope(const std::string& scope, const OrgTree& org);

// The Monday of the last week that has ended by `now` (the week before `now`'s week).
Date lastCompletedWeek(int64_t now);

// The package's JSON (see docs/reports.md for its shape), computed from one read snapshot of
// `db` as of the week's end. `computedAt` is only written into the package.
std::string computeWeeklyReport(SQLite::Database& db, const Reference& ref, Date monday,
                                const std::string& scope, int64_t computedAt);

// One stored version of a package.
struct PackageMeta {
  int64_t id = 0;
  std::string week;  // the Monday, YYYY-MM-DD
  std::string scope;
  int version = 0;  // 1, 2, ... per week and scope
  int64_t issuedAt = 0;
  std::string issuedBy;  // a user id, or "system" for the scheduler
  std::string issuedByUnit;
  std::string reason;  // why a correction was issued; empty for version 1
};

struct StoredPackage {
  PackageMeta meta;
  std::string data;  // the JSON of computeWeeklyReport, as issued
};

// Computes and stores the next version of the package. Version 1 needs no reason; a later
// version (a correction) needs one (pcs::Error(InvalidInput) otherwise). With `onlyIfNone`, stores
// nothing and returns nullopt when some version exists already (the scheduler's first issue).
// Audited as report.issue in the same transaction.
std::optional<PackageMeta> issueWeeklyPackage(App& app, Date monday, const std::string& scope,
                                              const std::string& userId, const std::string& unitId,
                                              const std::string& reason, bool onlyIfNone = false);

// Stored versions, newest week first, then scope, then version. `scope` empty: every scope.
std::vector<PackageMeta> listPackages(SQLite::Database& db, const std::string& scope, int limit);

// One version (0: the latest) of a week's package, or nullopt.
std::optional<StoredPackage> loadPackage(SQLite::Database& db, const std::string& week,
                                         const std::string& scope, int version);

// The scheduler's weekly job: on a working day, issues version 1 of the last completed week for
// the city and for every county that has none yet. Returns how many packages it issued; on a
// non-working day returns -1 and issues nothing (the first working day after issues).
int issueDueWeeklyPackages(App& app, int64_t now);

// A printable page (Chinese, print CSS) of a stored package.
std::string weeklyPackageHtml(const StoredPackage& p);
// The package as an .xlsx workbook, built in `path` (removed again) and returned as bytes.
// Throws pcs::Error(Unavailable) when the file cannot be written.
std::string weeklyPackageXlsx(const StoredPackage& p, const std::string& path);

}  // namespace pcs::server
