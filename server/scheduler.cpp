// The scheduler's thread, its bookkeeping in scheduler_runs, and the daily jobs.
//
// Sections: thread | runDue | deadlines | ledger | weekly report
#include "scheduler.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>

#include "app.h"
#include "audit.h"
#include "case_store.h"
#include "log.h"
#include "pcs/ledger.h"
#include "pcs/serialize.h"
#include "procedures.h"
#include "reference_store.h"
#include "reports.h"
#include "surveys.h"

namespace pcs::server {

namespace {

// Thrown between batches once stop() was called; the job is then not recorded as run.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("the scheduler is stopping") {}
};

std::optional<int64_t> lastRunAt(Database& db, const char* job) {
  SQLite::Statement st(db.reader(), "SELECT last_run_at FROM scheduler_runs WHERE job = ?");
  st.bind(1, job);
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getInt64();
}

void recordRun(Database& db, const char* job, int64_t now) {
  db.write([&](SQLite::Database& tx) {
    SQLite::Statement st(tx,
                         "INSERT INTO scheduler_runs(job, last_run_at) VALUES(?, ?) "
                         "ON CONFLICT(job) DO UPDATE SET last_run_at = excluded.last_run_at");
    st.bind(1, job);
    st.bind(2, now);
    st.exec();
  });
}

}  // namespace

// ---- thread ---------------------------------------------------------------------------------

