// Deadline engine: rules as data, due dates with suspensions and provisional years, and the
// Chinese explanation staff read next to every due date.
//
// Sections: rule parsing | counting | explanation | days left
#include "pcs/deadline.h"

#include <algorithm>

#include "pcs/embedded.h"
#include "pcs/error.h"
#include "text_lines.h"

namespace pcs {

// ---- rule parsing -------------------------------------------------------------------------

const char* ruleUnitKey(RuleUnit u) {
  switch (u) {
    case RuleUnit::WorkingDays:
      return "working_days";
    case RuleUnit::Days:
      return "days";
    case RuleUnit::Months:
      return "months";
    case RuleUnit::Hours:
      return "hours";
  }
  return "days";
}

const char* ruleUnitZh(RuleUnit u) {
  switch (u) {
    case RuleUnit::WorkingDays:
      return "个工作日";
    case RuleUnit::Days:
      return "日";
    case RuleUnit::Months:
      return "个月";
    case RuleUnit::Hours:
      return "小时";
  }
  return "日";
}

std::optional<RuleUnit> ruleUnitFromKey(std::string_view key) {
  for (RuleUnit u : {RuleUnit::WorkingDays, RuleUnit::Days, RuleUnit::Months, RuleUnit::Hours})
    if (key == ruleUnitKey(u)) return u;
  return std::nullopt;
}

RuleSet RuleSet::parse(std::string_view text) {
  RuleSet set;
  for (const TextLine& line : splitLines(text)) {
    const auto& w = line.words;
    if (w[0] != "rule") line.fail("unknown directive '" + w[0] + "'");
    if (w.size() < 6) line.fail("rule wants: ID UNIT AMOUNT RECURRENCE TITLE | FROM");
    Rule r;
    r.id = w[1];
    if (set.find(r.id)) line.fail("rule " + r.id + " is defined twice");
    auto unit = ruleUnitFromKey(w[2]);
    if (!unit) line.fail("unknown unit '" + w[2] + "' (working_days, days, months, hours)");
    r.unit = *unit;
    r.amount = line.integer(3, 1, 3650);
    if (w[4] == "once")
      r.recurrence = Recurrence::Once;
    else if (w[4] == "weekly")
      r.recurrence = Recurrence::Weekly;
    else if (w[4] == "monthly")
      r.recurrence = Recurrence::Monthly;
    else
      line.fail("unknown recurrence '" + w[4] + "' (once, weekly, monthly)");
    const std::string tail = line.rest(5);
    const size_t bar = tail.find('|');
    if (bar == std::string::npos) line.fail("rule needs '| FROM' after its title");
    auto trimmed = [](std::string s) {
      while (!s.empty() && s.back() == ' ') s.pop_back();
      while (!s.empty() && s.front() == ' ') s.erase(s.begin());
      return s;
    };
    r.title = trimmed(tail.substr(0, bar));
    r.from = trimmed(tail.substr(bar + 1));
    if (r.title.empty()) line.fail("rule " + r.id + " has no title");
    set.rules_.push_back(std::move(r));
  }
  return set;
}

RuleSet RuleSet::builtin() {
  auto text = embeddedFile("rules.txt");
  if (!text) throw Error(ErrorCode::Unavailable, "rules.txt is not embedded");
  return parse(*text);
}

const Rule* RuleSet::find(std::string_view id) const {
  for (const Rule& r : rules_)
    if (r.id == id) return &r;
  return nullptr;
}

const Rule& RuleSet::get(std::string_view id) const {
  const Rule* r = find(id);
  if (!r) throw Error(ErrorCode::NotFound, "no time-limit rule '" + std::string(id) + "'");
  return *r;
}

void RuleSet::setAmount(std::string_view id, int amount) {
  if (amount < 1 || amount > 3650)
    throw Error(ErrorCode::InvalidInput,
                "a time limit must be 1 to 3650, got " + std::to_string(amount));
  for (Rule& r : rules_)
    if (r.id == id) {
      r.amount = amount;
      return;
    }
  throw Error(ErrorCode::NotFound, "no time-limit rule '" + std::string(id) + "'");
}

// ---- counting -------------------------------------------------------------------------------

namespace {

bool suspended(Date d, const std::vector<Suspension>& s) {
  for (const Suspension& p : s)
    if (d >= p.from && d < p.to) return true;
  return false;
}

std::string mmdd(Date d) {
  return d.toString().substr(5);
}

std::string dateWithWeekday(Date d) {
  return d.toString() + "（" + weekdayNameZh(d.isoWeekday()) + "）";
}

// Collects runs of consecutive skipped days so the explanation reads "10-01至10-08 国庆节".
struct SkipLog {
  struct Run {
    Date from, to;
    std::string why;
  };
  std::vector<Run> runs;

  void add(Date d, const std::string& why) {
    if (!runs.empty() && runs.back().to.addDays(1) == d && runs.back().why == why)
      runs.back().to = d;
    else
      runs.push_back({d, d, why});
  }

