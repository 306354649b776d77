#include "pcs/deadline.h"

#include <doctest/doctest.h>

#include "pcs/error.h"
#include "reference_fixture.h"

using pcs::Calendar;
using pcs::Date;
using pcs::RuleSet;

using fixture::cal;
using fixture::D;
using fixture::rules;

namespace {
pcs::Deadline due(const char* rule, const char* from, std::vector<pcs::Suspension> s = {}) {
  return pcs::computeDeadline(rules().get(rule), D(from), cal(), s);
}
}  // namespace

TEST_CASE("deadline: the shipped rules are T1 to T15 with the notice's units") {
  REQUIRE(rules().rules().size() == 15);
  for (int i = 1; i <= 15; ++i) CHECK(rules().find("T" + std::to_string(i)) != nullptr);
  CHECK(rules().get("T1").unit == pcs::RuleUnit::WorkingDays);
  CHECK(rules().get("T1").amount == 7);
  CHECK(rules().get("T3").unit == pcs::RuleUnit::Days);
  CHECK(rules().get("T4").unit == pcs::RuleUnit::Months);
  CHECK(rules().get("T7").unit == pcs::RuleUnit::WorkingDays);
  CHECK(rules().get("T7").amount == 15);
  CHECK(rules().get("T8").amount == 90);
  CHECK(rules().get("T9").amount == 30);
  CHECK(rules().get("T2").unit == pcs::RuleUnit::Hours);
  CHECK(rules().get("T6").recurrence == pcs::Recurrence::Monthly);
  CHECK(rules().get("T14").recurrence == pcs::Recurrence::Weekly);
}

TEST_CASE("deadline: working-day rule counts on the official calendar and explains itself") {
  pcs::Deadline d = due("T1", "2025-09-30");
  CHECK(d.due.toString() == "2025-10-16");
  CHECK_FALSE(d.provisional);
  CHECK(d.explanation.find("起算日不计入") != std::string::npos);
  CHECK(d.explanation.find("10-01至10-08") != std::string::npos);
  CHECK(d.explanation.find("10-11（") != std::string::npos);  // the adjusted Saturday counted
  CHECK(d.explanation.find("2025-10-16") != std::string::npos);
}

TEST_CASE("deadline: a calendar-day limit ending on a day off moves to the next working day") {
  // 2025-09-30 + 7 days = 2025-10-07, inside the National Day holiday -> 2025-10-09.
  pcs::Deadline d = due("T3", "2025-09-30");
  CHECK(d.due.toString() == "2025-10-09");
  CHECK(d.explanation.find("顺延") != std::string::npos);
  // 2025-03-03 (Mon) + 7 = 2025-03-10 (Mon), a working day: unchanged.
  CHECK(due("T3", "2025-03-03").due.toString() == "2025-03-10");
  // Ends on a Saturday -> Monday.
  CHECK(due("T3", "2025-03-08").due.toString() == "2025-03-17");
}

TEST_CASE("deadline: month limits keep the day number or take the month's end") {
  CHECK(due("T4", "2025-03-14").due.toString() == "2025-04-14");
  // 2025-01-31 + 1 month = 2025-02-28 (Friday, working).
  pcs::Deadline d = due("T4", "2025-01-31");
  CHECK(d.due.toString() == "2025-02-28");
  CHECK(d.explanation.find("取月末") != std::string::npos);
  // 2025-08-31 + 1 month = 2025-09-30 (Tuesday).
  CHECK(due("T4", "2025-08-31").due.toString() == "2025-09-30");
  // 2025-09-01 + 1 month = 2025-10-01, National Day -> 2025-10-09.
  CHECK(due("T4", "2025-09-01").due.toString() == "2025-10-09");
}

