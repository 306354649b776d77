// Satisfaction surveys (server/surveys.h): households counted once, the company's staff kept
// out, the rate, bad input on every write path, who may do what, and closing a survey feeding
// the ledger job's regrade and exit proposals (R11, R12).
#include "surveys.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "scheduler.h"
#include "test_server.h"

namespace {

int64_t at(const std::string& cst) {
  const auto t = pcs::parseCst(cst);
  REQUIRE_MESSAGE(t, cst);
  return *t;
}

int64_t count(TestServer& s, const std::string& sql) {
  return s.app().db().reader().execAndGet(sql).getInt64();
}

std::string text(TestServer& s, const std::string& sql) {
  return s.app().db().reader().execAndGet(sql).getString();
}

std::string response(const std::string& household, const std::string& rating,
                     const std::string& extra = "") {
  return R"({"household":")" + household + R"(","rating":")" + rating + "\"" + extra + "}";
}

}  // namespace

TEST_CASE("surveys: household addresses written differently are one household") {
  using pcs::server::normaliseHousehold;
  const std::string key = normaliseHousehold("3栋2单元301");
  CHECK(key == "3-2-301");
  CHECK(normaliseHousehold("3幢2单元301室") == key);
  CHECK(normaliseHousehold("3号楼2单元301") == key);
  CHECK(normaliseHousehold("３栋２单元３０１") == key);
  CHECK(normaliseHousehold("三栋二单元301室") == key);
  CHECK(normaliseHousehold("3-2-301") == key);
  CHECK(normaliseHousehold(" 3# 2-0301 ") == key);
  CHECK(normaliseHousehold("十二栋1单元101") == "12-1-101");
  CHECK(normaliseHousehold("东区3栋101") == "东区-3-101");
  CHECK(normaliseHousehold("a座1201") == "A-1201");
  // Different households stay different.
  CHECK(normaliseHousehold("3栋2单元302") != key);
  CHECK(normaliseHousehold("3栋301") != key);
  CHECK(normaliseHousehold("西区3栋101") != normaliseHousehold("东区3栋101"));
  CHECK_THROWS_AS(normaliseHousehold(""), pcs::Error);
  CHECK_THROWS_AS(normaliseHousehold("栋单元室"), pcs::Error);
  CHECK_THROWS_AS(normaliseHousehold(std::string(101, '1')), pcs::Error);
}

