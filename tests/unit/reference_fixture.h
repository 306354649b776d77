#pragma once
// The shipped calendar and rules, built once per test binary, and a terse date literal.
#include "pcs/calendar.h"
#include "pcs/deadline.h"

namespace fixture {

inline const pcs::Calendar& cal() {
  static const pcs::Calendar c = pcs::Calendar::builtin();
  return c;
}
inline const pcs::RuleSet& rules() {
  static const pcs::RuleSet r = pcs::RuleSet::builtin();
  return r;
}
// D("2025-09-30"); the tests only pass valid dates.
inline pcs::Date D(const char* s) {
  return *pcs::Date::parse(s);
}

}  // namespace fixture
