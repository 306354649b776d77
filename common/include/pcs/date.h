#pragma once
// Civil dates and instants in China Standard Time.
//
// A Date is a wall-clock date in UTC+8 (no daylight saving), stored as a day number; it is a
// value, never an instant converted back and forth (R5). An instant is Unix seconds; the only
// bridge between the two is cstDate()/cstMidnight(), which ignore the host's time zone.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcs {

// Seconds east of UTC for China Standard Time.
inline constexpr int64_t kCstOffsetSeconds = 8 * 3600;
inline constexpr int64_t kSecondsPerDay = 86400;

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date fromDayNumber(int32_t days) { return Date(days); }
  // Throws pcs::Error(InvalidInput) when the fields do not name a real date.
  static Date fromYmd(int year, int month, int day);
  // Parses "YYYY-MM-DD" exactly; nullopt on anything else (including 2025-02-30).
  static std::optional<Date> parse(std::string_view text);

  // Days since 1970-01-01.
  constexpr int32_t dayNumber() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int isoWeekday() const;
  bool isWeekend() const { return isoWeekday() >= 6; }

  Date addDays(int32_t n) const { return Date(days_ + n); }
  // Same day n months later; a day past the month's end is clamped (01-31 + 1 = 02-28/29).
  Date addMonths(int n) const;
  static int daysInMonth(int year, int month);

  std::string toString() const;  // "YYYY-MM-DD"

  friend constexpr bool operator==(Date a, Date b) { return a.days_ == b.days_; }
  friend constexpr auto operator<=>(Date a, Date b) { return a.days_ <=> b.days_; }
  friend constexpr int32_t operator-(Date a, Date b) { return a.days_ - b.days_; }

 private:
  constexpr explicit Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

// The CST calendar date of a Unix instant.
Date cstDate(int64_t unixSeconds);
// The Unix instant of 00:00 CST on `d`.
int64_t cstMidnight(Date d);
// "YYYY-MM-DD HH:MM" in CST.
std::string formatCst(int64_t unixSeconds);
// Parses "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]" as CST wall-clock time.
std::optional<int64_t> parseCst(std::string_view text);

// Chinese weekday name: 星期一 ... 星期日.
const char* weekdayNameZh(int isoWeekday);

}  // namespace pcs
