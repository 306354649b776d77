// The case API against a real server with the demo city's organisation and users.
#include <doctest/doctest.h>

#include "api_client.h"
#include "audit.h"
#include "pcs/date.h"
#include "test_server.h"

namespace {

std::string intakeBody(const std::string& content = "锦绣花园3号楼楼道堆满杂物，物业不清理") {
  return R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试甲",)"
         R"("complainant_contact":"139-0000-0001","estate_id":"e-1","content":")" +
         content + R"("})";
}

std::string action(const std::string& name, int assignment, const std::string& extra = "") {
  return R"({"action":")" + name + R"(","assignment_id":)" + std::to_string(assignment) +
         (extra.empty() ? "" : "," + extra) + "}";
}

int64_t caseCount(pcs::server::App& app) {
  return app.db().reader().execAndGet("SELECT COUNT(*) FROM cases").getInt64();
}

}  // namespace

TEST_CASE("case api: a complaint goes from intake to closure through the API") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher"),
      street(s.port(), "c01.s01.handler"), streetHead(s.port(), "c01.s01.head"),
      housingHead(s.port(), "c01.housing.head"), police(s.port(), "c01.police"),
      reviewer(s.port(), "city.reviewer"), policeReviewer(s.port(), "city.police.reviewer");

  ApiResult r = clerk.post("/api/v1/cases", intakeBody());
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json["case"]["id"].GetString();
  CHECK(std::string(r.json["case"]["state"].GetString()) == "registered");
  CHECK(std::string(r.json["case"]["county_id"].GetString()) == "c01");
  CHECK(std::string(r.json["case"]["street_id"].GetString()) == "c01.s01");
  const std::string base = "/api/v1/cases/" + id;

  r = dispatcher.post(base + "/actions",
                      R"({"action":"dispatch","targets":[{"unit_id":"c01.s01","catalogue_codes":)"
                      R"(["housing.1.5"]},{"unit_id":"c01.police"}]})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["case"]["assignments"].Size() == 2);

  auto step = [&](ApiUser& u, const std::string& body) {
    ApiResult res = u.post(base + "/actions", body);
    CHECK_MESSAGE(res.status == 200, body, " -> ", res.body);
    return res;
  };
  step(street, action("accept", 1));
  step(street, action("resolve", 1, R"("substantiated":true,"text":"已督促物业清理并答复投诉人")"));
  step(streetHead, action("co_sign_street", 1, R"("text":"同意")"));
  step(housingHead, action("co_sign_housing", 1, R"("text":"同意")"));
  step(dispatcher, action("submit_review", 1));
  step(reviewer, action("approve", 1));
  step(police, action("accept", 2));
  step(police, action("resolve", 2, R"("substantiated":false,"text":"经查不属实，已答复")"));
  step(police, action("submit_review", 2));
  r = step(policeReviewer, action("approve", 2));
  CHECK(std::string(r.json["case"]["state"].GetString()) == "closed");
  CHECK(r.json["case"]["events"].Size() == 12);

  // The audit log has every step and its chain verifies.
  pcs::server::AuditVerification v = pcs::server::verifyAudit(s.app().db().reader());
  CHECK(v.ok);
  CHECK(s.app()
            .db()
            .reader()
            .execAndGet("SELECT COUNT(*) FROM audit WHERE subject='case:" + id + "'")
            .getInt() == 12);
}

