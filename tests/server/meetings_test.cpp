// The joint meeting through the API: membership with history and masked phones, a meeting run
// end to end with decided items applied to cases, bulletins, permissions, bad input.
#include <doctest/doctest.h>

#include "api_client.h"
#include "audit.h"
#include "pcs/date.h"
#include "test_server.h"

namespace {

std::string today(pcs::server::App& app) {
  return pcs::cstDate(app.now()).toString();
}

int64_t count(pcs::server::App& app, const std::string& sql) {
  return app.db().reader().execAndGet(sql).getInt64();
}

// A registered case in 东湖区 dispatched to 朝阳街道; returns its number.
std::string dispatchedCase(int port) {
  ApiUser clerk(port, "c01.clerk"), dispatcher(port, "c01.dispatcher");
  ApiResult r = clerk.post(
      "/api/v1/cases",
      R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试乙",)"
      R"("complainant_contact":"139-0000-0002","estate_id":"e-1","content":"电梯停运一周无人维修"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json["case"]["id"].GetString();
  r = dispatcher.post("/api/v1/cases/" + id + "/actions",
                      R"({"action":"dispatch","targets":[{"unit_id":"c01.s01"}]})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return id;
}

// A registered case in 东湖区 handled by the district police and closed (销号); its number.
std::string closedCase(int port) {
  ApiUser clerk(port, "c01.clerk"), dispatcher(port, "c01.dispatcher"), police(port, "c01.police"),
      reviewer(port, "city.police.reviewer");
  ApiResult r = clerk.post(
      "/api/v1/cases",
      R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试丁",)"
      R"("complainant_contact":"139-0000-0004","estate_id":"e-1","content":"楼道堆物"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json["case"]["id"].GetString();
  for (auto [u, body] :
       {std::pair{&dispatcher, std::string(R"({"action":"dispatch",)"
                                           R"("targets":[{"unit_id":"c01.police"}]})")},
        std::pair{&police, std::string(R"({"action":"accept","assignment_id":1})")},
        std::pair{&police, std::string(R"({"action":"resolve","assignment_id":1,)"
                                       R"("substantiated":true,"text":"已清理"})")},
        std::pair{&police, std::string(R"({"action":"submit_review",)"
                                       R"("assignment_id":1})")},
        std::pair{&reviewer, std::string(R"({"action":"approve",)"
                                         R"("assignment_id":1})")}}) {
    r = u->post("/api/v1/cases/" + id + "/actions", body);
    REQUIRE_MESSAGE(r.status == 200, body, " -> ", r.body);
  }
  REQUIRE(std::string(r.json["case"]["state"].GetString()) == "closed");
  return id;
}

// Adds `unit` as a member unit of the joint meeting.
void addMember(ApiUser& office, const std::string& unit) {
  const ApiResult r =
      office.post("/api/v1/joint-meeting/members", R"({"unit_id":")" + unit + R"("})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

}  // namespace

TEST_CASE("meetings: a joint meeting runs from draft to closed and its decision moves cases") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), head(s.port(), "city.head");
  const std::string a = dispatchedCase(s.port()), b = dispatchedCase(s.port());
  addMember(office, "c01.police");
  addMember(office, "c01.s01");

  // Draft with agenda and attendees, then the agenda is revised.
  ApiResult r = office.post(
      "/api/v1/meetings", R"({"kind":"joint","title":"第一次联席会议","date":")" + today(s.app()) +
                              R"(","agenda":["电梯停运问题"],"attendees":["city.housing"]})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string m = "/api/v1/meetings/" + std::to_string(r.json["id"].GetInt64());
  r = office.post(m + "/agenda", R"({"kind":"joint","title":"第一次联席会议","date":")" +
                                     today(s.app()) +
                                     R"(","agenda":["电梯停运问题","消防通道"],)"
                                     R"("attendees":["city.housing","city.police"]})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  // Decided items wait for the minutes.
  CHECK(office.post(m + "/items", R"({"text":"x","owner_unit_id":"c01.police","working_days":5})")
            .status == 409);

  r = office.post(m + "/hold", R"({"minutes":"会议研究了电梯停运问题，议定如下。"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(office.post(m + "/agenda", R"({"kind":"joint","title":"改","date":"2026-01-01"})").status ==
        409);

