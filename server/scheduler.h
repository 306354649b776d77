#pragma once
// The scheduler: a thread that wakes every minute and runs the daily jobs that are due.
//
//   deadlines  each working day (CST): a "due_soon" notification for every open deadline due
//              today or on the next working day, an "overdue" one for every deadline already
//              past, addressed to the unit that owes the work (the owning property authority
//              while a case waits for dispatch, the assignment's unit after); and the same
//              ("procedure_due_soon", "procedure_overdue") for the current step of every open
//              grade review or exit procedure with a statutory limit, to the step's unit
//              (procedures.h). Nothing on a non-working day.
//   ledger     each day: the company-ledger rules (R10-R12, pcs/ledger.h) over the cases and
//              each company's latest closed satisfaction survey (surveys.h), and a proposal in
//              ledger_proposals for every rule that fires, for a person to decide; not the
//              grade-review and regrade proposals of a company with an open grade review, nor
//              the exit proposal of one with an open exit procedure (the procedure carries it).
//   weekly_report  each working day: version 1 of last week's statistics packages (reports.h)
//              for the city and every county, unless issued already; so a week's package is
//              issued on the first working day after it ends.
//   monthly_publication  each working day from the first working day of a month on: every
//              county's red/black list and bulletin for the previous month drafted as user
//              "system" (publication_issues.h), unless the county has an issue for that month
//              already, and a "bulletin_draft" notification to the county's housing authority
//              that a draft waits for review and publication by a person. A server down on the
//              first working day drafts at its next working day of the month.
//
// Every job is idempotent: a notification is unique per (unit, case, kind, day) and a proposal
// per open (company, rule), and a month's issue is drafted only where none exists, so running
// a job twice on one day adds nothing. scheduler_runs
// keeps the day each job last ran, so a restart neither repeats nor skips a day's work; a job
// interrupted by stop() is not recorded and runs again at the next start.
//
// Tests drive the jobs without the thread: set the App's clock and call runDue(now).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pcs::server {

class App;

// How often the thread wakes to look for due jobs.
inline constexpr int kSchedulerTickSeconds = 60;
// Cases read and written per transaction, so a job never holds the write lock for long.
inline constexpr int kSchedulerBatch = 200;
// A proposal a person decided (dismissed, or confirmed) is not raised again for the same
// company and rule within this many days: the decision stands for a month before the rules may
// ask again.
inline constexpr int kProposalQuietDays = 30;
// Credit ratings the credit system counts as low (信用评价等级低, R11). The demo data and the
// city's credit system rate A (best) to D; C and D are the two lower grades.
inline constexpr const char* kLowCreditRatings[] = {"C", "D"};

inline constexpr const char* kJobDeadlines = "deadlines";
inline constexpr const char* kJobLedger = "ledger";
inline constexpr const char* kJobMonthlyPublication = "monthly_publication";

// What one run of a job did (also its log line).
struct JobReport {
  std::string job;
  bool skipped = false;  // nothing to do today (a non-working day for `deadlines`)
  int64_t added = 0;     // notifications or proposals inserted
  std::string log;       // one line, as written to the server log
};

class Scheduler {
 public:
  explicit Scheduler(App& app);
  ~Scheduler();  // stops the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the thread (does nothing when it runs already). The first look for due jobs is one
  // tick after the start.
  void start();
  // Wakes the thread and waits for it; a job in progress stops at its next batch.
  void stop();

  // Runs every job not yet run on `now`'s CST date and records it in scheduler_runs. Calls
  // from several threads are serialised. Returns what each job that ran did.
  std::vector<JobReport> runDue(int64_t now);

  // The jobs themselves, run regardless of scheduler_runs (runDue records them).
  JobReport runDeadlines(int64_t now);
  JobReport runLedger(int64_t now);
  JobReport runWeeklyReport(int64_t now);
  JobReport runMonthlyPublication(int64_t now);  // in scheduler_publication.cpp

 private:
  void loop();
  void checkStopping() const;

  App& app_;
  std::mutex runMutex_;  // one runDue at a time
  std::mutex waitMutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace pcs::server
