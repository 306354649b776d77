#include "pcs/date.h"

#include <cstdio>

#include "pcs/error.h"

namespace pcs {
namespace {

// Proleptic Gregorian day number <-> civil date, counting in 400-year eras that start on
// 1 March so the leap day falls at the end of a cycle.
int32_t dayNumberOf(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yearOfEra = y - era * 400;
  const int monthFromMarch = m > 2 ? m - 3 : m + 9;
  const int dayOfYear = (153 * monthFromMarch + 2) / 5 + d - 1;
  const int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

struct Ymd {
  int y, m, d;
};

Ymd civilOf(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int dayOfEra = z - era * 146097;
  const int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const int monthFromMarch = (5 * dayOfYear + 2) / 153;
  const int d = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
  const int m = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return {yearOfEra + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool isLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Reads exactly `width` ASCII digits at text[pos]; -1 otherwise.
int digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

int Date::daysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

Date Date::fromYmd(int year, int month, int day) {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 ||
      day > daysInMonth(year, month)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d is not a date", year, month, day);
    throw Error(ErrorCode::InvalidInput, buf);
  }
  return Date(dayNumberOf(year, month, day));
}

std::optional<Date> Date::parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const int y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
    return std::nullopt;
  return Date(dayNumberOf(y, m, d));
}

int Date::year() const {
  return civilOf(days_).y;
}
int Date::month() const {
  return civilOf(days_).m;
}
int Date::day() const {
  return civilOf(days_).d;
}

int Date::isoWeekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  const int r = static_cast<int>(((static_cast<int64_t>(days_) + 3) % 7 + 7) % 7);
  return r + 1;
}

Date Date::addMonths(int n) const {
  const Ymd c = civilOf(days_);
  const int total = c.y * 12 + (c.m - 1) + n;
  const int y = total / 12, m = total % 12 + 1;
  const int d = c.d > daysInMonth(y, m) ? daysInMonth(y, m) : c.d;
  return Date(dayNumberOf(y, m, d));
}

std::string Date::toString() const {
  const Ymd c = civilOf(days_);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
  return buf;
}

Date cstDate(int64_t unixSeconds) {
  return Date::fromDayNumber(
      static_cast<int32_t>(floorDiv(unixSeconds + kCstOffsetSeconds, kSecondsPerDay)));
}

int64_t cstMidnight(Date d) {
  return static_cast<int64_t>(d.dayNumber()) * kSecondsPerDay - kCstOffsetSeconds;
}

std::string formatCst(int64_t unixSeconds) {
  const Date d = cstDate(unixSeconds);
  const int64_t secondOfDay = unixSeconds - cstMidnight(d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d", d.toString().c_str(),
                static_cast<int>(secondOfDay / 3600), static_cast<int>(secondOfDay / 60 % 60));
  return buf;
}

std::optional<int64_t> parseCst(std::string_view text) {
  if (text.size() < 16 || (text[10] != ' ' && text[10] != 'T') || text[13] != ':')
    return std::nullopt;
  auto date = Date::parse(text.substr(0, 10));
  const int hh = digits(text, 11, 2), mm = digits(text, 14, 2);
  int ss = 0;
  if (text.size() == 19 && text[16] == ':')
    ss = digits(text, 17, 2);
  else if (text.size() != 16)
    return std::nullopt;
  if (!date || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return std::nullopt;
  return cstMidnight(*date) + hh * 3600 + mm * 60 + ss;
}

const char* weekdayNameZh(int isoWeekday) {
  static const char* kNames[] = {"星期一", "星期二", "星期三", "星期四",
                                 "星期五", "星期六", "星期日"};
  return isoWeekday >= 1 && isoWeekday <= 7 ? kNames[isoWeekday - 1] : "";
}

}  // namespace pcs
