#include "pcs/routing.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace {
const pcs::Catalogue& catalogue() {
  static const pcs::Catalogue c = pcs::Catalogue::builtin();
  return c;
}
std::string top(const char* text) {
  pcs::Router r(catalogue());
  auto a = r.suggest(text);
  return a.suggestions.empty() ? "" : a.suggestions[0].entry->code;
}
}  // namespace

TEST_CASE("routing: colloquial complaints reach the right handler") {
  CHECK(top("楼上天天往下扔东西，高空抛物太危险了").rfind("police.", 0) == 0);
  CHECK(top("有人在楼道里给电动车充电，还把车推上楼").rfind("fire_rescue.", 0) == 0);
  CHECK(top("小区垃圾没人清，臭味熏天") == "housing.1.3");
}

TEST_CASE("routing: suggestions are ranked, scored in 0..1 and explain themselves") {
  pcs::Router r(catalogue());
  auto a = r.suggest("电梯坏了一个月没人修，物业不管", 3);
  REQUIRE_FALSE(a.suggestions.empty());
  CHECK(a.suggestions.size() <= 3);
  for (size_t i = 0; i < a.suggestions.size(); ++i) {
    CHECK(a.suggestions[i].score > 0);
    CHECK(a.suggestions[i].score < 1);
    if (i) CHECK(a.suggestions[i - 1].score >= a.suggestions[i].score);
  }
  CHECK_FALSE(a.suggestions[0].matched.empty());
}

TEST_CASE("routing: danger to people or buildings is flagged urgent with its cue") {
  pcs::Router r(catalogue());
  auto gas = r.suggest("单元楼道里有很大的燃气味，怕是燃气泄漏");
  CHECK(gas.urgent);
  CHECK(std::find(gas.urgentCues.begin(), gas.urgentCues.end(), "燃气泄漏") !=
        gas.urgentCues.end());
  CHECK(r.suggest("电梯困人半小时没人来").urgent);
  CHECK(r.suggest("外墙瓷砖脱落砸到车").urgent);
  CHECK_FALSE(r.suggest("物业费收据开错了").urgent);
  CHECK(r.suggest("").suggestions.empty());
}