Scheduler::Scheduler(App& app) : app_(app) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::start() {
  std::lock_guard<std::mutex> lock(waitMutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(waitMutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Scheduler::loop() {
  std::unique_lock<std::mutex> lock(waitMutex_);
  for (;;) {
    if (wake_.wait_for(lock, std::chrono::seconds(kSchedulerTickSeconds),
                       [this] { return stopping_.load(); }))
      return;
    lock.unlock();
    try {
      runDue(app_.now());
    } catch (const std::exception& e) {
      logError("scheduler", e.what());
    }
    lock.lock();
  }
}

void Scheduler::checkStopping() const {
  if (stopping_) throw Interrupted();
}

// ---- runDue ---------------------------------------------------------------------------------

std::vector<JobReport> Scheduler::runDue(int64_t now) {
  std::lock_guard<std::mutex> lock(runMutex_);
  std::vector<JobReport> done;
  const Date today = cstDate(now);
  for (const char* job : {kJobDeadlines, kJobLedger, kJobWeeklyReport, kJobMonthlyPublication}) {
    // Once per CST date. A clock set back (tests travel in time) runs the job again for that
    // date, which adds nothing that is already there.
    const std::optional<int64_t> last = lastRunAt(app_.db(), job);
    if (last && cstDate(*last) == today) continue;
    try {
      const std::string name = job;
      JobReport r = name == kJobDeadlines            ? runDeadlines(now)
                    : name == kJobLedger             ? runLedger(now)
                    : name == kJobMonthlyPublication ? runMonthlyPublication(now)
                                                     : runWeeklyReport(now);
      recordRun(app_.db(), job, now);
      logInfo("scheduler", r.log);
      done.push_back(std::move(r));
    } catch (const Interrupted&) {
      logInfo("scheduler", std::string(job) + ": interrupted by shutdown; runs again at start");
      break;
    } catch (const std::exception& e) {
      // Not recorded, so the next tick tries again.
      logError("scheduler", std::string(job) + " failed: " + e.what());
    }
  }
  return done;
}

// ---- deadlines ------------------------------------------------------------------------------

namespace {

// One open deadline of a case and the unit that owes the work for it.
struct Owed {
  std::string unitId;
  Date due;
  int assignmentId = 0;  // 0: the dispatch deadline (T1/T2) of the owning authority
};

// Every open deadline of `c` by the unit that owes it: the owning property authority's dispatch
// deadline while the case waits for dispatch, and each live assignment's earliest open
// deadline. Earliest first.
std::vector<Owed> owedDeadlines(const Case& c) {
  std::vector<Owed> out;
  if (c.state == CaseState::Closed || c.state == CaseState::Merged) return out;
  if (c.state == CaseState::Registered && !c.dispatchDue.ruleId.empty())
    out.push_back({c.ownerUnitId, c.dispatchDue.due, 0});
  for (const Assignment& a : c.assignments) {
    // CaseStore::nextDue holds the rule for which of an assignment's deadlines still run (the
    // same rule the overdue filter uses); ask it about a case holding this assignment alone.
    Case one;
    one.state = CaseState::InProgress;
    one.assignments = {a};
    if (const std::optional<int32_t> due = CaseStore::nextDue(one))
      out.push_back({a.unitId, Date::fromDayNumber(*due), a.id});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Owed& x, const Owed& y) { return x.due < y.due; });
  return out;
}

std::string whatZh(const std::string& caseId, const Owed& o) {
  return "案件" + caseId +
         (o.assignmentId == 0 ? "（分转）" : "（承办" + std::to_string(o.assignmentId) + "）");
}

}  // namespace

JobReport Scheduler::runDeadlines(int64_t now) {
  JobReport report;
  report.job = kJobDeadlines;
  const Date today = cstDate(now);
  const auto ref = app_.reference();
  const Calendar& cal = ref->calendar;
  const DayInfo day = cal.info(today);
  if (!day.working) {
    report.skipped = true;
    report.log = std::string("deadlines ") + today.toString() + ": not a working day (" +
                 dayKindKey(day.kind) + (day.name.empty() ? "" : " " + day.name) +
                 "), no reminders raised";
    return report;
  }
  // Due soon: due today or on the next working day.
  const Date soonUntil = cal.addWorkingDays(today, 1);
  // One row per (unit, case, kind, day): the day's CST midnight is the key's `at`.
  const int64_t at = cstMidnight(today);
  Visibility everything;
  everything.all = true;

  // Raises both kinds for every deadline of the case that qualifies; a row that exists already
  // is left alone (notifications_once).
  auto raise = [&](SQLite::Database& tx, const Case& c) {
    SQLite::Statement ins(tx,
                          "INSERT OR IGNORE INTO notifications(at, unit_id, case_id, kind, text) "
                          "VALUES(?, ?, ?, ?, ?)");
    for (const Owed& o : owedDeadlines(c)) {
      const bool overdue = o.due < today;
      if (!overdue && o.due > soonUntil) continue;
      const int left = workingDaysLeft(o.due, today, cal);
      std::string text = whatZh(c.id, o);
      if (overdue)
        text += left < 0
                    ? "已逾期" + std::to_string(-left) + "个工作日（期限" + o.due.toString() + "）"
                    : "已逾期（期限" + o.due.toString() + "）";
      else
        text += left <= 0 ? "今日到期" : "将于" + o.due.toString() + "到期（剩余1个工作日）";
      ins.reset();
      ins.bind(1, at);
      ins.bind(2, o.unitId);
      ins.bind(3, c.id);
      ins.bind(4, overdue ? "overdue" : "due_soon");
      ins.bind(5, text);
      report.added += ins.exec();
    }
  };

  // Walks the cases of `f` in due order, a page per write transaction, until a case's next
  // deadline lies after `lastDay` (when given) or the list ends.
  auto walk = [&](CaseFilter f, std::optional<Date> lastDay) {
    f.order = "due";
    f.limit = kSchedulerBatch;
    for (;;) {
      checkStopping();
      const CasePage page = CaseStore::list(app_.db().reader(), f, everything, today);
      std::vector<std::string> ids;
      bool past = false;
      for (const CaseSummary& s : page.items) {
        if (lastDay && (!s.nextDue || *s.nextDue > lastDay->dayNumber())) {
          past = true;
          break;
        }
        ids.push_back(s.id);
      }
      if (!ids.empty())
        app_.db().write([&](SQLite::Database& tx) {
          for (const std::string& id : ids)
            if (const auto stored = CaseStore::load(tx, id)) raise(tx, stored->value);
        });
      if (past || page.nextCursor.empty()) return;
      f.cursor = page.nextCursor;
    }
  };

  CaseFilter overdue;
  overdue.overdue = true;
  walk(overdue, std::nullopt);
  CaseFilter soon;
  soon.open = true;
  soon.overdue = false;
  walk(soon, soonUntil);

  // The current step of every open procedure (grade review, exit) with a statutory due date.
  app_.db().write([&](SQLite::Database& tx) {
    report.added += raiseProcedureReminders(tx, *ref, today, soonUntil);
  });

  report.log = std::string("deadlines ") + today.toString() + ": " + std::to_string(report.added) +
               " reminder(s) raised";
  return report;
}

// ---- ledger ---------------------------------------------------------------------------------

namespace {

CompanyStanding standingOf(SQLite::Database& db, const std::string& companyId) {
  CompanyStanding s;
  const std::optional<Company> c = ReferenceStore::company(db, companyId);
  if (!c) return s;
  s.creditRating = c->creditRating;
  for (const char* low : kLowCreditRatings) s.lowCredit |= c->creditRating == low;
  // The count is of consecutive lists up to now: a company off the black list has none.
  s.monthsOnBlackList = c->listStatus == ListStatus::Black ? c->monthsOnBlackList : 0;
  return s;
}

}  // namespace

JobReport Scheduler::runLedger(int64_t now) {
  JobReport report;
  report.job = kJobLedger;
  const Date end = windowEndFor(now);
  const LedgerThresholds t;
  // Read only what the longest window can count.
  const int months = std::max({t.keySupervisionMonths, t.gradeReviewMonths, t.exitMonths});
  const int64_t since = t.keySupervisionMonths <= 0 ? 0 : trailingWindow(end, months).startAt();

  // One company at a time: the cases come ordered by company, so memory holds one company's
  // complaints, not the table.
  std::vector<LedgerProposal> proposals;
  int companies = 0;
  {
    SQLite::Database& db = app_.db().reader();
    SQLite::Statement st(db,
                         "SELECT id, company_id, complainant_key, received_at, substantiated "
                         "FROM cases WHERE company_id IS NOT NULL AND company_id <> '' "
                         "AND received_at >= ? AND received_at < ? "
                         "ORDER BY company_id, received_at, id");
    st.bind(1, since);
    st.bind(2, cstMidnight(end));
    std::vector<LedgerComplaint> group;
    std::set<std::string> evaluated;
    auto evaluate = [&] {
      if (group.empty()) return;
      ++companies;
      const std::string companyId = group.front().companyId;
      evaluated.insert(companyId);
      // The latest closed satisfaction survey (surveys.h) feeds the regrade and exit rules.
      for (LedgerProposal& p :
           evaluateCompany(group, companyId, end, standingOf(db, companyId),
                           latestSurveyResult(db, companyId, cstMidnight(end), t.exitMonths), t))
        proposals.push_back(std::move(p));
      group.clear();
    };
    while (st.executeStep()) {
      LedgerComplaint c;
      c.caseId = st.getColumn(0).getString();
      c.companyId = st.getColumn(1).getString();
      c.complainantKey = st.getColumn(2).isNull() ? "" : st.getColumn(2).getString();
      c.receivedAt = st.getColumn(3).getInt64();
      if (!st.getColumn(4).isNull()) c.substantiated = st.getColumn(4).getInt() != 0;
      if (!group.empty() && group.front().companyId != c.companyId) {
        checkStopping();
        evaluate();
      }
      group.push_back(std::move(c));
    }
    evaluate();
    // A company surveyed in the exit window but without complaints in it: the survey alone can
    // still call for a regrade.
    for (const std::string& companyId : companiesWithClosedSurveys(
             db, trailingWindow(end, t.exitMonths).startAt(), cstMidnight(end))) {
      if (evaluated.count(companyId)) continue;
      ++companies;
      for (LedgerProposal& p :
           evaluateCompany({}, companyId, end, standingOf(db, companyId),
                           latestSurveyResult(db, companyId, cstMidnight(end), t.exitMonths), t))
        proposals.push_back(std::move(p));
    }
  }

  // A person decided this company and rule recently: leave it until the quiet period is over.
  const int64_t quietSince = now - int64_t{kProposalQuietDays} * 86400;
  for (size_t from = 0; from < proposals.size(); from += kSchedulerBatch) {
    checkStopping();
    const size_t to = std::min(proposals.size(), from + kSchedulerBatch);
    app_.db().write([&](SQLite::Database& tx) {
      SQLite::Statement decided(tx,
                                "SELECT 1 FROM ledger_proposals WHERE company_id = ? AND rule = ? "
                                "AND state <> 'open' AND decided_at >= ? LIMIT 1");
      // At most one open proposal per company and rule (ledger_proposals_open): an open one
      // stays as it was raised first.
      SQLite::Statement ins(tx,
                            "INSERT OR IGNORE INTO ledger_proposals(company_id, rule, created_at, "
                            "evidence) VALUES(?, ?, ?, ?)");
      for (size_t i = from; i < to; ++i) {
        const LedgerProposal& p = proposals[i];
        const char* rule = ledgerRuleKey(p.rule);
        // An open procedure carries the matter already: a grade review the grade-review and
        // regrade proposals, an exit procedure the exit proposal.
        const bool carried =
            p.rule == LedgerRule::Exit
                ? ProcedureStore::companyHasOpen(tx, p.companyId, ProcedureKind::Exit)
                : (p.rule == LedgerRule::GradeReview || p.rule == LedgerRule::Regrade) &&
                      ProcedureStore::companyHasOpen(tx, p.companyId, ProcedureKind::GradeReview);
        if (carried) continue;
        decided.reset();
        decided.bind(1, p.companyId);
        decided.bind(2, rule);
        decided.bind(3, quietSince);
        if (decided.executeStep()) continue;
        ins.reset();
        ins.bind(1, p.companyId);
        ins.bind(2, rule);
        ins.bind(3, now);
        // Stored as shown: no complainant's number or name in the evidence (R18).
        LedgerProposal shown = p;
        maskComplainantKeys(shown);
        ins.bind(4, toJsonString(shown, "proposal"));
        if (ins.exec() == 0) continue;
        ++report.added;
        appendAudit(tx,
                    {now, "system", "", "ledger.propose", "company:" + p.companyId,
                     std::string("系统提议：") + ledgerRuleZh(p.rule) + "。" + p.explanationZh});
      }
    });
  }

  report.log = "ledger " + cstDate(now).toString() + ": " + std::to_string(companies) +
               " compan(ies) evaluated, " + std::to_string(proposals.size()) + " rule(s) fired, " +
               std::to_string(report.added) + " new proposal(s)";
  return report;
}

// ---- weekly report --------------------------------------------------------------------------

JobReport Scheduler::runWeeklyReport(int64_t now) {
  JobReport report;
  report.job = kJobWeeklyReport;
  const int issued = issueDueWeeklyPackages(app_, now);
  const std::string week = lastCompletedWeek(now).toString();
  report.skipped = issued < 0;
  report.added = issued < 0 ? 0 : issued;
  report.log =
      "weekly_report " + cstDate(now).toString() +
      (issued < 0 ? ": not a working day, nothing issued"
                  : ": week " + week + ", " + std::to_string(issued) + " package(s) issued");
  return report;
}

}  // namespace pcs::server
