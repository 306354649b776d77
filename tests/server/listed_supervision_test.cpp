// Listed supervision (挂牌督办), the meeting board, and oversight access through the API.
#include <doctest/doctest.h>

#include <cstdio>

#include "api_client.h"
#include "pcs/date.h"
#include "test_server.h"

namespace {

std::string month(pcs::Date d) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year(), d.month());
  return buf;
}

int64_t count(pcs::server::App& app, const std::string& sql) {
  return app.db().reader().execAndGet(sql).getInt64();
}

}  // namespace

TEST_CASE("listed supervision: monthly progress, a late month flagged, and clearing") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), head(s.port(), "city.head"),
      owner(s.port(), "c01.police"), other(s.port(), "c01.s01.handler"),
      discipline(s.port(), "city.discipline");
  const pcs::Date today = pcs::cstDate(s.app().now());
  const pcs::Date start = today.addMonths(-2);
  REQUIRE(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"c01.police"})").status ==
          200);
  ApiResult r = office.post(
      "/api/v1/listed-matters",
      R"({"title":"某小区消防通道长期占用","description":"多次投诉未解决","owner_unit_id":"c01.police",)"
      R"("plan":"一月内清理并建立巡查","start_on":")" +
          start.toString() + R"(","due_on":")" + today.addDays(-1).toString() + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string lm = "/api/v1/listed-matters/" + std::to_string(r.json["id"].GetInt64());

  // Two months ago reported only now: late. This month: on time. Once per month.
  r = owner.post(lm + "/progress",
                 R"({"month":")" + month(start) + R"(","text":"已约谈物业企业"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(owner.post(lm + "/progress", R"({"month":")" + month(today) + R"(","text":"已清理"})")
            .status == 200);
  CHECK(owner.post(lm + "/progress", R"({"month":")" + month(today) + R"(","text":"again"})")
            .status == 409);
  CHECK(
      other
          .post(lm + "/progress", R"({"month":")" + month(today.addMonths(-1)) + R"(","text":"x"})")
          .status == 403);

  r = discipline.get(lm);
  REQUIRE(r.status == 200);
  REQUIRE(r.json["progress"].Size() == 2);
  CHECK(r.json["progress"][0]["late"].GetBool());
  CHECK_FALSE(r.json["progress"][1]["late"].GetBool());
  // Last month has no report, and the due date passed.
  REQUIRE(r.json["missing_months"].Size() == 1);
  CHECK(std::string(r.json["missing_months"][0].GetString()) == month(today.addMonths(-1)));
  CHECK(r.json["overdue"].GetBool());
  CHECK(r.json["days_left"].GetInt() == -1);

  // Clearing needs a reason and the office's head.
  CHECK(office.post(lm + "/close", R"({"reason":"已解决"})").status == 403);
  CHECK(owner.post(lm + "/close", R"({"reason":"已解决"})").status == 403);
  CHECK(discipline.post(lm + "/close", R"({"reason":"已解决"})").status == 403);
  CHECK(
      discipline
          .post(lm + "/progress", R"({"month":")" + month(today.addMonths(-1)) + R"(","text":"x"})")
          .status == 403);
  // The office may file for the owner too.
  CHECK(office
            .post(lm + "/progress",
                  R"({"month":")" + month(today.addMonths(-1)) + R"(","text":"办公室代报"})")
            .status == 200);
  CHECK(head.post(lm + "/close", R"({"reason":"  "})").status == 400);
  CHECK(head.post(lm + "/close", R"({"reason":"通道已清理，巡查机制建立"})").status == 200);
  CHECK(head.post(lm + "/close", R"({"reason":"again"})").status == 409);
  CHECK(
      owner
          .post(lm + "/progress", R"({"month":")" + month(today.addMonths(-1)) + R"(","text":"x"})")
          .status == 409);
  r = office.get(lm);
  CHECK(std::string(r.json["state"].GetString()) == "closed");
  CHECK(office.get("/api/v1/listed-matters?state=open").json["matters"].Size() == 0);
}

