// Routing learned from closed cases (server/routing_learning.h) through the real API.
#include "routing_learning.h"

#include <doctest/doctest.h>

#include <string>

#include "api_client.h"
#include "test_server.h"

namespace {

std::string intake(const std::string& content) {
  return R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试乙",)"
         R"("complainant_contact":"139-0000-0002","estate_id":"e-1","content":")" +
         content + R"("})";
}

std::string topHandler(ApiUser& u, const std::string& text) {
  ApiResult r = u.post("/api/v1/routing/suggest", R"({"text":")" + text + R"("})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  if (r.json["suggestions"].Size() == 0) return "";
  return r.json["suggestions"][0]["handler"].GetString();
}

// The users who take a complaint through the police to closure.
struct PoliceDesk {
  explicit PoliceDesk(int port)
      : clerk(port, "c01.clerk"),
        dispatcher(port, "c01.dispatcher"),
        police(port, "c01.police"),
        reviewer(port, "city.police.reviewer") {}
  ApiUser clerk, dispatcher, police, reviewer;
};

// Registers a complaint and takes it through the police to closure; returns the case id.
std::string closeWithPolice(PoliceDesk& d, const std::string& content) {
  ApiUser &clerk = d.clerk, &dispatcher = d.dispatcher, &police = d.police, &reviewer = d.reviewer;
  ApiResult r = clerk.post("/api/v1/cases", intake(content));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json["case"]["id"].GetString();
  const std::string actions = "/api/v1/cases/" + id + "/actions";
  auto step = [&](ApiUser& u, const std::string& body) {
    ApiResult res = u.post(actions, body);
    REQUIRE_MESSAGE(res.status == 200, body, " -> ", res.body);
    return res;
  };
  step(dispatcher, R"({"action":"dispatch","targets":[{"unit_id":"c01.police",)"
                   R"("catalogue_codes":["police.3"]}]})");
  step(police, R"({"action":"accept","assignment_id":1})");
  step(police, R"({"action":"resolve","assignment_id":1,"substantiated":true,)"
               R"("text":"已联系运营企业清走并答复投诉人"})");
  step(police, R"({"action":"submit_review","assignment_id":1})");
  r = step(reviewer, R"({"action":"approve","assignment_id":1})");
  CHECK(std::string(r.json["case"]["state"].GetString()) == "closed");
  return id;
}

}  // namespace

TEST_CASE("routing learning: closing cases changes the suggestion for wording they taught") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  const std::string text = "单元门口又被共享单车堵了";
  CHECK(topHandler(clerk, text) != "police");
  CHECK(s.app().routingLearning().casesLearned() == 0);

  const char* ways[] = {"共享单车乱停，把单元门口堵死了", "小区里到处是共享单车，出不去",
                        "共享单车堆在楼下没人清走",       "门口的共享单车越来越多",
                        "有人把共享单车骑进小区乱扔",     "共享单车把楼下通道占满了"};
  PoliceDesk desk(s.port());
  for (int i = 0; i < 12; ++i) closeWithPolice(desk, ways[i % 6]);
  CHECK(s.app().routingLearning().casesLearned() == 12);

  ApiResult r = clerk.post("/api/v1/routing/suggest", R"({"text":")" + text + R"("})");
  REQUIRE(r.status == 200);
  REQUIRE(r.json["suggestions"].Size() > 0);
  const auto& first = r.json["suggestions"][0];
  CHECK(std::string(first["handler"].GetString()) == "police");
  CHECK(std::string(first["code"].GetString()) == "police.3");
  REQUIRE(first["reasons"].Size() > 0);
  CHECK(std::string(first["reasons"][0].GetString()).find("以往办结案件") != std::string::npos);

  // A server started on the same database learns the same cases again from storage.
  pcs::server::RoutingLearning fresh;
  fresh.rebuild(s.app().db());
  CHECK(fresh.casesLearned() == 12);
  CHECK(topHandler(clerk, text) == "police");
}

TEST_CASE("routing learning: only closed cases and their kept assignments are learned") {
  pcs::Case c;
  c.id = "2026-000901";
  c.content = "共享单车乱停，把单元门口堵死了";
  c.state = pcs::CaseState::InProgress;
  pcs::Assignment kept, returned;
  kept.handler = pcs::Handler::Police;
  kept.state = pcs::AssignmentState::Closed;
  returned.handler = pcs::Handler::Court;
  returned.state = pcs::AssignmentState::Returned;
  c.assignments = {returned, kept};

  pcs::server::RoutingLearning learning;
  learning.learnClosed(c);
  CHECK(learning.casesLearned() == 0);  // not closed yet
  c.state = pcs::CaseState::Closed;
  learning.learnClosed(c);
  learning.learnClosed(c);  // learned once, however often it is reported
  CHECK(learning.casesLearned() == 1);
  const pcs::Catalogue catalogue = pcs::Catalogue::builtin();
  const pcs::RoutingAnswer a = learning.suggest(catalogue, "共享单车乱停");
  for (const auto& s : a.suggestions) CHECK(s.entry->handler != pcs::Handler::Court);

  // Every assignment returned: nothing confirmed, nothing learned.
  pcs::Case refused = c;
  refused.id = "2026-000902";
  refused.assignments = {returned};
  learning.learnClosed(refused);
  CHECK(learning.casesLearned() == 1);
}

TEST_CASE("routing learning: the suggest answer keeps its fields and adds reasons") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  ApiResult r = clerk.post("/api/v1/routing/suggest", R"({"text":"楼道里一股煤气味，怕是漏气了"})");
  REQUIRE(r.status == 200);
  REQUIRE(r.json["suggestions"].Size() > 0);
  for (const auto& sug : r.json["suggestions"].GetArray()) {
    CHECK(sug["code"].IsString());
    CHECK(sug["handler"].IsString());
    CHECK(sug["title"].IsString());
    CHECK(sug["score"].IsNumber());
    REQUIRE(sug["reasons"].IsArray());
    CHECK(sug["reasons"].Size() > 0);
  }
  CHECK(std::string(r.json["suggestions"][0]["handler"].GetString()) == "energy");
  CHECK(r.json["urgent"].GetBool());
  CHECK(std::string(r.json["urgent_reason"].GetString()).find("漏气") != std::string::npos);
  ApiResult calm = clerk.post("/api/v1/routing/suggest", R"({"text":"物业费收据开错了"})");
  REQUIRE(calm.status == 200);
  CHECK_FALSE(calm.json["urgent"].GetBool());
  CHECK(std::string(calm.json["urgent_reason"].GetString()).empty());
  CHECK(clerk.post("/api/v1/routing/suggest", R"({"text":12})").status == 400);
}
