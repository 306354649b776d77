// The counting conventions of R5, pinned with dates verified against the official notices.
#include "pcs/calendar.h"

#include <doctest/doctest.h>

#include "pcs/error.h"
#include "reference_fixture.h"

using pcs::Calendar;
using pcs::Date;
using pcs::DayKind;

using fixture::cal;
using fixture::D;

namespace {
std::string plus(const char* from, int n) {
  return cal().addWorkingDays(D(from), n).toString();
}
}  // namespace

TEST_CASE("calendar: National Day 2025 pushes working days past the holiday") {
  CHECK(plus("2025-09-30", 1) == "2025-10-09");
  CHECK(plus("2025-09-30", 7) == "2025-10-16");
}

TEST_CASE("calendar: every adjusted working weekend day of 2025-2026 is a working day") {
  for (const char* d :
       {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11", "2026-01-04",
        "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}) {
    CAPTURE(d);
    const pcs::DayInfo info = cal().info(D(d));
    CHECK(D(d).isWeekend());
    CHECK(info.working);
    CHECK(info.kind == DayKind::AdjustedWorkday);
    CHECK_FALSE(info.provisional);
  }
  CHECK(cal().isWorking(D("2024-02-09")));
  CHECK_FALSE(cal().isWorking(D("2025-01-28")));
  CHECK(cal().info(D("2025-01-28")).kind == DayKind::Holiday);
  CHECK(plus("2026-09-18", 1) == "2026-09-20");
}

TEST_CASE("calendar: year boundaries use the next year's notice") {
  CHECK(plus("2018-12-28", 1) == "2018-12-29");
  CHECK(plus("2025-12-29", 3) == "2026-01-04");
  CHECK(plus("2022-12-30", 1) == "2023-01-03");
}

TEST_CASE("calendar: the start day is never counted, whatever kind of day it is") {
  CHECK(plus("2025-10-04", 5) == "2025-10-14");  // a holiday Saturday
  CHECK(plus("2025-09-28", 5) == "2025-10-11");  // an adjusted working Sunday
  CHECK(plus("2025-09-30", 0) == "2025-09-30");
  CHECK_THROWS_AS(cal().addWorkingDays(D("2025-09-30"), -1), pcs::Error);
}

TEST_CASE("calendar: a year without a published notice is provisional, never an error") {
  REQUIRE_FALSE(cal().isPublished(2027));
  CHECK(plus("2026-12-24", 5) == "2026-12-31");
  CHECK_FALSE(cal().info(D("2026-12-31")).provisional);
  // 2027-01-01 is New Year's Day by statute; weekends and it are skipped.
  CHECK(plus("2026-12-24", 15) == "2027-01-15");
  CHECK(cal().info(D("2027-01-15")).provisional);
  const pcs::DayInfo ny = cal().info(D("2027-01-01"));
  CHECK(ny.kind == DayKind::Holiday);
  CHECK(ny.provisional);
  CHECK(ny.name == "元旦");
}

TEST_CASE("calendar: loading a notice merges by date and reports what changed") {
  Calendar c = Calendar::builtin();
  const pcs::DayInfo before = c.info(D("2027-02-05"));
  CHECK(before.provisional);

  // A made-up 2027 notice: listing a December 2026 day too, as real notices sometimes do.
  pcs::Arrangement a = pcs::parseArrangement(
      "arrangement 2027\n"
      "source 测试用安排\n"
      "holiday 2027-01-01 2027-01-03 元旦\n"
      "workday 2026-12-27 元旦  # a Sunday made a working day\n"
      "holiday 2027-02-05 2027-02-13 春节\n");
  std::vector<pcs::DayChange> changes = c.load(a);
  CHECK(c.isPublished(2027));
  CHECK_FALSE(c.info(D("2027-01-15")).provisional);
  CHECK(c.info(D("2026-12-27")).kind == DayKind::AdjustedWorkday);
  CHECK(c.info(D("2027-02-12")).kind == DayKind::Holiday);

  bool sawDecember = false, sawFeb12 = false;
  for (const pcs::DayChange& ch : changes) {
    if (ch.date == D("2026-12-27")) {
      sawDecember = true;
      CHECK_FALSE(ch.before.working);
      CHECK(ch.after.working);
    }
    if (ch.date == D("2027-02-12")) sawFeb12 = ch.before.working && !ch.after.working;
  }
  CHECK(sawDecember);
  CHECK(sawFeb12);

  // An amended notice replaces the first one's entries, and only what differs is reported.
  pcs::Arrangement amended = pcs::parseArrangement(
      "arrangement 2027\nholiday 2027-01-01 2027-01-03 元旦\nholiday 2027-02-05 2027-02-12 春节\n");
  changes = c.load(amended);
  CHECK(c.info(D("2026-12-27")).kind == DayKind::Weekend);
  CHECK(c.info(D("2027-02-13")).kind == DayKind::Weekend);
  CHECK(changes.size() == 2);
}

TEST_CASE("calendar: malformed arrangements are refused with the line that is wrong") {
  auto message = [](const char* text) {
    try {
      pcs::parseArrangement(text);
    } catch (const pcs::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message("holiday 2025-01-01 元旦\n").find("line 1") != std::string::npos);
  CHECK(message("arrangement 2025\nholiday 2025-02-30 春节\n").find("line 2") != std::string::npos);
  CHECK(message("arrangement 2025\nholiday 2025-01-05 2025-01-01 错\n").find("ends before") !=
        std::string::npos);
  CHECK(message("arrangement 2025\nholiday 2025-01-01 元旦\nworkday 2025-01-01 元旦\n")
            .find("twice") != std::string::npos);
  CHECK(message("arrangement 2025\nvacation 2025-01-01 x\n").find("unknown directive") !=
        std::string::npos);
  CHECK(message("") == "arrangement file has no 'arrangement YEAR'");
}

TEST_CASE("calendar: working days between two dates, signed") {
  CHECK(cal().workingDaysBetween(D("2025-09-30"), D("2025-10-09")) == 1);
  CHECK(cal().workingDaysBetween(D("2025-10-09"), D("2025-09-30")) == -1);
  CHECK(cal().workingDaysBetween(D("2025-10-09"), D("2025-10-09")) == 0);
}