  // Item 1: hand the two cases to the district police as well; item 2: a new deadline.
  r = office.post(m + "/items",
                  R"({"text":"公安分局协助处置","owner_unit_id":"c01.police","working_days":5})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string item1 = m + "/items/" + std::to_string(r.json["id"].GetInt64());
  const std::string due = pcs::cstDate(s.app().now()).addDays(20).toString();
  r = office.post(m + "/items",
                  R"({"text":"街道限期办结","owner_unit_id":"c01.s01","due":")" + due + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string item2 = m + "/items/" + std::to_string(r.json["id"].GetInt64());

  r = office.post(item1 + "/apply",
                  R"({"case_ids":[")" + a + R"(",")" + b + R"("],"effect":"handler"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  r = office.post(item2 + "/apply",
                  R"({"case_ids":[")" + a + R"(",")" + b + R"("],"effect":"deadline"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["items"][1]["cases"].Size() == 2);

  for (const std::string& id : {a, b}) {
    CAPTURE(id);
    r = office.get("/api/v1/cases/" + id);
    REQUIRE(r.status == 200);
    const auto& assignments = r.json["case"]["assignments"];
    REQUIRE(assignments.Size() == 2);
    CHECK(std::string(assignments[1]["unit_id"].GetString()) == "c01.police");
    // Both live assignments now run to the meeting's date, through the workflow's events.
    CHECK(std::string(assignments[0]["decided_due"].GetString()) == due);
    CHECK(std::string(assignments[0]["resolve_due"]["due"].GetString()) == due);
    CHECK(std::string(assignments[1]["resolve_due"]["due"].GetString()) == due);
    CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE subject='case:" + id +
                             "' AND action='case.set_decided_deadline'") == 2);
    CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE subject='case:" + id +
                             "' AND action='case.dispatch' AND detail LIKE '%联席会议%'") == 1);
    CHECK(count(s.app(), "SELECT COUNT(*) FROM deadline_changes WHERE case_id='" + id +
                             "' AND cause LIKE '%第一次联席会议%'") == 2);
  }
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);

  // Closing waits for every item; then the meeting closes.
  CHECK(office.post(m + "/close", "{}").status == 409);
  CHECK(office.post(item1 + "/done", R"({"note":"已协助处置"})").status == 200);
  CHECK(office.post(item1 + "/done", R"({"note":"again"})").status == 409);
  CHECK(head.post(item2 + "/done", R"({"note":"已按期办结"})").status == 200);
  r = office.post(m + "/close", "{}");
  CHECK_MESSAGE(r.status == 200, r.body);
  r = office.get(m);
  CHECK(std::string(r.json["state"].GetString()) == "closed");
  CHECK(std::string(r.json["items"][0]["state"].GetString()) == "done");
  CHECK(r.json["agenda"].Size() == 2);
}

TEST_CASE("meetings: applying a decision is all or nothing") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher");
  addMember(office, "c01.police");
  const std::string a = dispatchedCase(s.port()), closed = closedCase(s.port());
  ApiResult r = office.post("/api/v1/meetings", R"({"kind":"dispatch","title":"调度会","date":")" +
                                                    today(s.app()) + R"("})");
  const std::string m = "/api/v1/meetings/" + std::to_string(r.json["id"].GetInt64());
  office.post(m + "/hold", R"({"minutes":"纪要"})");
  r = office.post(m + "/items",
                  R"({"text":"转公安","owner_unit_id":"c01.police","working_days":3})");
  const std::string item = m + "/items/" + std::to_string(r.json["id"].GetInt64());
  const int64_t events = count(s.app(), "SELECT COUNT(*) FROM audit");
  // The second case does not exist: the first must not change either.
  r = office.post(item + "/apply",
                  R"({"case_ids":[")" + a + R"(","2026-999999"],"effect":"handler"})");
  CHECK(r.status == 400);
  r = office.post(item + "/apply", R"({"case_ids":[")" + a + R"("],"effect":"move"})");
  CHECK(r.status == 400);
  r = office.post(item + "/apply", R"({"case_ids":[],"effect":"handler"})");
  CHECK(r.status == 400);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == events);
  // The second case is closed: the refusal names it, and the first is not moved either.
  const auto closedEvents = office.get("/api/v1/cases/" + closed).json["case"]["events"].Size();
  const int64_t audits = count(s.app(), "SELECT COUNT(*) FROM audit");
  r = office.post(item + "/apply",
                  R"({"case_ids":[")" + a + R"(",")" + closed + R"("],"effect":"handler"})");
  CHECK(r.status == 409);
  CHECK_MESSAGE(r.body.find("案件 " + closed + "：案件已销号") != std::string::npos, r.body);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == audits);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM decided_item_cases") == 0);
  r = office.get("/api/v1/cases/" + a);
  CHECK(r.json["case"]["assignments"].Size() == 1);
  r = office.get("/api/v1/cases/" + closed);
  CHECK(std::string(r.json["case"]["state"].GetString()) == "closed");
  CHECK(r.json["case"]["assignments"].Size() == 1);
  CHECK(r.json["case"]["events"].Size() == closedEvents);
}

