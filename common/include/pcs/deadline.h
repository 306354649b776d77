#pragma once
// The deadline engine (R5): time-limit rules T1-T15 as data, and due dates computed on the
// official calendar with an explanation staff can read.
//
// Rules file format (common/data/rules.txt), one rule per line, '#' starts a comment:
//   rule T1 working_days 7 once 一般线索分转 | 登记之日
// fields: id, unit (working_days | days | months | hours), amount, recurrence
// (once | weekly | monthly), title, then after '|' what the clock starts from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcs/calendar.h"

namespace pcs {

enum class RuleUnit { WorkingDays, Days, Months, Hours };
enum class Recurrence { Once, Weekly, Monthly };

const char* ruleUnitKey(RuleUnit u);  // "working_days", "days", "months", "hours"
const char* ruleUnitZh(RuleUnit u);   // 工作日, 日, 个月, 小时
std::optional<RuleUnit> ruleUnitFromKey(std::string_view key);

struct Rule {
  std::string id;  // "T1"
  RuleUnit unit = RuleUnit::WorkingDays;
  int amount = 0;
  Recurrence recurrence = Recurrence::Once;
  std::string title;  // 一般线索分转
  std::string from;   // 登记之日
};

class RuleSet {
 public:
  // Parses a rules file; throws pcs::Error(InvalidInput) naming the bad line.
  static RuleSet parse(std::string_view text);
  // The defaults shipped in common/data/rules.txt.
  static RuleSet builtin();

  const Rule* find(std::string_view id) const;
  const Rule& get(std::string_view id) const;  // throws pcs::Error(NotFound)
  const std::vector<Rule>& rules() const { return rules_; }
  // Replaces a rule's amount (a city's own configuration); throws on a non-positive amount.
  void setAmount(std::string_view id, int amount);

 private:
  std::vector<Rule> rules_;
};

// An approved pause: the days [from, to) do not count, in the deadline's own unit.
struct Suspension {
  Date from;
  Date to;
};

struct Deadline {
  std::string ruleId;
  RuleUnit unit = RuleUnit::WorkingDays;
  Date from;
  Date due;
  bool provisional = false;  // a day counted lies in a year with no published arrangement
  std::string explanation;   // how the date was reached, in Chinese, for staff
};

// The due date of `rule` started on `from` (the start day is not counted), skipping
// suspended days. Calendar-day and month limits ending on a non-working day move to the next
// working day. Hours rules are counted by computeDueInstant(); here they give the date the
// hours end on.
Deadline computeDeadline(const Rule& rule, Date from, const Calendar& cal,
                         const std::vector<Suspension>& suspensions = {});

// Hours rules (T2): the instant `hours` after `fromUnix`.
int64_t computeDueInstant(const Rule& rule, int64_t fromUnix);

// Days left (positive), due today (0) or days late (negative), as of `today`, counted in
// working days for working-day rules and in calendar days otherwise.
int daysLeft(const Deadline& d, Date today, const Calendar& cal);
// The same in working days for a bare due date (lists that show one next deadline).
int workingDaysLeft(Date due, Date today, const Calendar& cal);

// "剩余3个工作日", "今日到期", "逾期2日"
std::string describeDaysLeft(const Deadline& d, Date today, const Calendar& cal);

}  // namespace pcs