  std::string text() const {
    std::string out;
    for (const Run& r : runs) {
      if (!out.empty()) out += "、";
      out += mmdd(r.from);
      if (r.to != r.from) out += "至" + mmdd(r.to);
      out += r.why;
    }
    return out;
  }
};

std::string whyNotWorking(const DayInfo& info) {
  if (info.kind == DayKind::Holiday) return info.name + "假期";
  return "周末";
}

}  // namespace

Deadline computeDeadline(const Rule& rule, Date from, const Calendar& cal,
                         const std::vector<Suspension>& suspensions) {
  Deadline dl;
  dl.ruleId = rule.id;
  dl.unit = rule.unit;
  dl.from = from;

  std::string text = rule.id + " " + rule.title + "：时限" + std::to_string(rule.amount) +
                     ruleUnitZh(rule.unit) + "，自" + rule.from + " " + dateWithWeekday(from) +
                     "起算，起算日不计入。";
  SkipLog skipped, paused;
  int pausedDays = 0;

  switch (rule.unit) {
    case RuleUnit::WorkingDays: {
      std::string adjusted;
      Date d = from;
      for (int counted = 0; counted < rule.amount;) {
        d = d.addDays(1);
        const DayInfo info = cal.info(d);
        dl.provisional |= info.provisional;
        if (suspended(d, suspensions)) {
          paused.add(d, "");
          if (info.working) ++pausedDays;
        } else if (!info.working) {
          skipped.add(d, whyNotWorking(info));
        } else {
          ++counted;
          if (info.kind == DayKind::AdjustedWorkday)
            adjusted += (adjusted.empty() ? "" : "、") + mmdd(d) + "（" + info.name + "调休上班）";
        }
      }
      dl.due = d;
      if (!skipped.runs.empty()) text += "不计入的休息日：" + skipped.text() + "。";
      if (!adjusted.empty()) text += "计入的调休工作日：" + adjusted + "。";
      text += "第" + std::to_string(rule.amount) + "个工作日为 " + dateWithWeekday(d) + "。";
      break;
    }
    case RuleUnit::Days:
    case RuleUnit::Hours: {
      // Hours end on the day the hours run out, counted from the start of `from` (the exact
      // instant comes from computeDueInstant()).
      const int amount = rule.unit == RuleUnit::Days ? rule.amount : rule.amount / 24;
      Date d = from;
      for (int counted = 0; counted < amount;) {
        d = d.addDays(1);
        dl.provisional |= cal.info(d).provisional;
        if (suspended(d, suspensions)) {
          paused.add(d, "");
          ++pausedDays;
        } else {
          ++counted;
        }
      }
      dl.due = d;
      if (rule.unit == RuleUnit::Hours) {
        text +=
            "按小时计，自登记时刻起" + std::to_string(rule.amount) + "小时内完成，不因节假日顺延。";
        dl.explanation = text;
        return dl;
      }
      text += "第" + std::to_string(amount) + "日为 " + dateWithWeekday(d) + "。";
      break;
    }
    case RuleUnit::Months: {
      // The same day number N months on (clamped to the month's end), then extended by the
      // calendar days suspended in between, until no new suspended day falls inside.
      const Date plain = from.addMonths(rule.amount);
      Date d = plain;
      for (;;) {
        int inside = 0;
        for (Date x = from.addDays(1); x <= d; x = x.addDays(1))
          if (suspended(x, suspensions)) ++inside;
        const Date next = plain.addDays(inside);
        if (next == d) {
          pausedDays = inside;
          break;
        }
        d = next;
      }
      for (Date x = from.addDays(1); x <= d; x = x.addDays(1)) {
        dl.provisional |= cal.info(x).provisional;
        if (suspended(x, suspensions)) paused.add(x, "");
      }
      dl.due = d;
      text += std::to_string(rule.amount) + "个月后的对应日为 " + dateWithWeekday(plain);
      if (plain.day() != from.day()) text += "（该月无对应日，取月末）";
      text += "。";
      break;
    }
  }

  if (pausedDays > 0)
    text += "经批准暂停的" + paused.text() + "共" + std::to_string(pausedDays) +
            (rule.unit == RuleUnit::WorkingDays ? "个工作日" : "日") + "不计入，顺延至 " +
            dateWithWeekday(dl.due) + "。";

  // Calendar-day and month limits that end on a day off end on the next working day.
  if (rule.unit != RuleUnit::WorkingDays) {
    const DayInfo last = cal.info(dl.due);
    if (!last.working) {
      const Date moved = cal.nextWorkingDayOnOrAfter(dl.due);
      for (Date x = dl.due; x < moved; x = x.addDays(1)) dl.provisional |= cal.info(x).provisional;
      dl.provisional |= cal.info(moved).provisional;
      text += "该日为" + whyNotWorking(last) + "，期限顺延至下一个工作日 " +
              dateWithWeekday(moved) + "。";
      dl.due = moved;
    }
  }

  text += "到期日：" + dl.due.toString() + "。";
  if (dl.provisional)
    text += "注意：期间涉及尚未公布放假安排的年份，暂按周末和法定节假日计算，公布后自动重算。";
  dl.explanation = text;
  return dl;
}

int64_t computeDueInstant(const Rule& rule, int64_t fromUnix) {
  if (rule.unit != RuleUnit::Hours)
    throw Error(ErrorCode::InvalidInput, "rule " + rule.id + " is not counted in hours");
  return fromUnix + static_cast<int64_t>(rule.amount) * 3600;
}

// ---- days left ------------------------------------------------------------------------------

int workingDaysLeft(Date due, Date today, const Calendar& cal) {
  const int n = cal.workingDaysBetween(today, due);
  // Past the due date is late even when only days off have passed since (due Friday, today
  // Saturday): at least one day late, never "due today".
  return today > due && n == 0 ? -1 : n;
}

int daysLeft(const Deadline& d, Date today, const Calendar& cal) {
  if (d.unit != RuleUnit::WorkingDays) return d.due - today;
  return workingDaysLeft(d.due, today, cal);
}

std::string describeDaysLeft(const Deadline& d, Date today, const Calendar& cal) {
  const int n = daysLeft(d, today, cal);
  const std::string unit = d.unit == RuleUnit::WorkingDays ? "个工作日" : "日";
  if (n > 0) return "剩余" + std::to_string(n) + unit;
  if (n == 0) return "今日到期";
  return "逾期" + std::to_string(-n) + unit;
}

}  // namespace pcs