TEST_CASE("meetings: bad input on every meeting write is refused and stores nothing") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher");
  const std::string t = today(s.app());
  const int64_t before = count(s.app(), "SELECT COUNT(*) FROM meetings");
  for (const std::string& body :
       {std::string(R"({"kind":"party","title":"x","date":")" + t + R"("})"),
        std::string(R"({"kind":"joint","title":"  ","date":")" + t + R"("})"),
        std::string(R"({"kind":"joint","title":"x","date":"2026-13-01"})"),
        std::string(R"({"kind":"joint","title":"x","date":")" + t + R"(","attendees":["nope"]})"),
        std::string(R"({"kind":"joint","title":"x"})"), std::string("not json")}) {
    CAPTURE(body);
    const ApiResult r = office.post("/api/v1/meetings", body);
    CHECK(r.status == 400);
    CHECK(r.json.HasMember("error"));
  }
  // A date out of range says which bound it crosses, not that it is malformed.
  ApiResult out =
      office.post("/api/v1/meetings", R"({"kind":"joint","title":"x","date":"1990-10-04"})");
  CHECK(out.status == 400);
  CHECK_MESSAGE(
      out.body.find("'date' 1990-10-04 must not be before 2000-01-01") != std::string::npos,
      out.body);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM meetings") == before);

  ApiResult r =
      office.post("/api/v1/meetings", R"({"kind":"joint","title":"x","date":")" + t + R"("})");
  const std::string m = "/api/v1/meetings/" + std::to_string(r.json["id"].GetInt64());
  CHECK(office.post(m + "/hold", R"({"minutes":""})").status == 400);
  CHECK(office.post(m + "/hold", R"({"minutes":"ok","attendees":["nope"]})").status == 400);
  CHECK(office.post("/api/v1/meetings/9999/hold", R"({"minutes":"ok"})").status == 404);
  REQUIRE(office.post(m + "/hold", R"({"minutes":"ok"})").status == 200);
  addMember(office, "c01.police");
  for (const std::string& body :
       {std::string(R"({"text":"x","owner_unit_id":"nope","working_days":3})"),
        std::string(R"({"text":"x","owner_unit_id":"c02.police","working_days":3})"),
        std::string(R"({"text":"x","owner_unit_id":"c01.police","due":"2101-01-01"})"),
        std::string(R"({"text":"x","owner_unit_id":"c01.police"})"),
        std::string(R"({"text":"x","owner_unit_id":"c01.police","working_days":0})"),
        std::string(R"({"text":"x","owner_unit_id":"c01.police","working_days":3,"due":")" + t +
                    R"("})"),
        std::string(R"({"text":"x","owner_unit_id":"c01.police","due":"2020-01-01"})"),
        std::string(R"({"text":"","owner_unit_id":"c01.police","working_days":3})")}) {
    CAPTURE(body);
    CHECK(office.post(m + "/items", body).status == 400);
  }
  CHECK(count(s.app(), "SELECT COUNT(*) FROM decided_items") == 0);
  r = office.post(m + "/items", R"({"text":"x","owner_unit_id":"c01.police","working_days":3})");
  const std::string item = m + "/items/" + std::to_string(r.json["id"].GetInt64());
  CHECK(office.post(item + "/done", R"({"note":""})").status == 400);
  CHECK(office.post(m + "/items/9999/done", R"({"note":"x"})").status == 404);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM decided_items WHERE state='done'") == 0);
}