TEST_CASE("case api: intake refuses bad input with a clear message and stores nothing") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  const int64_t before = caseCount(s.app());
  struct Bad {
    std::string body;
    const char* words;
  } cases[] = {
      {"", "JSON body"},
      {"not json", "not valid JSON"},
      {"[1,2]", "object"},
      {R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"甲"})",
       "content"},
      {R"({"received_at":"yesterday","channel":"phone","content":"x","complainant_name":"甲"})",
       "received_at"},
      {R"({"received_at":"2026-12-01 09:30","channel":"fax","content":"x","complainant_name":"甲"})",
       "fax"},
      {R"({"received_at":"2026-12-01 09:30","channel":"phone","content":"x","estate_id":"nope",)"
       R"("complainant_name":"甲"})",
       "nope"},
      {R"({"received_at":"2026-12-01 09:30","channel":"phone","content":"x"})", "至少填写一项"},
      {R"({"received_at":"2026-12-01 09:30","channel":"phone","content":"\u0000x",)"
       R"("complainant_name":"甲"})",
       "NUL"},
      {R"({"received_at":"2026-12-01 09:30","channel":"phone","content":12,)"
       R"("complainant_name":"甲"})",
       "string"},
  };
  for (const Bad& b : cases) {
    ApiResult r = clerk.post("/api/v1/cases", b.body);
    CHECK_MESSAGE(r.status == 400, b.body, " -> ", r.body);
    CHECK_MESSAGE(r.body.find(b.words) != std::string::npos, b.body, " -> ", r.body);
  }
  ApiResult huge = clerk.post("/api/v1/cases", intakeBody(std::string(30000, 'x')));
  CHECK(huge.status == 400);
  CHECK(caseCount(s.app()) == before);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("case api: users see only the cases in their scope") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  ApiUser otherCounty(s.port(), "c02.dispatcher"), police(s.port(), "c01.police");
  ApiUser discipline(s.port(), "city.discipline"), cityPolice(s.port(), "city.police.reviewer");
  const std::string id = clerk.post("/api/v1/cases", intakeBody()).json["case"]["id"].GetString();
  const std::string path = "/api/v1/cases/" + id;

  CHECK(dispatcher.get(path).status == 200);
  CHECK(otherCounty.get(path).status == 404);
  CHECK(police.get(path).status == 404);  // not dispatched to the police yet
  CHECK(cityPolice.get(path).status == 404);
  ApiResult d = discipline.get(path);
  CHECK(d.status == 200);
  CHECK(d.json["actions"].Size() == 0);  // oversight reads, never acts

  dispatcher.post(path + "/actions",
                  R"({"action":"dispatch","targets":[{"unit_id":"c01.police"}]})");
  CHECK(police.get(path).status == 200);
  CHECK(cityPolice.get(path).status == 200);  // reviews its county counterpart's work
  CHECK(otherCounty.get("/api/v1/cases?limit=50").json["items"].Size() == 0);
  CHECK(dispatcher.get("/api/v1/cases?limit=50").json["items"].Size() == 1);
}

TEST_CASE("case api: actions need the CSRF token, the right unit and a fresh version") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  ApiUser police(s.port(), "c01.police");
  const std::string id = clerk.post("/api/v1/cases", intakeBody()).json["case"]["id"].GetString();
  const std::string path = "/api/v1/cases/" + id + "/actions";
  const std::string dispatch = R"({"action":"dispatch","targets":[{"unit_id":"c01.police"}]})";

  ApiResult r = dispatcher.post(path, dispatch, false);
  CHECK(r.status == 403);
  CHECK(r.body.find("CSRF") != std::string::npos);
  r = clerk.post(path, dispatch);  // a clerk is not a dispatcher
  CHECK(r.status == 403);
  CHECK(r.body.find("分转员") != std::string::npos);
  r = dispatcher.post(path,
                      R"({"action":"dispatch","targets":[{"unit_id":"c01.police"}],"version":7})");
  CHECK(r.status == 409);
  r = dispatcher.post(path, R"({"action":"fly"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("fly") != std::string::npos);
  r = dispatcher.post(path, dispatch);
  CHECK(r.status == 200);
  r = police.post(path, action("resolve", 1, R"("substantiated":true,"text":"x")"));
  CHECK(r.status == 409);  // not accepted yet
  CHECK(r.body.find("待签收") != std::string::npos);
  // Only the dispatch changed the case: 2 events.
  CHECK(dispatcher.get("/api/v1/cases/" + id).json["case"]["events"].Size() == 2);
}

