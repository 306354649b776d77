#pragma once
// The demo city generator (issue #6): a made-up prefecture-level city, 云川市, with its
// organisation, estates, companies and accounts, and complaints worked through the real
// workflow (pcs::registerCase / pcs::apply at backdated times), so every case carries the event
// history a real one would. The server loads it on its first start (server/demo.cpp); the
// `pcs-demo-city` tool prints what a seed produces.
//
// Deterministic: the same seed and clock give byte-identical data on every machine (the
// generator uses its own random numbers, never std:: distributions, whose output differs
// between standard libraries). Names, phrases and the areas are data in tools/demo_city/data,
// compiled in. Every name is made up; phone numbers are 1550000xxxx (see complainants).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pcs/calendar.h"
#include "pcs/case.h"
#include "pcs/catalogue.h"
#include "pcs/deadline.h"
#include "pcs/ledger.h"
#include "pcs/org.h"
#include "pcs/org_builder.h"
#include "pcs/workflow.h"

namespace pcs::demo {

struct DemoUser {
  std::string login;
  std::string displayName;
  std::string unitId;
  std::vector<Role> roles;
};

// The demo city: the same on every call (it depends on the data files only, not on a seed).
struct City {
  AreaSpec areas;                         // city -> counties -> streets -> communities
  OrgTree org;                            // buildStandardOrg(areas)
  std::vector<std::string> districts;     // county-level ids that are districts (区)
  std::vector<std::string> counties;      // county-level ids that are counties (县)
  std::map<std::string, int> population;  // county-level id -> people (10,000s), for volumes
  std::vector<Company> companies;         // co-1 ... (co-1..co-8 as the first demo had them)
  std::vector<Estate> estates;            // e-1 ... (e-1..e-16 as the first demo had them)
  std::vector<DemoUser> users;            // every account, logins stable
  // The latest grade-review survey (T10) of some companies, as the county housing authority
  // would have recorded it; the system has no table for surveys yet, so only the summary uses
  // it (for R11 regrade and R12 exit).
  std::map<std::string, SurveyResult> surveys;
  std::map<std::string, size_t> userIndex;  // login -> position in `users`

  const DemoUser& user(const std::string& login) const;   // throws pcs::Error(NotFound)
  const std::vector<std::string> countyLevelIds() const;  // districts and counties, by id
};

const City& demoCity();

struct CaseOptions {
  int cases = 20000;  // how many complaints
  unsigned seed = 1;  // same seed and clock, same cases
  int64_t now = 0;    // the clock: complaints arrive in the `months` before it
  int months = 18;
};

// The reference data the workflow runs on.
struct WorkflowData {
  const OrgTree& org;
  const Calendar& calendar;
  const RuleSet& rules;
  const Catalogue& catalogue;
};

// Generates the complaints in the order they were registered and hands each, finished, to
// `sink`. Case ids are "YYYY-NNNNNN", numbered from 1 per year of registration in that order,
// as an empty database numbers them. Events name accounts by `userIdOf(login)` (the login
// itself when empty). A generated step the workflow refuses is a bug of the generator: it
// throws pcs::Error naming the case.
void generateCases(const City& city, const WorkflowData& data, const CaseOptions& options,
                   const std::function<void(Case&&)>& sink,
                   const std::function<std::string(const std::string&)>& userIdOf = {});

// What a seed produced, for the CLI and the tests.
struct Summary {
  int cases = 0;
  std::map<std::string, int> perCounty;  // county id -> cases
  std::map<std::string, int> perState;   // caseStateKey -> cases
  std::map<std::string, int> perEntry;   // catalogue code -> cases naming it
  std::map<std::string, int> perChannel;
  int urgent = 0, major = 0;
  int lateDispatch = 0;  // dispatched after T1 (or T2 for urgent cases)
  int lateResolve = 0;   // an assignment resolved after its due date
  int overdueOpen = 0;   // open now with a due date already past
  int returned = 0;      // cases with at least one returned assignment
  int rejected = 0;      // cases whose review was rejected at least once
  int reopened = 0;
  int open = 0;           // not closed
  int substantiated = 0;  // cases found substantiated
  int maxEventsInCase = 0;
  // Companies over each threshold (R10, R11 count, R11 any cause, R12 count, R12 with survey).
  std::vector<std::string> keySupervision, gradeReviewCount, gradeReviewAny, exitCount, exit;
  uint64_t hash = 0;  // FNV-1a over every generated record (city and cases)
};

// Accumulates cases one at a time (so 20,000 need not be held) and builds the summary.
class SummaryBuilder {
 public:
  // `now`: the clock the cases were generated for (overdue and the ledger windows count to it).
  SummaryBuilder(const City& city, int64_t now);
  void add(const Case& c);
  Summary finish() const;

 private:
  const City& city_;
  int64_t now_;
  Summary s_;
  uint64_t hash_;
  std::vector<LedgerComplaint> ledger_;
};

// FNV-1a 64 of the canonical text of a case, continuing from `h`.
uint64_t hashCase(const Case& c, uint64_t h);
// Human-readable summary (Chinese labels), as pcs-demo-city prints it.
std::string formatSummary(const Summary& s, const City& city, const Catalogue& catalogue);

// The embedded data file `name` (e.g. "complaints.txt"); throws pcs::Error(NotFound).
std::string_view dataFile(std::string_view name);

}  // namespace pcs::demo