TEST_CASE("meetings: membership changes are kept as history and phones are masked") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), admin(s.port(), "admin"),
      discipline(s.port(), "city.discipline"), police(s.port(), "city.police.reviewer"),
      county(s.port(), "c01.clerk");

  ApiResult r = office.post("/api/v1/joint-meeting/members",
                            R"({"unit_id":"city.housing","convener":true,"office":true,)"
                            R"("liaison_name":"王测试","liaison_post":"物业科科长",)"
                            R"("liaison_phone":"0355-1234567"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  // A county clerk is not a member: refused before the police join.
  CHECK(police.get("/api/v1/joint-meeting/members").status == 403);
  r = admin.post(
      "/api/v1/joint-meeting/members",
      R"({"unit_id":"city.police","liaison_name":"李测试","liaison_phone":"13900001111"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  r = office.post(
      "/api/v1/joint-meeting/members",
      R"({"unit_id":"city.police","liaison_name":"赵测试","liaison_phone":"13900002222"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);

  // The history: who, when, old -> new, one row per field.
  r = office.get("/api/v1/joint-meeting/members/history?unit=city.police");
  REQUIRE(r.status == 200);
  bool sawName = false;
  for (const auto& h : r.json["history"].GetArray())
    if (std::string(h["field"].GetString()) == "liaison_name" &&
        std::string(h["old"].GetString()) == "李测试") {
      sawName = true;
      CHECK(std::string(h["new"].GetString()) == "赵测试");
      CHECK(std::string(h["user_name"].GetString()) == "市住建分转员");
      CHECK_FALSE(std::string(h["at"].GetString()).empty());
    }
  CHECK(sawName);

  // The office sees phones (and the view is audited); others see them masked.
  const int64_t views = count(s.app(), "SELECT COUNT(*) FROM audit WHERE action='pii.view'");
  r = office.get("/api/v1/joint-meeting/members");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("13900002222") != std::string::npos);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE action='pii.view'") == views + 1);
  for (ApiUser* u : {&police, &discipline, &admin}) {
    r = u->get("/api/v1/joint-meeting/members");
    REQUIRE(r.status == 200);
    CHECK(r.body.find("13900002222") == std::string::npos);
    CHECK(r.json["phones_masked"].GetBool());
    r = u->get("/api/v1/joint-meeting/members/history");
    CHECK(r.body.find("13900001111") == std::string::npos);
  }
  CHECK(county.get("/api/v1/joint-meeting/members").status == 403);

  // Bad input: nothing stored.
  const int64_t rows = count(s.app(), "SELECT COUNT(*) FROM jm_member_history");
  CHECK(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"nope"})").status == 400);
  CHECK(office
            .post("/api/v1/joint-meeting/members",
                  R"({"unit_id":"city.police","liaison_phone":"call me"})")
            .status == 400);
  CHECK(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"city.police","office":true})")
            .status == 400);
  CHECK(office.post("/api/v1/joint-meeting/members/city.health/remove", "{}").status == 404);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM jm_member_history") == rows);
  CHECK(office.post("/api/v1/joint-meeting/members/city.police/remove", "{}").status == 200);
  CHECK(police.get("/api/v1/joint-meeting/members").status == 403);
}

TEST_CASE("meetings: bulletins are published to member units, immutable, and read per unit") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), police(s.port(), "city.police.reviewer"),
      health(s.port(), "city.health.reviewer");
  office.post("/api/v1/joint-meeting/members", R"({"unit_id":"city.police"})");
  office.post("/api/v1/joint-meeting/members", R"({"unit_id":"city.health"})");

  CHECK(office.post("/api/v1/work-bulletins", R"({"title":"","body":"x"})").status == 400);
  CHECK(
      office.post("/api/v1/work-bulletins", R"({"title":"x","body":"y","unit_ids":["c01.police"]})")
          .status == 400);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM work_bulletins") == 0);
  ApiResult r = office.post(
      "/api/v1/work-bulletins",
      R"({"title":"第1期工作简报","body":"各成员单位推进情况。","unit_ids":["city.police"]})");
  REQUIRE(r.status == 201);
  const std::string b = "/api/v1/work-bulletins/" + std::to_string(r.json["id"].GetInt64());
  CHECK(police.post("/api/v1/work-bulletins", R"({"title":"x","body":"y"})").status == 403);
  // A draft is not shown to units and cannot be read yet.
  CHECK(police.get("/api/v1/work-bulletins").json["bulletins"].Size() == 0);
  CHECK(police.post(b + "/read", "{}").status == 404);
  CHECK(office.post(b + "/publish", "{}").status == 200);
  CHECK(office.post(b + "/edit", R"({"title":"改","body":"改"})").status == 409);
  CHECK(office.post(b + "/publish", "{}").status == 409);

  r = police.get("/api/v1/work-bulletins");
  REQUIRE(r.json["bulletins"].Size() == 1);
  CHECK_FALSE(r.json["bulletins"][0]["read"].GetBool());
  CHECK(health.get("/api/v1/work-bulletins").json["bulletins"].Size() == 0);
  CHECK(health.post(b + "/read", "{}").status == 404);
  CHECK(police.post(b + "/read", "{}").status == 200);
  CHECK(police.get("/api/v1/work-bulletins").json["bulletins"][0]["read"].GetBool());
  r = office.get("/api/v1/work-bulletins");
  CHECK(r.json["bulletins"][0]["recipients"][0]["read"].GetBool());
}