TEST_CASE("listed supervision: bad input on every write is refused and stores nothing") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher");
  const std::string t = pcs::cstDate(s.app().now()).toString();
  const std::string base = R"("description":"d","plan":"p","owner_unit_id":"c01.police",)";
  REQUIRE(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"c01.police"})").status ==
          200);
  for (const std::string& body :
       {R"({"title":"x",)" + base + R"("start_on":")" + t + R"(","due_on":"2020-01-01"})",
        R"({"title":"",)" + base + R"("start_on":")" + t + R"(","due_on":"2099-01-01"})",
        R"({"title":"x","description":"d","plan":"p","owner_unit_id":"nope","start_on":")" + t +
            R"(","due_on":"2099-01-01"})",
        R"({"title":"x",)" + base + R"("start_on":"soon","due_on":"2099-01-01"})",
        R"({"title":"x",)" + base + R"("start_on":")" + t +
            R"(","due_on":"2099-01-01","case_ids":["2026-999999"]})",
        R"({"title":"x",)" + base + R"("start_on":")" + t +
            R"(","due_on":"2099-01-01","meeting_id":77})"}) {
    CAPTURE(body);
    const ApiResult r = office.post("/api/v1/listed-matters", body);
    CHECK(r.status == 400);
    CHECK(r.json.HasMember("error"));
  }
  CHECK(count(s.app(), "SELECT COUNT(*) FROM listed_matters") == 0);

  ApiResult r =
      office.post("/api/v1/listed-matters", R"({"title":"x",)" + base + R"("start_on":")" + t +
                                                R"(","due_on":"2099-01-01"})");
  REQUIRE(r.status == 201);
  const std::string lm = "/api/v1/listed-matters/" + std::to_string(r.json["id"].GetInt64());
  for (const std::string& body :
       {std::string(R"({"month":"2026/01","text":"x"})"),
        std::string(R"({"month":"2099-01","text":"x"})"),
        std::string(R"({"month":"2000-01","text":"x"})"),
        std::string(R"({"month":")" + t.substr(0, 7) + R"(","text":""})")}) {
    CAPTURE(body);
    CHECK(office.post(lm + "/progress", body).status == 400);
  }
  CHECK(office.post("/api/v1/listed-matters/999/progress", R"({"month":"2026-01","text":"x"})")
            .status == 404);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM listed_progress") == 0);
}

TEST_CASE("listed supervision: the owner is a member unit, reads what it reports on") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), police(s.port(), "c01.police"),
      otherPolice(s.port(), "c02.police");
  REQUIRE(office.post("/api/v1/joint-meeting/members", R"({"unit_id":"c01.police"})").status ==
          200);
  const pcs::Date today = pcs::cstDate(s.app().now());
  auto matter = [&](const std::string& owner, const std::string& start, const std::string& due) {
    return R"({"title":"消防通道","description":"d","plan":"p","owner_unit_id":")" + owner +
           R"(","start_on":")" + start + R"(","due_on":")" + due + R"("})";
  };
  const std::string t = today.toString(), due = today.addDays(30).toString();
  const auto audits = count(s.app(), "SELECT COUNT(*) FROM audit");

  // Not a member unit: it could not read the matter, so it cannot own it.
  ApiResult r = office.post("/api/v1/listed-matters", matter("c02.police", t, due));
  CHECK(r.status == 400);
  CHECK_MESSAGE(r.body.find("c02.police") != std::string::npos, r.body);
  CHECK_MESSAGE(r.body.find("not a member unit") != std::string::npos, r.body);
  // Out of range dates say which bound they cross, not that the date is malformed.
  r = office.post("/api/v1/listed-matters", matter("c01.police", "1990-10-04", due));
  CHECK(r.status == 400);
  CHECK_MESSAGE(
      r.body.find("'start_on' 1990-10-04 must not be before 2000-01-01") != std::string::npos,
      r.body);
  r = office.post("/api/v1/listed-matters", matter("c01.police", t, "2150-01-01"));
  CHECK(r.status == 400);
  CHECK_MESSAGE(
      r.body.find("'due_on' 2150-01-01 must not be after 2100-12-31") != std::string::npos, r.body);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM listed_matters") == 0);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == audits);

  // A member unit owns it, reads it and reports on it; another unit does neither.
  r = office.post("/api/v1/listed-matters", matter("c01.police", t, due));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string lm = "/api/v1/listed-matters/" + std::to_string(r.json["id"].GetInt64());
  const std::string report = R"({"month":")" + t.substr(0, 7) + R"(","text":"已约谈"})";
  CHECK(police.get(lm).status == 200);
  CHECK(otherPolice.get(lm).status == 403);
  CHECK(otherPolice.post(lm + "/progress", report).status == 403);

  // An owner that has left the joint meeting no longer reads the matter, nor reports on it:
  // the office reports for it.
  REQUIRE(office.post("/api/v1/joint-meeting/members/c01.police/remove", "{}").status == 200);
  CHECK(police.get(lm).status == 403);
  r = police.post(lm + "/progress", report);
  CHECK(r.status == 403);
  CHECK_MESSAGE(r.body.find("联席会议办公室报送") != std::string::npos, r.body);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM listed_progress") == 0);
  CHECK(office.post(lm + "/progress", report).status == 200);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM listed_progress") == 1);
}

