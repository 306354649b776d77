#pragma once
// The official working-day calendar (R5).
//
// Each year the State Council publishes an arrangement (放假安排): holidays and adjusted
// working weekend days (调休上班). Arrangements are data (common/data/calendar/YYYY.txt) and
// are merged by date: a year's notice may list days of the previous December. A year whose
// arrangement is not loaded is counted provisionally: weekends plus that year's statutory
// holidays (common/data/calendar/statutory.txt), every such day flagged provisional.
//
// Arrangement file format, one directive per line, '#' starts a comment:
//   arrangement 2025                      the notice year this file is (required, first)
//   source 国办发明电〔2024〕12号          free text, shown to staff
//   holiday 2025-01-01 元旦               one day off
//   holiday 2025-01-28 2025-02-04 春节    an inclusive range of days off
//   workday 2025-01-26 春节               an adjusted working day, for the named holiday

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcs/date.h"

namespace pcs {

enum class DayKind { Workday, Weekend, Holiday, AdjustedWorkday };
const char* dayKindKey(DayKind k);  // "workday", "weekend", "holiday", "adjusted_workday"

struct DayInfo {
  Date date;
  DayKind kind = DayKind::Workday;
  bool working = true;
  std::string name;          // holiday name for Holiday/AdjustedWorkday, else empty
  bool provisional = false;  // the date's year has no published arrangement loaded
};

struct CalendarEntry {
  DayKind kind = DayKind::Holiday;  // Holiday or AdjustedWorkday
  std::string name;
  int arrangementYear = 0;  // which notice said so
};

struct Arrangement {
  int year = 0;
  std::string source;
  std::map<Date, CalendarEntry> entries;
};

// Parses one arrangement file. Throws pcs::Error(InvalidInput) naming the line that is wrong.
Arrangement parseArrangement(std::string_view text);

// A date whose meaning changed when an arrangement was loaded.
struct DayChange {
  Date date;
  DayInfo before;
  DayInfo after;
};

class Calendar {
 public:
  // An empty calendar: every year provisional.
  Calendar();
  // The calendar with every arrangement shipped in common/data/calendar.
  static Calendar builtin();

  // Merges an arrangement in, replacing whatever an earlier copy of the same notice year said.
  // Returns the dates whose kind or provisional flag changed, in date order.
  std::vector<DayChange> load(const Arrangement& a);

  DayInfo info(Date d) const;
  bool isWorking(Date d) const { return info(d).working; }
  bool isPublished(int year) const { return published_.count(year) != 0; }
  std::vector<int> publishedYears() const;
  const std::string& sourceOf(int year) const;

  // The n-th working day after `from` (n >= 1); `from` itself is never counted (R5).
  Date addWorkingDays(Date from, int n) const;
  // The first working day on or after `d`.
  Date nextWorkingDayOnOrAfter(Date d) const;
  // Working days in (a, b]; negative when b < a. Used for "days left / days late".
  int workingDaysBetween(Date a, Date b) const;

 private:
  struct Statutory {
    // Fixed month-day holidays, e.g. 01-01 元旦, and per-year lunar ones.
    std::vector<std::pair<std::pair<int, int>, std::string>> fixed;  // ((month, day), name)
    std::map<Date, std::string> dated;
  };
  std::optional<std::string> statutoryHoliday(Date d) const;

  std::map<Date, CalendarEntry> entries_;
  std::map<int, std::string> published_;  // year -> source text
  Statutory statutory_;
};

}  // namespace pcs
