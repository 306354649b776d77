#include "pcs/routing_model.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pcs/routing.h"

namespace {

const pcs::Catalogue& catalogue() {
  static const pcs::Catalogue c = pcs::Catalogue::builtin();
  return c;
}

std::string topHandler(const pcs::RoutingAnswer& a) {
  return a.suggestions.empty() ? "" : std::string(pcs::handlerKey(a.suggestions[0].entry->handler));
}

// Cases this city's staff routed to the police about shared bikes, a matter the catalogue has
// no words for.
void learnSharedBikes(pcs::RoutingModel& m, int n) {
  const char* ways[] = {"共享单车乱停，把单元门口堵死了", "小区里到处是共享单车，出不去",
                        "共享单车堆在楼下，没人清走", "门口的共享单车越来越多",
                        "有人把共享单车骑进小区乱扔"};
  for (int i = 0; i < n; ++i) m.learn(ways[i % 5], {"police.3", "handler:police"});
}

}  // namespace

TEST_CASE("routing model: learned dispatches route wording the catalogue does not know") {
  const std::string text = "单元门口又被共享单车堵了";
  pcs::RoutingModel m;
  const pcs::RoutingAnswer before = pcs::Router(catalogue(), &m).suggest(text);
  CHECK(topHandler(before) != "police");
  learnSharedBikes(m, 30);
  const pcs::RoutingAnswer after = pcs::Router(catalogue(), &m).suggest(text);
  REQUIRE_FALSE(after.suggestions.empty());
  CHECK(after.suggestions[0].entry->code == "police.3");
  const auto& reasons = after.suggestions[0].reasons;
  REQUIRE_FALSE(reasons.empty());
  CHECK(reasons[0].find("以往办结案件") != std::string::npos);
  CHECK(reasons[0].find("共享") != std::string::npos);
}

TEST_CASE("routing model: with little learned the catalogue stays in charge") {
  // Two mistaken routings of a clear lift complaint do not outvote the catalogue.
  pcs::RoutingModel m;
  m.learn("电梯坏了一个月没人修", {"court.1", "handler:court"});
  m.learn("电梯坏了没人修", {"court.1", "handler:court"});
  const auto a = pcs::Router(catalogue(), &m).suggest("电梯坏了没人修，物业不管");
  CHECK(topHandler(a) != "court");
  CHECK(topHandler(a) == topHandler(pcs::Router(catalogue()).suggest("电梯坏了没人修，物业不管")));
}

TEST_CASE("routing model: evidence and confidence grow with what was learned") {
  pcs::RoutingModel m;
  CHECK(m.confidence() == 0);
  CHECK(m.evidence("共享单车乱停").empty());
  learnSharedBikes(m, 5);
  const double few = m.confidence();
  const double scoreFew = m.evidence("共享单车乱停")["police.3"].score;
  learnSharedBikes(m, 45);
  CHECK(m.cases() == 50);
  CHECK(m.confidence() > few);
  CHECK(m.confidence() < 1);
  const auto e = m.evidence("共享单车乱停");
  REQUIRE(e.count("police.3") == 1);
  CHECK(e.at("police.3").score > scoreFew);
  CHECK(e.at("police.3").score <= 1);
  CHECK(e.at("police.3").cases == 50);
  CHECK(e.count("court.1") == 0);
  // Unknown words dilute the evidence.
  CHECK(m.evidence("共享单车乱停，另外楼顶的太阳能板也坏了")["police.3"].score <
        e.at("police.3").score);
}

TEST_CASE(
    "routing model: a text without Chinese words or a routing without labels teaches nothing") {
  pcs::RoutingModel m;
  m.learn("12345 ok!", {"police.3"});
  m.learn("共享单车乱停", {});
  m.learn("", {"police.3"});
  CHECK(m.cases() == 0);
  CHECK(m.confidence() == 0);
}