TEST_CASE("surveys: text that is not a household is refused, saying what a household is") {
  using pcs::server::normaliseHousehold;
  // Every spelling the docs list stays valid.
  for (const char* ok : {"3栋2单元301", "3幢2单元301室", "3号楼2单元301", "三栋二单元301",
                         "3-2-301", "东区3栋101", "A座1201", "1栋101", "3栋2单元3201"})
    CHECK_MESSAGE(normaliseHousehold(ok).size() > 0, ok);
  auto refusal = [](const std::string& raw) {
    try {
      normaliseHousehold(raw);
    } catch (const pcs::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted: ") + normaliseHousehold(raw);
  };
  // No room number: letters only, a room too short, trailing text, a number too long.
  for (const char* bad :
       {"abc", "Room 1", "3栋2单元1", "3栋2单元301东", "3-2-30101", "幸福里5号"}) {
    const std::string why = refusal(bad);
    CHECK_MESSAGE(why.find("没有房号") != std::string::npos, bad, " -> ", why);
    CHECK_MESSAGE(why.find("3栋2单元301或3-2-301") != std::string::npos, bad, " -> ", why);
  }
  // A word is not a building letter; other symbols are not part of an address.
  CHECK(refusal("Room 101").find("“ROOM”不是楼栋或单元的编号") != std::string::npos);
  CHECK(refusal("3-2-301!").find("不能含有“!”") != std::string::npos);
  CHECK(refusal("3-2-301😀").find("不能含有") != std::string::npos);
  // Control characters, the BEL the tester typed among them.
  for (const std::string& bad :
       {std::string("3-2-301\a"), std::string("3-2\t301"), std::string("3-2-301\n"),
        std::string("3-2-\x7f"
                    "301"),
        std::string("3-2-301\xc2\x85")})
    CHECK_MESSAGE(refusal(bad).find("控制字符") != std::string::npos, refusal(bad));
}

TEST_CASE(
    "surveys: one response per household, staff refused, the rate, bad input stores "
    "nothing") {
  TestServer s(0);
  s.app().setClock([] { return at("2026-02-10 10:00"); });
  ApiUser head(s.port(), "c01.housing.head"), street(s.port(), "c01.s01.handler"),
      clerk(s.port(), "c01.clerk"), police(s.port(), "c01.police"),
      otherStreet(s.port(), "c02.s01.handler"), discipline(s.port(), "city.discipline"),
      admin(s.port(), "admin");

  // Opening: bad input first, nothing stored.
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-13"})").status == 400);
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-1"})").status == 400);
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-999","period":"2026-02"})").status == 404);
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":2026})").status == 400);
  CHECK(head.post("/api/v1/surveys", "not json").status == 400);
  // e-12 (南苑新村) has no company; e-6 lies in another county.
  CHECK(admin.post("/api/v1/surveys", R"({"estate_id":"e-12","period":"2026-02"})").status == 400);
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-6","period":"2026-02"})").status == 403);
  CHECK(clerk.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02"})").status == 403);
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02"})",
                  /*withCsrf=*/false)
            .status == 403);
  CHECK(count(s, "SELECT COUNT(*) FROM surveys") == 0);

  ApiResult r = head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  CHECK(std::string(r.json["company_id"].GetString()) == "co-1");
  CHECK(std::string(r.json["state"].GetString()) == "open");
  CHECK(head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02"})").status == 409);
  const std::string responses = "/api/v1/surveys/" + id + "/responses";

  // The staff register keeps hashes only, and checks every entry before storing any.
  CHECK(head.post("/api/v1/companies/co-1/staff", R"({"contacts":["13900007777","无"]})").status ==
        400);
  CHECK(head.post("/api/v1/companies/co-1/staff", R"({"id_numbers":["12345"]})").status == 400);
  CHECK(head.post("/api/v1/companies/co-1/staff", "{}").status == 400);
  CHECK(clerk.post("/api/v1/companies/co-1/staff", R"({"contacts":["13900007777"]})").status ==
        403);
  CHECK(head.post("/api/v1/companies/co-404/staff", R"({"contacts":["13900007777"]})").status ==
        404);
  CHECK(count(s, "SELECT COUNT(*) FROM company_staff") == 0);
  r = head.post("/api/v1/companies/co-1/staff",
                R"({"contacts":["139 0000 7777"],"id_numbers":["11010519900101123X"]})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["added"].GetInt() == 2);
  CHECK(count(s, "SELECT COUNT(*) FROM company_staff WHERE person_key LIKE '%7777%'") == 0);

  // First answer of household 3-2-301, then the same household written differently: 409.
  r = street.post(responses, response("3栋2单元301", "satisfied"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(std::string(r.json["household"].GetString()) == "3-2-301");
  r = street.post(responses, response("3幢2单元301室", "dissatisfied"));
  CHECK(r.status == 409);
  CHECK(r.body.find("已答过") != std::string::npos);
  CHECK(count(s, "SELECT COUNT(*) FROM survey_responses") == 1);

  // Staff: by telephone, by identity number (lower-case x), by declared employer.
  r = street.post(responses, response("5栋1单元101", "satisfied",
                                      R"(,"respondent_contact":"+86 139-0000-7777")"));
  CHECK(r.status == 403);
  CHECK(std::string(r.json["status"].GetString()) == "refused");
  CHECK(r.body.find("员工") != std::string::npos);
  r = street.post(responses, response("5栋1单元102", "satisfied",
                                      R"(,"respondent_id_number":"11010519900101123x")"));
  CHECK(r.status == 403);
  r = street.post(responses, response("5栋1单元103", "satisfied",
                                      R"(,"declared_employer":" 云川市安居物业服务有限公司")"));
  CHECK(r.status == 403);
  CHECK(count(s, "SELECT COUNT(*) FROM survey_responses WHERE status = 'refused'") == 3);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action = 'survey.refuse'") == 3);
  // Another company's staff and a resident with a number not on the register answer.
  r = street.post(responses, response("3栋2单元302", "basic",
                                      R"(,"respondent_contact":"13900008888",)"
                                      R"("declared_employer":"云川恒信物业管理有限公司")"));
  REQUIRE_MESSAGE(r.status == 201, r.body);

  // Bad input on the response path: nothing stored.
  const int64_t before = count(s, "SELECT COUNT(*) FROM survey_responses");
  CHECK(street.post(responses, response("3栋2单元303", "great")).status == 400);
  CHECK(street.post(responses, response("室", "satisfied")).status == 400);
  CHECK(street.post(responses, R"({"rating":"satisfied"})").status == 400);
  CHECK(street
            .post(responses,
                  response("3栋2单元303", "satisfied", R"(,"respondent_id_number":"12345")"))
            .status == 400);
  CHECK(street.post("/api/v1/surveys/999/responses", response("3栋2单元303", "satisfied")).status ==
        404);
  // Who may record: the estate's street office and community, the authority; not a police
  // handler, and another county's street does not even see it.
  CHECK(police.post(responses, response("3栋2单元303", "satisfied")).status == 404);
  CHECK(otherStreet.post(responses, response("3栋2单元303", "satisfied")).status == 404);
  CHECK(discipline.post(responses, response("3栋2单元303", "satisfied")).status == 403);
  // Text that is not a household: the message says what a household looks like.
  for (const char* bad : {"abc", "Room 1", "3-2-301\\u0007", "3栋2单元3"}) {
    r = street.post(responses, response(bad, "satisfied"));
    CHECK_MESSAGE(r.status == 400, bad, " -> ", r.body);
    const bool says = r.body.find("3栋2单元301") != std::string::npos ||
                      r.body.find("控制字符") != std::string::npos;
    CHECK_MESSAGE(says, r.body);
  }
  CHECK(count(s, "SELECT COUNT(*) FROM survey_responses") == before);
  CHECK(count(s,
              "SELECT COUNT(*) FROM survey_responses WHERE household LIKE '%ABC%' OR "
              "household LIKE '%ROOM%'") == 0);

  for (const char* room : {"303", "304", "305"})
    REQUIRE(
        street.post(responses, response(std::string("3栋2单元") + room, "dissatisfied")).status ==
        201);

  // Reading: counts and the live rate (2 of 5 counted are satisfied or basically satisfied).
  r = discipline.get("/api/v1/surveys/" + id);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["counts"]["counted"].GetInt() == 5);
  CHECK(r.json["counts"]["refused"].GetInt() == 3);
  CHECK(r.json["counts"]["satisfied"].GetInt() == 1);
  CHECK(r.json["counts"]["basic"].GetInt() == 1);
  CHECK(r.json["satisfaction"].GetDouble() == doctest::Approx(0.4));
  CHECK(r.json["responses"].Size() == 8);
  CHECK(r.body.find("13900008888") == std::string::npos);  // contacts are never stored
  CHECK(otherStreet.get("/api/v1/surveys/" + id).status == 404);
  CHECK(head.get("/api/v1/surveys?estate_id=e-1").json["items"].Size() == 1);
  CHECK(head.get("/api/v1/surveys?state=shut").status == 400);
  CHECK(police.get("/api/v1/surveys").status == 403);

  // Closing: only the authority; then closed for good.
  const std::string close = "/api/v1/surveys/" + id + "/close";
  CHECK(street.post(close, "{}").status == 403);
  CHECK(head.post(close, R"({"refused_to_fix":"yes"})").status == 400);
  CHECK(text(s, "SELECT state FROM surveys WHERE id = " + id) == "open");
  r = head.post(close, R"({"refused_to_fix":false,"note":"入户走访"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["state"].GetString()) == "closed");
  CHECK(r.json["satisfaction"].GetDouble() == doctest::Approx(0.4));
  CHECK(head.post(close, "{}").status == 409);
  CHECK(street.post(responses, response("9栋1单元101", "satisfied")).status == 409);

  // A survey without a counted response cannot be closed.
  r = head.post("/api/v1/surveys", R"({"estate_id":"e-2","period":"2026-02"})");
  REQUIRE(r.status == 201);
  const std::string empty = std::to_string(r.json["id"].GetInt64());
  CHECK(head.post("/api/v1/surveys/" + empty + "/close", "{}").status == 400);
  CHECK(text(s, "SELECT state FROM surveys WHERE id = " + empty) == "open");
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE(
    "surveys: a household refused as staff cannot retry, periods, notes and the staff register "
    "are checked, and every refusal stores nothing") {
  TestServer s(0);
  s.app().setClock([] { return at("2026-02-10 10:00"); });
  ApiUser head(s.port(), "c01.housing.head"), street(s.port(), "c01.s01.handler"),
      otherHead(s.port(), "c02.housing.head"), cityHead(s.port(), "city.head");
  auto surveysStored = [&] {
    return text(s,
                "SELECT COUNT(*) || '#' || COALESCE(group_concat(id || ':' || period || ':' || "
                "state || ':' || note, ','), '') FROM surveys");
  };

  // Periods: not after the current month (2026-02), not more than 12 months before it.
  const std::string empty = surveysStored();
  for (const auto& [period, says] :
       std::vector<std::pair<std::string, std::string>>{{"2026-03", "晚于本月（2026-02）"},
                                                        {"2027-05", "晚于本月"},
                                                        {"2025-01", "12个月"},
                                                        {"2001-01", "12个月"}}) {
    ApiResult r =
        head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":")" + period + R"("})");
    CHECK_MESSAGE(r.status == 400, period, " -> ", r.body);
    CHECK_MESSAGE(r.body.find(says) != std::string::npos, r.body);
  }
  // A note with a control character, on opening.
  ApiResult r = head.post("/api/v1/surveys",
                          R"({"estate_id":"e-1","period":"2026-02","note":"入户\u0007走访"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("控制字符") != std::string::npos);
  CHECK(surveysStored() == empty);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action = 'survey.open'") == 0);
  // The oldest month allowed, 12 before the current one.
  r = head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2025-02"})");
  CHECK_MESSAGE(r.status == 201, r.body);
  r = head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02","note":"入户走访"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  const std::string responses = "/api/v1/surveys/" + id + "/responses";

  // The staff register: contacts must be telephone numbers; a county keeps the register only
  // of a company managing an estate in it. co-1 manages e-1 in c01; a company managing none
  // in c01, and one managing none in c02, are looked up in the reference data.
  const std::string notInC01 = text(s,
                                    "SELECT id FROM companies WHERE id NOT IN (SELECT company_id "
                                    "FROM estates WHERE county_id = 'c01' AND company_id IS NOT "
                                    "NULL) ORDER BY id LIMIT 1");
  const std::string inC01NotC02 = text(s,
                                       "SELECT company_id FROM estates WHERE county_id = 'c01' "
                                       "AND company_id NOT IN (SELECT company_id FROM estates "
                                       "WHERE county_id = 'c02' AND company_id IS NOT NULL) "
                                       "ORDER BY company_id LIMIT 1");
  REQUIRE_FALSE(notInC01.empty());
  REQUIRE_FALSE(inC01NotC02.empty());
  const std::string staffBody = R"({"contacts":["13900007777"]})";
  r = head.post("/api/v1/companies/" + notInC01 + "/staff", staffBody);
  CHECK_MESSAGE(r.status == 403, notInC01, " -> ", r.body);
  CHECK(r.body.find("没有在管小区") != std::string::npos);
  CHECK(otherHead.post("/api/v1/companies/" + inC01NotC02 + "/staff", staffBody).status == 403);
  for (const char* bad : {R"({"contacts":["abc"]})", R"({"contacts":["13900007777","12345"]})",
                          R"({"contacts":["电话 123-456"]})"}) {
    r = head.post("/api/v1/companies/co-1/staff", bad);
    CHECK_MESSAGE(r.status == 400, bad, " -> ", r.body);
    CHECK_MESSAGE(r.body.find("不是电话号码") != std::string::npos, r.body);
    CHECK_MESSAGE(r.body.find("contacts[") != std::string::npos, r.body);
  }
  CHECK(count(s, "SELECT COUNT(*) FROM company_staff") == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action = 'company.staff'") == 0);
  // The city's authority keeps any company's register; the county its own companies'.
  r = cityHead.post("/api/v1/companies/" + notInC01 + "/staff", R"({"contacts":["13900006666"]})");
  CHECK_MESSAGE(r.status == 200, r.body);
  r = head.post("/api/v1/companies/co-1/staff", staffBody);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(count(s, "SELECT COUNT(*) FROM company_staff") == 2);

  // A household refused as staff may not answer again, with no or another telephone, however
  // the household is written; nothing more is stored.
  r = street.post(responses,
                  response("3-2-302", "satisfied", R"(,"respondent_contact":"13900007777")"));
  REQUIRE(r.status == 403);
  const auto stored = [&] {
    return text(s,
                "SELECT COUNT(*) || '#' || group_concat(household || ':' || status, ',') "
                "FROM survey_responses") +
           "#" + std::to_string(count(s, "SELECT COUNT(*) FROM audit"));
  };
  const std::string afterRefusal = stored();
  for (const std::string& retry :
       {response("3-2-302", "satisfied"), response("3栋2单元302室", "basic"),
        response("3-2-302", "satisfied", R"(,"respondent_contact":"13900001234")"),
        response("3-2-302", "satisfied", R"(,"respondent_contact":"13900007777")")}) {
    r = street.post(responses, retry);
    CHECK_MESSAGE(r.status == 409, retry, " -> ", r.body);
    CHECK_MESSAGE(r.body.find("已被拒收") != std::string::npos, r.body);
    CHECK_MESSAGE(r.body.find("员工名册") != std::string::npos, r.body);  // why
  }
  CHECK(stored() == afterRefusal);
  // Another household answers.
  REQUIRE(street.post(responses, response("3-2-303", "satisfied")).status == 201);

  // A note with a control character, on closing: still open, the note unchanged.
  const std::string before = surveysStored();
  r = head.post("/api/v1/surveys/" + id + "/close", R"({"note":"结束\u001b"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("控制字符") != std::string::npos);
  CHECK(surveysStored() == before);
  CHECK(head.post("/api/v1/surveys/" + id + "/close", R"({"note":"结束"})").status == 200);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE(
    "surveys: a closed survey below 60% makes the ledger job propose a regrade, and with "
    "over 20 substantiated complainants the exit procedure") {
  TestServer s(0);
  const int64_t now = at("2026-02-20 10:00");
  s.app().setClock([now] { return now; });
  pcs::server::Scheduler sched(s.app());
  ApiUser head(s.port(), "c01.housing.head"), street(s.port(), "c01.s01.handler");
  auto proposals = [&](const std::string& rule) {
    return count(s, "SELECT COUNT(*) FROM ledger_proposals WHERE company_id = 'co-1' AND rule = '" +
                        rule + "' AND state = 'open'");
  };

  // 21 distinct complainants with substantiated complaints against co-1 within the year: the
  // ledger columns the job reads, written directly (the job reads nothing else).
  s.app().db().write([&](SQLite::Database& tx) {
    for (int i = 1; i <= 21; ++i) {
      SQLite::Statement st(tx,
                           "INSERT INTO cases(id, county_id, estate_id, company_id, "
                           "owner_unit_id, intake_unit_id, state, urgent, major, channel, "
                           "received_at, registered_at, complainant_key, substantiated, "
                           "excerpt, version, updated_at, data) VALUES(?, 'c01', 'e-1', 'co-1', "
                           "'c01.housing', 'c01.housing', 'closed', 0, 0, 'phone', ?, ?, ?, 1, "
                           "'', 1, ?, X'00')");
      st.bind(1, "2026-9" + std::to_string(10000 + i));
      st.bind(2, at("2026-01-05 09:00") + i * 60);
      st.bind(3, at("2026-01-05 09:00") + i * 60);
      st.bind(4, "m:1390000" + std::to_string(1000 + i));
      st.bind(5, now);
      st.exec();
    }
  });
  CHECK(sched.runLedger(now).added >= 1);
  CHECK(proposals("grade_review") == 1);  // more than 10 substantiated in half a year
  CHECK(proposals("regrade") == 0);       // no survey yet
  CHECK(proposals("exit") == 0);          // 21, but neither refusal nor low satisfaction

  ApiResult r = head.post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-02"})");
  REQUIRE(r.status == 201);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  // 4 of 10 households satisfied: 40%, below both the 60% and the 50% lines.
  for (int i = 1; i <= 10; ++i)
    REQUIRE(street
                .post("/api/v1/surveys/" + id + "/responses",
                      response("8栋1单元" + std::to_string(100 + i),
                               i <= 4 ? "satisfied" : "dissatisfied"))
                .status == 201);
  // An open survey feeds nothing.
  CHECK(sched.runLedger(now).added == 0);
  REQUIRE(head.post("/api/v1/surveys/" + id + "/close", "{}").status == 200);

  CHECK(sched.runLedger(now).added == 2);
  REQUIRE(proposals("regrade") == 1);
  REQUIRE(proposals("exit") == 1);
  const std::string regrade = text(s,
                                   "SELECT evidence FROM ledger_proposals WHERE rule = 'regrade' "
                                   "AND company_id = 'co-1'");
  CHECK(regrade.find("\"what\":\"satisfaction\"") != std::string::npos);
  CHECK(regrade.find("\"value\":0.4") != std::string::npos);
  CHECK(regrade.find("\"threshold\":0.6") != std::string::npos);
  const std::string exit =
      text(s, "SELECT evidence FROM ledger_proposals WHERE rule = 'exit' AND company_id = 'co-1'");
  CHECK(exit.find("\"distinct_complainants\":21") != std::string::npos);
  CHECK(exit.find("\"threshold\":0.5") != std::string::npos);
  CHECK(exit.find("2026-910021") != std::string::npos);  // the cases behind the count

  // The proposals are visible to the county's authority with their evidence.
  r = head.get("/api/v1/admin/proposals?state=open");
  REQUIRE(r.status == 200);
  bool sawRegrade = false;
  for (const auto& p : r.json["items"].GetArray())
    if (std::string(p["rule"].GetString()) == "regrade") {
      sawRegrade = true;
      CHECK(p["evidence"]["proposal"]["criteria"].Size() >= 1);
    }
  CHECK(sawRegrade);
}

TEST_CASE("surveys: a company without complaints is still evaluated on its survey") {
  TestServer s(0);
  const int64_t now = at("2026-02-20 10:00");
  s.app().setClock([now] { return now; });
  pcs::server::Scheduler sched(s.app());
  ApiUser head(s.port(), "c01.housing.head");
  // e-2 is managed by co-2, which has no complaint at all.
  ApiResult r = head.post("/api/v1/surveys", R"({"estate_id":"e-2","period":"2026-02"})");
  REQUIRE(r.status == 201);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  for (int i = 1; i <= 4; ++i)
    REQUIRE(head.post("/api/v1/surveys/" + id + "/responses",
                      response("1栋" + std::to_string(i) + "01", i == 1 ? "basic" : "dissatisfied"))
                .status == 201);
  REQUIRE(head.post("/api/v1/surveys/" + id + "/close", R"({"fix_inadequate":true})").status ==
          200);
  CHECK(sched.runLedger(now).added == 1);
  CHECK(count(s,
              "SELECT COUNT(*) FROM ledger_proposals WHERE company_id = 'co-2' AND "
              "rule = 'regrade'") == 1);
  CHECK(count(s,
              "SELECT COUNT(*) FROM ledger_proposals WHERE company_id = 'co-2' AND "
              "rule = 'exit'") == 0);  // no complaints: R12 cannot fire
}