TEST_CASE("case api: set_decided_deadline is refused here: only a meeting item applies it") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher"),
      office(s.port(), "city.dispatcher");
  const std::string id = clerk.post("/api/v1/cases", intakeBody()).json["case"]["id"].GetString();
  const std::string path = "/api/v1/cases/" + id + "/actions";
  REQUIRE(
      dispatcher.post(path, R"({"action":"dispatch","targets":[{"unit_id":"c01.s01"}]})").status ==
      200);
  auto count = [&](const std::string& sql) {
    return s.app().db().reader().execAndGet(sql).getInt64();
  };
  const int64_t version = count("SELECT version FROM cases WHERE id = '" + id + "'");
  const int64_t audits = count("SELECT COUNT(*) FROM audit");

  // The joint-meeting office holds the right, yet the generic path refuses the action: it
  // would move the deadline without the deadline_changes row and the decided item.
  const std::string to = pcs::cstDate(s.app().now()).addDays(20).toString();
  ApiResult r = office.post(
      path, action("set_decided_deadline", 1, R"("reason":"联席会议议定","to":")" + to + "\""));
  CHECK(r.status == 400);
  CHECK(r.body.find("POST /meetings/{id}/items/{item}/apply") != std::string::npos);
  CHECK(count("SELECT version FROM cases WHERE id = '" + id + "'") == version);
  CHECK(count("SELECT COUNT(*) FROM deadline_changes") == 0);
  CHECK(count("SELECT COUNT(*) FROM audit") == audits);
  const ApiResult after = dispatcher.get("/api/v1/cases/" + id);
  const auto& due = after.json["case"]["assignments"][0]["resolve_due"];
  CHECK((due.IsNull() || std::string(due["rule_id"].GetString()) != "D"));
}

TEST_CASE("case api: the complainant's contact is masked and every view of it is recorded") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), discipline(s.port(), "city.discipline");
  ApiResult created = clerk.post("/api/v1/cases", intakeBody());
  const std::string id = created.json["case"]["id"].GetString();
  CHECK(std::string(created.json["case"]["complainant"]["name"].GetString()) == "测**");
  CHECK(std::string(created.json["case"]["complainant"]["contact"].GetString()).find("****") !=
        std::string::npos);
  CHECK(std::string(created.json["case"]["complainant"]["key"].GetString()).empty());
  CHECK(created.body.find("139-0000-0001") == std::string::npos);

  ApiResult c = clerk.get("/api/v1/cases/" + id + "/contact?purpose=回访");
  CHECK(c.status == 200);
  CHECK(std::string(c.json["contact"].GetString()) == "139-0000-0001");
  CHECK(discipline.get("/api/v1/cases/" + id + "/contact").status == 403);
  CHECK(s.app()
            .db()
            .reader()
            .execAndGet(
                "SELECT COUNT(*) FROM audit WHERE action='pii.view' AND subject='case:" + id + "'")
            .getInt() == 1);
}

TEST_CASE("case api: routing suggestions name catalogue entries and handler keys") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  ApiResult r = clerk.post("/api/v1/routing/suggest", R"({"text":"楼上往下扔东西，太危险了"})");
  REQUIRE(r.status == 200);
  REQUIRE(r.json["suggestions"].Size() > 0);
  const auto& first = r.json["suggestions"][0];
  CHECK(std::string(first["handler"].GetString()) == "police");
  CHECK(std::string(first["code"].GetString()).rfind("police.", 0) == 0);
  CHECK(first["title"].IsString());
  CHECK(first["score"].GetDouble() > 0);
  CHECK(r.json["urgent"].GetBool());
  CHECK(clerk.post("/api/v1/routing/suggest", "{}").status == 400);
}

