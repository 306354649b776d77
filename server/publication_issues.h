#pragma once
// Storing the monthly issues of the red/black list and bulletin (R14, T15; the drafting rules
// are in publication.h), shared by the routes (routes_publication.cpp) and the scheduler's
// monthly job (scheduler_publication.cpp):
//
//   drafting   storeDraft writes a county's issue for a month from the month's figures: title,
//              praise and criticism texts, the county's figures, the entries, and the cases
//              behind every figure of every company (bulletin_figure_cases), so each figure
//              drills down to what it counts.
//   standing   updateStandings runs when an issue is published (a correction included): each
//              company concerned gets the list_status and months_on_black_list (pcs::Company)
//              its published lists give. The ledger job reads them (R11 "long stay on the
//              black list").
//
// Standing rules. The issue of a county and month that counts is the latest published one (a
// published correction replaces the issue it corrects). A company's reference month is the
// latest month with a published issue in a county where it manages an estate or stands on a
// published list. In that month: on any county's black list -> black, with
// months_on_black_list the consecutive months, up to and including it, in each of which it
// stood on some county's black list; else on a red list -> red, 0; else none, 0. A company
// with no published issue in any of its counties keeps what it had.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "pcs/date.h"
#include "pcs/org.h"
#include "route_util.h"

namespace pcs::server {

// "2026年2月" for "2026-02" (the month as given when it is no month).
std::string monthZh(const std::string& month);
// "2026-02" for any day of February 2026.
std::string monthKey(Date day);

struct IssueRef {
  int64_t id = 0;
  std::string state;  // draft, published
};

// The county's latest issue for `month` ("YYYY-MM"), draft or published.
std::optional<IssueRef> latestIssue(SQLite::Database& db, const std::string& countyId,
                                    const std::string& month);

// Drafts the issue of `county` (an area at county level) for `month` ("YYYY-MM") and stores it
// with its entries and figure cases, audited as bulletin.draft by `userId` of `unitId`
// ("system" and "" for the scheduler). The caller holds the write transaction and has made
// sure the county has no issue for the month (bulletins_one_draft backs it for drafts).
// Returns the new issue's id; `listed` (when given) receives the number of entries.
int64_t storeDraft(SQLite::Database& tx, const OrgUnit& county, const std::string& month,
                   const std::string& userId, const std::string& unitId, int64_t now,
                   size_t* listed = nullptr);

// Copies the figure cases of issue `from` to `to` (a correction drafted from a published
// issue).
void copyFigureCases(SQLite::Database& tx, int64_t from, int64_t to);

// Writes {"complaints":[case ids],"substantiated":[...],"closed":[...],"overdue":[...],
// "surveys":[survey ids]} for one company of the issue, or for every company of it (the
// county's figures) when `companyId` is empty.
void writeFigureCases(JsonWriter& w, SQLite::Database& db, int64_t issueId,
                      const std::string& companyId);

// The standing the published lists give, from the months ("YYYY-MM") a company stood on a red
// and on a black list and its reference month (see above).
struct Standing {
  ListStatus status = ListStatus::None;
  int monthsOnBlackList = 0;
};
Standing standingFrom(const std::set<std::string>& redMonths,
                      const std::set<std::string>& blackMonths, const std::string& month);

// After an issue of `countyId` was published: recomputes the standing of every company that
// manages an estate in the county or stands in any of its issues, and stores and audits
// (company.standing, by `userId` of `unitId`) each one that changed. Running it again changes
// nothing. Returns how many changed.
int updateStandings(SQLite::Database& tx, const std::string& countyId, int64_t issueId, int64_t now,
                    const std::string& userId, const std::string& unitId);

}  // namespace pcs::server
