#include "pcs/date.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "pcs/error.h"

using pcs::Date;

TEST_CASE("date: parses and prints ISO dates") {
  CHECK(Date::parse("2025-09-30")->toString() == "2025-09-30");
  CHECK(Date::parse("2024-02-29").has_value());
  CHECK_FALSE(Date::parse("2025-02-29").has_value());
  CHECK_FALSE(Date::parse("2025-9-30").has_value());
  CHECK_FALSE(Date::parse("2025-13-01").has_value());
  CHECK_FALSE(Date::parse("2025-09-30x").has_value());
  CHECK_FALSE(Date::parse("").has_value());
  CHECK_THROWS_AS(Date::fromYmd(2025, 2, 30), pcs::Error);
}

TEST_CASE("date: weekdays and day numbers") {
  CHECK(Date::fromYmd(1970, 1, 1).dayNumber() == 0);
  CHECK(Date::fromYmd(1970, 1, 1).isoWeekday() == 4);
  CHECK(Date::fromYmd(2025, 9, 30).isoWeekday() == 2);
  CHECK(Date::fromYmd(2025, 9, 28).isWeekend());
  CHECK(Date::fromYmd(1969, 12, 31).dayNumber() == -1);
  CHECK(Date::fromYmd(2000, 3, 1) - Date::fromYmd(2000, 2, 28) == 2);
  // Round-trip every day of two centuries.
  for (int32_t n = Date::fromYmd(1950, 1, 1).dayNumber(); n < Date::fromYmd(2150, 1, 1).dayNumber();
       ++n) {
    Date d = Date::fromDayNumber(n);
    REQUIRE(Date::fromYmd(d.year(), d.month(), d.day()) == d);
  }
}

TEST_CASE("date: month arithmetic clamps to the month's end") {
  CHECK(Date::fromYmd(2025, 1, 31).addMonths(1).toString() == "2025-02-28");
  CHECK(Date::fromYmd(2024, 1, 31).addMonths(1).toString() == "2024-02-29");
  CHECK(Date::fromYmd(2025, 8, 31).addMonths(-6).toString() == "2025-02-28");
  CHECK(Date::fromYmd(2024, 8, 31).addMonths(-6).toString() == "2024-02-29");
  CHECK(Date::fromYmd(2025, 12, 15).addMonths(1).toString() == "2026-01-15");
  CHECK(Date::fromYmd(2025, 1, 15).addMonths(-1).toString() == "2024-12-15");
  CHECK(Date::fromYmd(2025, 3, 31).addMonths(-12).toString() == "2024-03-31");
}

TEST_CASE("date: instants map to China Standard Time whatever the host time zone") {
  // Pretend the host is far west of China; nothing may depend on it.
  setenv("TZ", "America/Los_Angeles", 1);
  tzset();
  const int64_t utc2330 = 1759275000;  // 2025-09-30 23:30:00 UTC = 2025-10-01 07:30 CST
  CHECK(pcs::cstDate(utc2330).toString() == "2025-10-01");
  CHECK(pcs::formatCst(utc2330) == "2025-10-01 07:30");
  CHECK(pcs::cstMidnight(Date::fromYmd(2025, 10, 1)) == 1759248000);  // 2025-09-30 16:00 UTC
  CHECK(pcs::cstDate(1759248000).toString() == "2025-10-01");
  CHECK(pcs::cstDate(1759248000 - 1).toString() == "2025-09-30");
  CHECK(*pcs::parseCst("2025-10-01 07:30") == utc2330);
  CHECK(*pcs::parseCst("2025-10-01T07:30:00") == utc2330);
  CHECK_FALSE(pcs::parseCst("2025-10-01 24:00").has_value());
  unsetenv("TZ");
  tzset();
}