TEST_CASE("case api: a merge may only target a case the user can see") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  ApiUser otherClerk(s.port(), "c02.clerk");
  const std::string mine = clerk.post("/api/v1/cases", intakeBody()).json["case"]["id"].GetString();
  ApiResult other = otherClerk.post(
      "/api/v1/cases",
      R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试乙",)"
      R"("estate_id":"e-6","content":"春晓苑电梯故障"})");
  REQUIRE_MESSAGE(other.status == 201, other.body);
  const std::string theirs = other.json["case"]["id"].GetString();
  ApiResult r =
      dispatcher.post("/api/v1/cases/" + mine + "/actions",
                      R"({"action":"merge","reason":"重复","target_case_id":")" + theirs + R"("})");
  CHECK(r.status == 400);
  CHECK(r.body.find("no case") != std::string::npos);
  // Nothing changed on either case.
  CHECK(dispatcher.get("/api/v1/cases/" + mine).json["case"]["events"].Size() == 1);
  CHECK(otherClerk.get("/api/v1/cases/" + theirs).json["case"]["events"].Size() == 1);
}

TEST_CASE("case api: regressions from trying to break intake and dispatch") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  const std::string head = R"({"received_at":"2026-12-01 09:30","channel":"phone",)";
  // Content of control or invisible characters only; a blank-looking name.
  ApiResult r =
      clerk.post("/api/v1/cases", head + R"("complainant_name":"甲","content":"a\u0001b"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("控制字符") != std::string::npos);
  r = clerk.post("/api/v1/cases", head + R"("complainant_name":"甲","content":"\u200b\u200b"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("不能为空") != std::string::npos);
  r = clerk.post("/api/v1/cases", head + R"("complainant_name":"\u3000\u3000 ","content":"漏水"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("至少填写一项") != std::string::npos);
  r = clerk.post("/api/v1/cases", R"({"received_at":"1990-01-01 09:30","channel":"phone",)"
                                  R"("complainant_name":"甲","content":"漏水"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("2000") != std::string::npos);
  // A catalogue code that does not exist is refused at dispatch.
  const std::string id = clerk.post("/api/v1/cases", intakeBody()).json["case"]["id"].GetString();
  r = dispatcher.post("/api/v1/cases/" + id + "/actions",
                      R"({"action":"dispatch","targets":[{"unit_id":"c01.s01",)"
                      R"("catalogue_codes":["nope.1"]}]})");
  CHECK(r.status == 400);
  CHECK(r.body.find("nope.1") != std::string::npos);
  // A date range includes its last day (the case was received 2026-12-01 09:30).
  CHECK(clerk.get("/api/v1/cases?from=2026-12-01&to=2026-12-01").json["items"].Size() == 1);
  CHECK(clerk.get("/api/v1/cases?from=2026-11-30&to=2026-11-30").json["items"].Size() == 0);
}

TEST_CASE("reference api: estate and company pickers take a limit, bounded to 1-500") {
  TestServer server(0);
  ApiUser clerk(server.port(), "c01.clerk");
  const ApiResult byDefault = clerk.get("/api/v1/estates");
  REQUIRE(byDefault.status == 200);
  CHECK(byDefault.json["estates"].Size() <= 20);
  const ApiResult few = clerk.get("/api/v1/estates?limit=5");
  REQUIRE(few.status == 200);
  CHECK(few.json["estates"].Size() == 5);
  const ApiResult all = clerk.get("/api/v1/estates?limit=500");
  REQUIRE(all.status == 200);
  CHECK(all.json["estates"].Size() > 5);
  const ApiResult companies = clerk.get("/api/v1/companies?limit=500");
  REQUIRE(companies.status == 200);
  CHECK(companies.json["companies"].Size() >= 1);
  for (const char* bad : {"0", "501", "abc", "", "-1", "99999999999999999999"}) {
    const ApiResult r = clerk.get(std::string("/api/v1/estates?limit=") + bad);
    CHECK_MESSAGE(r.status == 400, bad);
    CHECK(r.body.find("'limit' must be 1 to 500") != std::string::npos);
  }
}
