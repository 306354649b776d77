// Calendar: arrangement parsing, merging by date, provisional years, working-day arithmetic.
#include "pcs/calendar.h"

#include <set>
#include <sstream>

#include "pcs/embedded.h"
#include "pcs/error.h"
#include "text_lines.h"

namespace pcs {

const char* dayKindKey(DayKind k) {
  switch (k) {
    case DayKind::Workday:
      return "workday";
    case DayKind::Weekend:
      return "weekend";
    case DayKind::Holiday:
      return "holiday";
    case DayKind::AdjustedWorkday:
      return "adjusted_workday";
  }
  return "workday";
}

namespace {

Date requireDate(const TextLine& line, const std::string& word) {
  auto d = Date::parse(word);
  if (!d) line.fail("'" + word + "' is not a date YYYY-MM-DD");
  return *d;
}

}  // namespace

Arrangement parseArrangement(std::string_view text) {
  Arrangement a;
  for (const TextLine& line : splitLines(text)) {
    const std::vector<std::string>& w = line.words;
    const std::string& directive = w[0];
    if (directive == "arrangement") {
      if (w.size() != 2) line.fail("arrangement takes one year");
      if (a.year != 0) line.fail("a file holds one arrangement");
      a.year = line.integer(1, 1900, 2200);
    } else if (a.year == 0) {
      line.fail("the file must start with 'arrangement YEAR'");
    } else if (directive == "source") {
      a.source = line.rest(1);
    } else if (directive == "holiday") {
      // holiday FROM [TO] NAME
      if (w.size() < 3) line.fail("holiday takes a date, an optional end date and a name");
      const Date from = requireDate(line, w[1]);
      const bool ranged = Date::parse(w[2]).has_value();
      const Date to = ranged ? *Date::parse(w[2]) : from;
      const std::string name = line.rest(ranged ? 3 : 2);
      if (name.empty()) line.fail("holiday needs a name");
      if (to < from) line.fail("holiday range ends before it starts");
      if (to - from > 31) line.fail("holiday range longer than a month");
      for (Date d = from; d <= to; d = d.addDays(1)) {
        if (a.entries.count(d)) line.fail(d.toString() + " is listed twice");
        a.entries[d] = CalendarEntry{DayKind::Holiday, name, a.year};
      }
    } else if (directive == "workday") {
      if (w.size() < 3) line.fail("workday takes a date and the holiday it makes up for");
      const Date d = requireDate(line, w[1]);
      if (a.entries.count(d)) line.fail(d.toString() + " is listed twice");
      a.entries[d] = CalendarEntry{DayKind::AdjustedWorkday, line.rest(2), a.year};
    } else {
      line.fail("unknown directive '" + directive + "'");
    }
  }
  if (a.year == 0)
    throw Error(ErrorCode::InvalidInput, "arrangement file has no 'arrangement YEAR'");
  return a;
}

Calendar::Calendar() = default;

Calendar Calendar::builtin() {
  Calendar cal;
  if (auto statutory = embeddedFile("calendar/statutory.txt")) {
    for (const TextLine& line : splitLines(*statutory)) {
      const std::vector<std::string>& w = line.words;
      if (w[0] == "fixed" && w.size() >= 3) {
        const int month = line.integer(1, 1, 12, w[1].substr(0, w[1].find('-')));
        const int day = line.integer(1, 1, 31, w[1].substr(w[1].find('-') + 1));
        cal.statutory_.fixed.push_back({{month, day}, line.rest(2)});
      } else if (w[0] == "lunar" && w.size() >= 3) {
        cal.statutory_.dated[requireDate(line, w[1])] = line.rest(2);
      } else {
        line.fail("unknown statutory directive '" + w[0] + "'");
      }
    }
  }
  for (const EmbeddedFile& f : embeddedFiles()) {
    if (f.path.rfind("calendar/", 0) != 0 || f.path == "calendar/statutory.txt") continue;
    try {
      cal.load(parseArrangement(f.content));
    } catch (const Error& e) {
      throw Error(e.code(), std::string(f.path) + ": " + e.what());
    }
  }
  return cal;
}

std::optional<std::string> Calendar::statutoryHoliday(Date d) const {
  auto it = statutory_.dated.find(d);
  if (it != statutory_.dated.end()) return it->second;
  for (const auto& [md, name] : statutory_.fixed)
    if (md.first == d.month() && md.second == d.day()) return name;
  return std::nullopt;
}

DayInfo Calendar::info(Date d) const {
  DayInfo r;
  r.date = d;
  auto it = entries_.find(d);
  if (it != entries_.end()) {
    r.kind = it->second.kind;
    r.name = it->second.name;
    r.working = r.kind == DayKind::AdjustedWorkday;
    return r;
  }
  if (!isPublished(d.year())) {
    // No notice yet: statutory holidays and weekends only, and say that it may change.
    r.provisional = true;
    if (auto name = statutoryHoliday(d)) {
      r.kind = DayKind::Holiday;
      r.name = *name;
      r.working = false;
      return r;
    }
  }
  r.kind = d.isWeekend() ? DayKind::Weekend : DayKind::Workday;
  r.working = !d.isWeekend();
  return r;
}

std::vector<DayChange> Calendar::load(const Arrangement& a) {
  // Every date whose answer could change: what the old copy of this notice said, what the
  // new one says, and, when the year becomes published, every day of it.
  std::set<Date> touched;
  for (const auto& [d, e] : entries_)
    if (e.arrangementYear == a.year) touched.insert(d);
  for (const auto& [d, e] : a.entries) touched.insert(d);
  if (!isPublished(a.year))
    for (Date d = Date::fromYmd(a.year, 1, 1); d.year() == a.year; d = d.addDays(1))
      touched.insert(d);

  std::vector<DayInfo> before;
  before.reserve(touched.size());
  for (Date d : touched) before.push_back(info(d));

  for (auto it = entries_.begin(); it != entries_.end();)
    it = it->second.arrangementYear == a.year ? entries_.erase(it) : std::next(it);
  for (const auto& [d, e] : a.entries) entries_[d] = e;
  published_[a.year] = a.source;

  std::vector<DayChange> changes;
  size_t i = 0;
  for (Date d : touched) {
    DayInfo after = info(d);
    const DayInfo& old = before[i++];
    if (old.kind != after.kind || old.working != after.working || old.name != after.name ||
        old.provisional != after.provisional)
      changes.push_back({d, old, after});
  }
  return changes;
}

std::vector<int> Calendar::publishedYears() const {
  std::vector<int> years;
  for (const auto& [y, src] : published_) years.push_back(y);
  return years;
}

const std::string& Calendar::sourceOf(int year) const {
  static const std::string kNone;
  auto it = published_.find(year);
  return it == published_.end() ? kNone : it->second;
}

Date Calendar::addWorkingDays(Date from, int n) const {
  if (n < 0) throw Error(ErrorCode::InvalidInput, "a number of working days cannot be negative");
  Date d = from;
  for (int counted = 0; counted < n;) {
    d = d.addDays(1);
    if (isWorking(d)) ++counted;
  }
  return d;
}

Date Calendar::nextWorkingDayOnOrAfter(Date d) const {
  while (!isWorking(d)) d = d.addDays(1);
  return d;
}

int Calendar::workingDaysBetween(Date a, Date b) const {
  if (b < a) return -workingDaysBetween(b, a);
  int n = 0;
  for (Date d = a.addDays(1); d <= b; d = d.addDays(1))
    if (isWorking(d)) ++n;
  return n;
}

}  // namespace pcs