TEST_CASE("deadline: suspended days do not count, in the rule's own unit") {
  // T1 from 2025-03-03 (Mon): plain due 2025-03-12. Suspend Tue 03-04 .. Thu 03-06 (3 working
  // days, [03-04, 03-07)) -> 2025-03-17.
  CHECK(due("T1", "2025-03-03").due.toString() == "2025-03-12");
  pcs::Deadline w = due("T1", "2025-03-03", {{D("2025-03-04"), D("2025-03-07")}});
  CHECK(w.due.toString() == "2025-03-17");
  CHECK(w.explanation.find("暂停") != std::string::npos);
  // A suspension over a weekend costs no working days.
  CHECK(due("T1", "2025-03-03", {{D("2025-03-08"), D("2025-03-10")}}).due.toString() ==
        "2025-03-12");
  // T3 (7 days) from 2025-03-03 with 2 calendar days suspended: 03-12 (Wed).
  CHECK(due("T3", "2025-03-03", {{D("2025-03-05"), D("2025-03-07")}}).due.toString() ==
        "2025-03-12");
  // T4 (1 month) from 2025-03-03 with 5 days suspended: 04-03 + 5 = 04-08 (Tue).
  CHECK(due("T4", "2025-03-03", {{D("2025-03-10"), D("2025-03-15")}}).due.toString() ==
        "2025-04-08");
}

TEST_CASE("deadline: dates in an unpublished year are provisional and say so") {
  pcs::Deadline d = due("T1", "2026-12-24");
  CHECK(d.due.toString() == "2027-01-05");
  CHECK(d.provisional);
  CHECK(d.explanation.find("尚未公布") != std::string::npos);
  CHECK_FALSE(due("T1", "2026-12-01").provisional);
}

TEST_CASE("deadline: penalty clocks T7, T8 and the T9 extension") {
  CHECK(due("T7", "2025-09-30").due.toString() == "2025-10-28");
  // 2025-03-03 + 90 days = 2025-06-01 (Sunday) -> the Dragon Boat holiday ends 06-02 -> 06-03.
  CHECK(due("T8", "2025-03-03").due.toString() == "2025-06-03");
  // T9 counts 30 days from the end of T8.
  CHECK(due("T9", "2025-06-03").due.toString() == "2025-07-03");
}

TEST_CASE("deadline: days left and days late") {
  pcs::Deadline d = due("T1", "2025-09-30");  // due 2025-10-16 (Thursday)
  CHECK(pcs::daysLeft(d, D("2025-10-09"), cal()) == 6);
  CHECK(pcs::daysLeft(d, D("2025-10-16"), cal()) == 0);
  CHECK(pcs::daysLeft(d, D("2025-10-17"), cal()) == -1);
  CHECK(pcs::daysLeft(d, D("2025-10-20"), cal()) == -2);
  CHECK(pcs::describeDaysLeft(d, D("2025-10-20"), cal()) == "逾期2个工作日");
  CHECK(pcs::describeDaysLeft(d, D("2025-10-16"), cal()) == "今日到期");
  // Due on a Friday, looked at on Saturday: late, not "due today".
  pcs::Deadline fri = due("T1", "2025-03-05");  // due 2025-03-14 (Friday)
  REQUIRE(fri.due.toString() == "2025-03-14");
  CHECK(pcs::daysLeft(fri, D("2025-03-15"), cal()) == -1);
  pcs::Deadline cd = due("T3", "2025-03-03");  // due 2025-03-10
  CHECK(pcs::describeDaysLeft(cd, D("2025-03-08"), cal()) == "剩余2日");
}

TEST_CASE("deadline: urgent rule counts hours from the instant of registration") {
  const int64_t registered = 1759275000;
  CHECK(pcs::computeDueInstant(rules().get("T2"), registered) == registered + 2 * 3600);
  CHECK_THROWS_AS(pcs::computeDueInstant(rules().get("T1"), registered), pcs::Error);
}

TEST_CASE("deadline: rules are data; malformed rule files are refused by line") {
  RuleSet custom = RuleSet::parse("rule T1 working_days 5 once 分转 | 登记之日\n");
  CHECK(custom.get("T1").amount == 5);
  custom.setAmount("T1", 3);
  CHECK(custom.get("T1").amount == 3);
  CHECK_THROWS_AS(custom.setAmount("T1", 0), pcs::Error);
  CHECK_THROWS_AS(custom.get("T99"), pcs::Error);
  CHECK_THROWS_WITH_AS(RuleSet::parse("rule T1 weeks 5 once x | y\n"), doctest::Contains("line 1"),
                       pcs::Error);
  CHECK_THROWS_WITH_AS(RuleSet::parse("\nrule T1 days 5 once x y\n"), doctest::Contains("line 2"),
                       pcs::Error);
  CHECK_THROWS_AS(RuleSet::parse("rule T1 days 5 once a | b\nrule T1 days 6 once a | b\n"),
                  pcs::Error);
}
