#include "pcs/routing.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "pcs/embedded.h"

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

namespace {
bool hasReasonWith(const pcs::RoutingSuggestion& s, const std::string& part) {
  return std::any_of(s.reasons.begin(), s.reasons.end(),
                     [&](const std::string& r) { return r.find(part) != std::string::npos; });
}
}  // namespace

TEST_CASE("routing: everyday phrases count as the catalogue keyword they stand for") {
  pcs::Router r(catalogue());
  // 偷接 is no catalogue keyword; routing_synonyms.txt maps it to energy.2's 偷接电.
  auto a = r.suggest("隔壁从楼道公共照明偷接了一根线到自己家");
  REQUIRE_FALSE(a.suggestions.empty());
  CHECK(a.suggestions[0].entry->code == "energy.2");
  CHECK(hasReasonWith(a.suggestions[0], "常用说法「偷接」"));
  // A phrase with a context counts only when the context is there too.
  auto lift = r.suggest("电梯又关人了，里面两个老人");
  REQUIRE_FALSE(lift.suggestions.empty());
  CHECK(lift.suggestions[0].entry->code == "market_regulation.3.1");
  CHECK(lift.urgent);
  auto door = r.suggest("单元门关不上");
  CHECK(std::none_of(door.suggestions.begin(), door.suggestions.end(),
                     [](const auto& s) { return s.entry->code == "market_regulation.3.1"; }));
}

TEST_CASE("routing: a keyword written a little differently still counts, for less") {
  pcs::Router r(catalogue());
  auto exact = r.suggest("电梯坏了");
  auto near = r.suggest("电梯又坏了");
  REQUIRE_FALSE(exact.suggestions.empty());
  REQUIRE_FALSE(near.suggestions.empty());
  CHECK(near.suggestions[0].entry->handler == exact.suggestions[0].entry->handler);
  CHECK(near.suggestions[0].score < exact.suggestions[0].score);
  CHECK(hasReasonWith(near.suggestions[0], "相近说法"));
}

TEST_CASE("routing: every suggestion explains itself and the urgent flag gives its reason") {
  pcs::Router r(catalogue());
  auto a = r.suggest("楼上往窗外丢酒瓶子，差点砸到人");
  REQUIRE_FALSE(a.suggestions.empty());
  CHECK(a.suggestions[0].entry->code == "police.2");
  for (const auto& s : a.suggestions) CHECK_FALSE(s.reasons.empty());
  CHECK(a.urgent);
  CHECK(a.urgentReason.find("「砸到」") != std::string::npos);
  auto calm = r.suggest("物业费收据开错了");
  CHECK_FALSE(calm.urgent);
  CHECK(calm.urgentReason.empty());
}

TEST_CASE("routing: danger words inside harmless phrases do not flag a case urgent") {
  pcs::Router r(catalogue());
  // 威胁 is an urgent cue and a police.2 keyword; 威胁停水 is a billing dispute.
  auto bill = r.suggest("物业威胁停水，逼我们交物业费");
  CHECK_FALSE(bill.urgent);
  CHECK(r.suggest("有人拿着刀威胁我").urgent);
  CHECK_FALSE(r.suggest("电梯费一个月收八十，标准是什么").urgent);
  CHECK_FALSE(r.suggest("物业代收燃气费还加收手续费").urgent);
}

TEST_CASE("routing: every phrase of routing_synonyms.txt stands for a catalogue keyword") {
  auto file = pcs::embeddedFile("routing_synonyms.txt");
  REQUIRE(file);
  std::set<std::string> keywords;
  for (const auto& e : catalogue().entries()) keywords.insert(e.keywords.begin(), e.keywords.end());
  std::istringstream in{std::string(*file)};
  std::string line;
  int phrases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string say, phrase, w;
    words >> say >> phrase;
    CHECK(say == "say");
    ++phrases;
    while (words >> w) {
      if (w == "if") break;  // the context word that follows is no keyword
      CHECK_MESSAGE(keywords.count(w) == 1, line);
    }
  }
  CHECK(phrases > 50);
}
