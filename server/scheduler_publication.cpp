// The scheduler's monthly_publication job (scheduler.h, T15): drafts every county's red/black
// list and bulletin for the previous month and tells the county's housing authority that a
// draft waits; publishing stays with a person (routes_publication.cpp).
#include <SQLiteCpp/Statement.h>

#include "app.h"
#include "publication_issues.h"
#include "scheduler.h"

namespace pcs::server {

namespace {

// The first working day of the month `today` lies in.
Date firstWorkingDay(const Calendar& cal, Date today) {
  Date d = Date::fromYmd(today.year(), today.month(), 1);
  while (!cal.isWorking(d)) d = d.addDays(1);
  return d;
}

}  // namespace

JobReport Scheduler::runMonthlyPublication(int64_t now) {
  JobReport report;
  report.job = kJobMonthlyPublication;
  const Date today = cstDate(now);
  const auto ref = app_.reference();
  const Date start = firstWorkingDay(ref->calendar, today);
  const std::string month = monthKey(Date::fromYmd(today.year(), today.month(), 1).addMonths(-1));
  if (!ref->calendar.isWorking(today) || today < start) {
    report.skipped = true;
    report.log = "monthly_publication " + today.toString() + ": " +
                 (today < start ? "before the month's first working day (" + start.toString() + ")"
                                : std::string("not a working day")) +
                 ", nothing drafted";
    return report;
  }

  // One county per transaction; a county with an issue for the month (drafted by a person, or
  // by an earlier run) is left alone.
  std::string drafted;
  for (const OrgUnit* county : ref->org.all()) {
    if (county->kind != UnitKind::Area || county->level != OrgLevel::County || !county->active)
      continue;
    checkStopping();
    app_.db().write([&](SQLite::Database& tx) {
      if (latestIssue(tx, county->id, month)) return;
      size_t listed = 0;
      const int64_t id = storeDraft(tx, *county, month, "system", "", now, &listed);
      if (const OrgUnit* housing = ref->org.handlerUnit(county->id, Handler::Housing)) {
        SQLite::Statement note(tx,
                               "INSERT OR IGNORE INTO notifications(at, unit_id, case_id, kind, "
                               "text) VALUES(?, ?, NULL, 'bulletin_draft', ?)");
        note.bind(1, cstMidnight(today));
        note.bind(2, housing->id);
        note.bind(3, county->name + monthZh(month) + "红黑榜及通报草稿（第" + std::to_string(id) +
                         "期，" + std::to_string(listed) +
                         "家企业入榜）已由系统起草，请审核后发布");
        note.exec();
      }
      ++report.added;
      drafted += (drafted.empty() ? "" : ", ") + county->id + " #" + std::to_string(id);
    });
  }

  report.log = "monthly_publication " + today.toString() + ": month " + month + ", " +
               std::to_string(report.added) + " draft(s)" +
               (drafted.empty() ? "" : " (" + drafted + ")");
  return report;
}

}  // namespace pcs::server