TEST_CASE(
    "listed supervision: the meeting board shows matters and overdue items, no personal data") {
  TestServer s(0);
  ApiUser office(s.port(), "city.dispatcher"), discipline(s.port(), "city.discipline");
  office.post("/api/v1/joint-meeting/members",
              R"({"unit_id":"city.police","liaison_name":"钱测试","liaison_phone":"13900003333"})");
  const pcs::Date today = pcs::cstDate(s.app().now());
  ApiResult r = office.post("/api/v1/meetings", R"({"kind":"joint","title":"旧会议","date":")" +
                                                    today.addDays(-30).toString() + R"("})");
  const std::string m = "/api/v1/meetings/" + std::to_string(r.json["id"].GetInt64());
  office.post(m + "/hold", R"({"minutes":"纪要"})");
  // Due ten days after a meeting thirty days ago: overdue now.
  r = office.post(m + "/items", R"({"text":"逾期事项","owner_unit_id":"city.police","due":")" +
                                    today.addDays(-20).toString() + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  office.post(m + "/items", R"({"text":"未到期事项","owner_unit_id":"city.police","due":")" +
                                today.addDays(10).toString() + R"("})");
  office.post("/api/v1/listed-matters",
              R"({"title":"督办事项","description":"d","plan":"p","owner_unit_id":"city.police",)"
              R"("start_on":")" +
                  today.toString() + R"(","due_on":")" + today.addDays(30).toString() + R"("})");

  r = discipline.get("/api/v1/joint-meeting/board");
  REQUIRE(r.status == 200);
  REQUIRE(r.json["listed_matters"].Size() == 1);
  CHECK(r.json["listed_matters"][0]["days_left"].GetInt() == 30);
  REQUIRE(r.json["decided_items_by_owner"].Size() == 1);
  CHECK(r.json["decided_items_by_owner"][0]["open"].GetInt() == 2);
  CHECK(r.json["decided_items_by_owner"][0]["overdue"].GetInt() == 1);
  CHECK(r.body.find("钱测试") == std::string::npos);
  CHECK(r.body.find("13900003333") == std::string::npos);
  r = office.get(m);
  CHECK(std::string(r.json["items"][0]["state"].GetString()) == "overdue");
}