TEST_CASE("meetings: every endpoint refuses roles outside the office, members and oversight") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), reviewer(s.port(), "city.reviewer"),
      discipline(s.port(), "city.discipline"), county(s.port(), "c01.dispatcher"),
      street(s.port(), "c01.s01.handler");
  ApiResult r = office.post("/api/v1/meetings",
                            R"({"kind":"joint","title":"x","date":")" + today(s.app()) + R"("})");
  const std::string m = "/api/v1/meetings/" + std::to_string(r.json["id"].GetInt64());

  const char* reads[] = {"/api/v1/meetings",
                         "/api/v1/joint-meeting/members",
                         "/api/v1/joint-meeting/members/history",
                         "/api/v1/joint-meeting/board",
                         "/api/v1/listed-matters",
                         "/api/v1/work-bulletins"};
  for (const char* path : reads) {
    CAPTURE(path);
    CHECK(office.get(path).status == 200);
    CHECK(reviewer.get(path).status == 200);    // city housing staff read
    CHECK(discipline.get(path).status == 200);  // oversight reads
    CHECK(county.get(path).status == 403);
    CHECK(street.get(path).status == 403);
  }
  CHECK(discipline.get(m).status == 200);
  CHECK(county.get(m).status == 403);

  const std::pair<std::string, std::string> writes[] = {
      {"/api/v1/meetings", R"({"kind":"joint","title":"x","date":"2026-01-05"})"},
      {m + "/agenda", R"({"kind":"joint","title":"x","date":"2026-01-05"})"},
      {m + "/hold", R"({"minutes":"x"})"},
      {m + "/close", "{}"},
      {m + "/items", R"({"text":"x","owner_unit_id":"c01.police","working_days":3})"},
      {m + "/items/1/apply", R"({"case_ids":["2026-000001"],"effect":"handler"})"},
      {m + "/items/1/done", R"({"note":"x"})"},
      {"/api/v1/joint-meeting/members", R"({"unit_id":"city.police"})"},
      {"/api/v1/joint-meeting/members/city.police/remove", "{}"},
      {"/api/v1/listed-matters",
       R"({"title":"x","description":"x","owner_unit_id":"c01.police","plan":"x",)"
       R"("start_on":"2026-01-01","due_on":"2026-06-01"})"},
      {"/api/v1/work-bulletins", R"({"title":"x","body":"y"})"},
      {"/api/v1/work-bulletins/1/edit", R"({"title":"x","body":"y"})"},
      {"/api/v1/work-bulletins/1/publish", "{}"}};
  for (const auto& [path, body] : writes) {
    CAPTURE(path);
    for (ApiUser* u : {&reviewer, &discipline, &county, &street}) {
      const ApiResult w = u->post(path, body);
      CHECK(w.status == 403);
    }
  }
  CHECK(count(s.app(), "SELECT COUNT(*) FROM meetings") == 1);
}

TEST_CASE("meetings: the access answer tells each user what the joint-meeting screens may do") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), head(s.port(), "city.head"),
      reviewer(s.port(), "city.reviewer"), discipline(s.port(), "city.discipline"),
      police(s.port(), "c01.police"), clerk(s.port(), "c01.clerk");
  auto access = [](ApiUser& u) {
    ApiResult r = u.get("/api/v1/joint-meeting/access");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return std::string(r.json["read"].GetBool() ? "r" : "-") +
           (r.json["edit"].GetBool() ? "e" : "-") + (r.json["see_phones"].GetBool() ? "p" : "-") +
           (r.json["office_head"].GetBool() ? "h" : "-") +
           (r.json["member_unit"].GetBool() ? "m" : "-");
  };
  CHECK(access(office) == "rep--");
  CHECK(access(head) == "reph-");
  CHECK(access(reviewer) == "r----");
  CHECK(access(discipline) == "r----");
  // Never a refusal: users who may not read are told so, and each answer agrees with the reads.
  CHECK(access(police) == "-----");
  CHECK(access(clerk) == "-----");
  CHECK(police.get("/api/v1/meetings").status == 403);

  // Joining makes the district police a reader (and a member unit); leaving undoes it.
  REQUIRE(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"c01.police"})").status ==
          200);
  CHECK(access(police) == "r---m");
  CHECK(police.get("/api/v1/meetings").status == 200);
  REQUIRE(office.post("/api/v1/joint-meeting/members/c01.police/remove", "{}").status == 200);
  CHECK(access(police) == "-----");
}