TEST_CASE("oversight: flags list what was not handled, returned back and forth, answered late") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher"),
      street(s.port(), "c01.s01.handler"), police(s.port(), "c01.police"),
      discipline(s.port(), "city.discipline");
  auto newCase = [&] {
    ApiResult r = clerk.post(
        "/api/v1/cases",
        R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试丙",)"
        R"("complainant_contact":"139-0000-0003","estate_id":"e-1","content":"楼道灯长期不亮"})");
    REQUIRE(r.status == 201);
    return std::string(r.json["case"]["id"].GetString());
  };
  auto act = [&](ApiUser& u, const std::string& id, const std::string& body) {
    const ApiResult r = u.post("/api/v1/cases/" + id + "/actions", body);
    REQUIRE_MESSAGE(r.status == 200, body, " -> ", r.body);
  };
  const std::string dispatchStreet = R"({"action":"dispatch","targets":[{"unit_id":"c01.s01"}]})";
  const std::string dispatchPolice =
      R"({"action":"dispatch","targets":[{"unit_id":"c01.police"}]})";

  // Returned twice: back and forth between two units.
  const std::string bounced = newCase();
  act(dispatcher, bounced, dispatchStreet);
  act(street, bounced, R"({"action":"return","assignment_id":1,"reason":"不属本街道"})");
  act(dispatcher, bounced, dispatchPolice);
  act(police, bounced, R"({"action":"return","assignment_id":2,"reason":"不属公安"})");
  // Dispatched and left waiting; answered (on time).
  const std::string waiting = newCase();
  act(dispatcher, waiting, dispatchStreet);
  const std::string answered = newCase();
  act(dispatcher, answered, dispatchStreet);
  act(street, answered, R"({"action":"accept","assignment_id":1})");
  act(street, answered,
      R"({"action":"resolve","assignment_id":1,"substantiated":true,"text":"已修复"})");

  auto ids = [&](const std::string& query) {
    ApiResult r = discipline.get("/api/v1/oversight/cases?" + query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::vector<std::string> out;
    for (const auto& it : r.json["items"].GetArray()) out.push_back(it["id"].GetString());
    return out;
  };
  CHECK(ids("flag=returned") == std::vector<std::string>{bounced});
  CHECK(ids("flag=answered_late").empty());
  CHECK(ids("flag=not_handled").empty());  // nothing is past its deadline yet

  // One to be answered late: accepted now, answered after its deadline.
  const std::string late = newCase();
  act(dispatcher, late, dispatchStreet);
  act(street, late, R"({"action":"accept","assignment_id":1})");

  // Forty days later (fresh logins: sessions end after 12 hours) the waiting case is past its
  // deadline, still not accepted.
  const int64_t realNow = s.app().now();
  s.app().setClock([realNow] { return realNow + 40 * 86400; });
  ApiUser later(s.port(), "city.discipline"), streetLater(s.port(), "c01.s01.head");
  auto idsLater = [&](const std::string& query) {
    ApiResult r = later.get("/api/v1/oversight/cases?" + query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    std::vector<std::string> out;
    for (const auto& it : r.json["items"].GetArray()) out.push_back(it["id"].GetString());
    return out;
  };
  CHECK(idsLater("flag=not_handled") == std::vector<std::string>{waiting});
  CHECK(idsLater("flag=overdue&flag=not_handled") == std::vector<std::string>{waiting});
  act(streetLater, late,
      R"({"action":"resolve","assignment_id":1,"substantiated":false,"text":"已答复"})");
  CHECK(idsLater("flag=answered_late") == std::vector<std::string>{late});
  ApiUser dispatcherLater(s.port(), "c01.dispatcher"), policeLater(s.port(), "c01.police");
  CHECK(later.get("/api/v1/oversight/cases?flag=lazy").status == 400);
  CHECK(dispatcherLater.get("/api/v1/oversight/cases").status == 403);
  CHECK(streetLater.get("/api/v1/oversight/cases").status == 403);

  // The full audit trail of one case, read-only, no personal data.
  ApiResult r = later.get("/api/v1/oversight/cases/" + bounced + "/audit");
  REQUIRE(r.status == 200);
  CHECK(r.json["entries"].Size() == 5);
  CHECK(std::string(r.json["entries"][2]["action"].GetString()) == "case.return");
  CHECK(r.body.find("139-0000-0003") == std::string::npos);
  CHECK(later.get("/api/v1/oversight/cases/2026-999999/audit").status == 404);
  CHECK(policeLater.get("/api/v1/oversight/cases/" + bounced + "/audit").status == 403);
}
