// Grade-review and exit procedures over the API (server/procedures.h, R11, R12): the whole
// grade review to the penalty with its due dates, no regrade, exit, withdraw, who may act and
// read, bad input that stores nothing, opening from a proposal, reminders, the ledger job
// leaving carried proposals alone, and the migration from version 6.
#include "procedures.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "db.h"
#include "pcs/date.h"
#include "pcs/serialize.h"
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

std::string str(const rapidjson::Value& v) {
  return v.IsString() ? v.GetString() : (v.IsNull() ? "null" : "?");
}

// Everything stored about a procedure: its row, its audit entries, its notifications.
std::string stored(TestServer& s, const std::string& id) {
  return text(s, "SELECT data || '#' || version || '#' || stage FROM procedures WHERE id = " + id) +
         "#" +
         std::to_string(count(s,
                              "SELECT COUNT(*) FROM audit WHERE action LIKE 'procedure.%' OR "
                              "action LIKE 'ledger.%'")) +
         "#" + std::to_string(count(s, "SELECT COUNT(*) FROM notifications")) + "#" +
         std::to_string(count(s, "SELECT COUNT(*) FROM estate_grades"));
}

// A closed survey of `estate` with `satisfied` of `total` households satisfied.
std::string closedSurvey(ApiUser& head, const std::string& estate, const std::string& period,
                         int satisfied, int total, const std::string& close = "{}") {
  ApiResult r = head.post("/api/v1/surveys",
                          R"({"estate_id":")" + estate + R"(","period":")" + period + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  for (int i = 1; i <= total; ++i)
    REQUIRE(head.post("/api/v1/surveys/" + id + "/responses",
                      R"({"household":"9栋1单元)" + std::to_string(100 + i) + R"(","rating":")" +
                          (i <= satisfied ? "satisfied" : "dissatisfied") + R"("})")
                .status == 201);
  REQUIRE(head.post("/api/v1/surveys/" + id + "/close", close).status == 200);
  return id;
}

std::string open(ApiUser& u, const std::string& kind, const std::string& estate,
                 const std::string& extra = "") {
  ApiResult r =
      u.post("/api/v1/procedures", R"({"kind":")" + kind + R"(","estate_id":")" + estate +
                                       R"(","reason":"半年内投诉属实较多")" + extra + "}");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return std::to_string(r.json["id"].GetInt64());
}

bool hasAction(const rapidjson::Value& procedure, const std::string& action) {
  for (const auto& a : procedure["actions"].GetArray())
    if (action == a["action"].GetString()) return true;
  return false;
}

// The grade one below `grade` in pcs::serviceGrades().
std::string lower(const std::string& grade) {
  const auto& g = pcs::serviceGrades();
  for (size_t i = 0; i + 1 < g.size(); ++i)
    if (g[i] == grade) return g[i + 1];
  return g.back();
}

// Logged-in users for a test whose clock travels: a session lasts hours, so a user is logged in
// again once the clock has moved since their login.
class Users {
 public:
  Users(TestServer& s, const int64_t& now) : s_(s), now_(now) {}
  ApiUser& operator()(const std::string& login) {
    auto& slot = users_[login];
    if (!slot.second || slot.first != now_) {
      slot.second = std::make_unique<ApiUser>(s_.port(), login);
      slot.first = now_;
    }
    return *slot.second;
  }

 private:
  TestServer& s_;
  const int64_t& now_;
  std::map<std::string, std::pair<int64_t, std::unique_ptr<ApiUser>>> users_;
};

}  // namespace

TEST_CASE("procedures: a grade review from the survey to the penalty, with its due dates") {
  TestServer s(0);
  int64_t now = at("2026-09-24 10:00");
  s.app().setClock([&now] { return now; });
  Users as(s, now);
  auto head = [&]() -> ApiUser& { return as("c01.housing.head"); };
  auto street = [&]() -> ApiUser& { return as("c01.s01.handler"); };
  auto drc = [&]() -> ApiUser& { return as("c01.development_reform"); };
  auto market = [&]() -> ApiUser& { return as("c01.market_regulation"); };
  auto clerk = [&]() -> ApiUser& { return as("c01.clerk"); };
  auto police = [&]() -> ApiUser& { return as("c01.police"); };
  auto otherDrc = [&]() -> ApiUser& { return as("c02.development_reform"); };
  auto otherHead = [&]() -> ApiUser& { return as("c02.housing.head"); };
  auto discipline = [&]() -> ApiUser& { return as("city.discipline"); };

  // A survey of the estate closed before the review is opened: an old survey, not its own.
  now = at("2026-09-01 10:00");
  const std::string oldSurvey = closedSurvey(head(), "e-1", "2026-08", 2, 10);
  now = at("2026-09-24 10:00");

  // Opened Thursday 09-24: T10 ends Sunday 10-04 in the National Day holiday -> 10-08.
  ApiResult r = head().post(
      "/api/v1/procedures",
      R"({"kind":"grade_review","estate_id":"e-1","reason":"半年内11名投诉人投诉属实"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  const std::string path = "/api/v1/procedures/" + id;
  CHECK(str(r.json["kind_zh"]) == "等级核查");
  CHECK(str(r.json["stage"]) == "survey");
  CHECK(str(r.json["stage_zh"]) == "调查并公示");
  CHECK(str(r.json["state"]) == "open");
  CHECK(str(r.json["company_id"]) == "co-1");
  CHECK(str(r.json["county_id"]) == "c01");
  CHECK(str(r.json["opened_at"]) == "2026-09-24 10:00");
  CHECK(str(r.json["opened_by_name"]) == "东湖区住建负责人");
  CHECK(str(r.json["current_due"]) == "2026-10-08");
  CHECK(r.json["days_left"].GetInt() == 14);
  CHECK(str(r.json["days_text"]) == "剩余14日");
  CHECK_FALSE(r.json["overdue"].GetBool());
  CHECK(r.json["evidence"].IsNull());
  CHECK(r.json["survey"].IsNull());
  REQUIRE(r.json["steps"].Size() == 4);
  CHECK(str(r.json["steps"][0]["rule_id"]) == "T10");
  CHECK(str(r.json["steps"][0]["unit_id"]) == "c01.housing");
  CHECK(str(r.json["steps"][0]["state"]) == "current");
  CHECK(str(r.json["steps"][0]["explanation"]).find("国庆节") != std::string::npos);
  CHECK(str(r.json["steps"][2]["unit_name"]).find("发") != std::string::npos);
  CHECK(str(r.json["steps"][3]["state"]) == "pending");
  CHECK(r.json["steps"][3]["due"].IsNull());
  CHECK(hasAction(r.json, "record_survey"));
  CHECK(hasAction(r.json, "withdraw"));
  const std::string gradeBefore = str(r.json["grade_before"]);
  CHECK_FALSE(gradeBefore.empty());
  CHECK(r.json["version"].GetInt() == 1);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE procedure_id = " + id +
                     " AND unit_id = 'c01.s01' AND kind = 'procedure_step'") == 1);

  // A second open grade review of the estate is refused.
  CHECK(head()
            .post("/api/v1/procedures", R"({"kind":"grade_review","estate_id":"e-1","reason":"x"})")
            .status == 409);
  CHECK(count(s, "SELECT COUNT(*) FROM procedures") == 1);

  // Who reads: the county's authorities and departments of the steps, oversight; not police or
  // another county.
  CHECK(drc().get(path).status == 200);
  CHECK(discipline().get(path).status == 200);
  CHECK(street().get(path).status == 200);
  CHECK(police().get(path).status == 404);
  CHECK(otherDrc().get(path).status == 404);
  CHECK(otherHead().get(path).status == 404);
  CHECK(head().get("/api/v1/procedures/999").status == 404);
  CHECK(drc().get("/api/v1/procedures").json["items"].Size() == 1);
  CHECK(otherHead().get("/api/v1/procedures").json["items"].Size() == 0);
  CHECK(police().get("/api/v1/procedures").status == 403);
  CHECK(head().get("/api/v1/procedures?state=half").status == 400);
  r = head().get("/api/v1/procedures?kind=grade_review&state=open&county=c01");
  REQUIRE(r.json["items"].Size() == 1);
  CHECK_FALSE(r.json["items"][0].HasMember("events"));
  CHECK_FALSE(r.json["items"][0].HasMember("steps"));
  CHECK(str(r.json["items"][0]["current_due"]) == "2026-10-08");

  // The survey: 4 of 10 households satisfied, closed; another estate's and an open survey.
  now = at("2026-10-09 10:00");
  const std::string survey = closedSurvey(head(), "e-1", "2026-10", 4, 10);
  const std::string otherEstate = closedSurvey(head(), "e-2", "2026-10", 9, 10);
  const std::string stillOpen =
      std::to_string(head()
                         .post("/api/v1/surveys", R"({"estate_id":"e-1","period":"2026-09"})")
                         .json["id"]
                         .GetInt64());

  // Every bad request stores nothing.
  const std::string actions = path + "/actions";
  const std::string before = stored(s, id);
  auto refuse = [&](ApiUser& u, const std::string& body, int status, const char* says = "") {
    ApiResult x = u.post(actions, body);
    CHECK_MESSAGE(x.status == status, body, " -> ", x.body);
    CHECK_MESSAGE(x.body.find(says) != std::string::npos, x.body);
    CHECK(stored(s, id) == before);
  };
  const std::string ok = R"("survey_id":)" + survey + R"(,"published_on":"2026-10-05")";
  refuse(street(), R"({"action":"record_survey","published_on":"2026-10-05"})", 400, "survey_id");
  refuse(street(), R"({"action":"record_survey","survey_id":)" + survey + "}", 400, "published_on");
  refuse(street(),
         R"({"action":"record_survey","survey_id":)" + survey + R"(,"published_on":"2026-10-32"})",
         400, "published_on");
  refuse(street(),
         R"({"action":"record_survey","survey_id":)" + survey + R"(,"published_on":"2026-09-23"})",
         400, "早于启动日期");
  refuse(street(),
         R"({"action":"record_survey","survey_id":)" + survey + R"(,"published_on":"2026-10-10"})",
         400, "晚于今天");
  refuse(street(),
         R"({"action":"record_survey","survey_id":)" + otherEstate +
             R"(,"published_on":"2026-10-05"})",
         400, "不是本小区");
  refuse(
      street(),
      R"({"action":"record_survey","survey_id":)" + stillOpen + R"(,"published_on":"2026-10-05"})",
      409, "尚未结束");
  refuse(
      street(),
      R"({"action":"record_survey","survey_id":)" + oldSurvey + R"(,"published_on":"2026-10-05"})",
      400, "早于本程序的启动时间（2026-09-24 10:00）");
  refuse(street(), R"({"action":"record_survey","survey_id":99999,"published_on":"2026-10-05"})",
         400, "survey_id");
  refuse(street(), R"({"action":"record_survey",)" + ok + R"(,"text":"公示\u0001"})", 400,
         "控制字符");
  refuse(street(), R"({"action":"record_survey",)" + ok + R"(,"version":7})", 409, "刷新");
  refuse(street(), R"({"action":"launch"})", 400, "unknown action");
  refuse(street(), R"({"action":"open"})", 400, "unknown action");
  refuse(street(), "not json", 400);
  refuse(drc(), R"({"action":"transfer","text":"移交"})", 409, "调查并公示");
  refuse(clerk(), R"({"action":"record_survey",)" + ok + "}", 403);
  refuse(discipline(), R"({"action":"record_survey",)" + ok + "}", 403, "只能查看");
  refuse(police(), R"({"action":"record_survey",)" + ok + "}", 404);
  refuse(otherHead(), R"({"action":"record_survey",)" + ok + "}", 404);
  CHECK(street()
            .post(actions, R"({"action":"record_survey",)" + ok + "}", /*withCsrf=*/false)
            .status == 403);
  CHECK(stored(s, id) == before);

  // The street office records it; the figures come from the survey, not from the request.
  r = street().post(actions,
                    R"({"action":"record_survey",)" + ok +
                        R"(,"satisfaction":0.99,"text":"已在小区公告栏公示","version":1})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(str(r.json["stage"]) == "regrade");
  CHECK(r.json["survey"]["satisfaction"].GetDouble() == doctest::Approx(0.4));
  CHECK(r.json["survey"]["counted"].GetInt() == 10);
  CHECK(str(r.json["survey"]["published_on"]) == "2026-10-05");
  CHECK(str(r.json["next_proposal"]["action"]) == "regrade");
  CHECK(str(r.json["next_proposal"]["criteria"][0]["what"]) == "satisfaction");
  // T11 from the publication on 10-05: 10-10 is the Saturday worked for 国庆节.
  CHECK(str(r.json["current_due"]) == "2026-10-10");
  CHECK(str(r.json["steps"][0]["state"]) == "done");
  CHECK(r.json["steps"][0]["late"].GetBool());  // 10-09, after 10-08
  CHECK(str(r.json["steps"][0]["done_by_name"]) == "朝阳街道承办人");
  CHECK(str(r.json["events"][1]["action_zh"]) == "登记调查结果");
  CHECK(str(r.json["events"][1]["stage_from"]) == "survey");
  CHECK(str(r.json["events"][1]["stage_to"]) == "regrade");
  CHECK(str(r.json["events"][1]["text"]) == "已在小区公告栏公示");
  CHECK(r.json["version"].GetInt() == 2);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE procedure_id = " + id +
                     " AND unit_id = 'c01.housing'") == 1);

  // Regrade on Monday 10-12: not by development and reform, not upwards.
  now = at("2026-10-12 15:00");
  const std::string after = lower(gradeBefore);
  const std::string regradeBefore = stored(s, id);
  CHECK(drc().post(actions, R"({"action":"regrade","new_grade":")" + after + R"("})").status ==
        403);
  CHECK(
      head().post(actions, R"({"action":"regrade","new_grade":")" + gradeBefore + R"("})").status ==
      400);
  CHECK(head().post(actions, R"({"action":"regrade"})").status == 400);
  CHECK(stored(s, id) == regradeBefore);
  r = head().post(actions, R"({"action":"regrade","new_grade":")" + after + R"(","text":"降级"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(str(r.json["grade_after"]) == after);
  CHECK(str(r.json["stage"]) == "fee");
  CHECK(str(r.json["current_due"]) == "2026-10-19");  // 10-17 is a Saturday
  CHECK(str(r.json["current_unit_id"]) == "c01.development_reform");
  REQUIRE(r.json["events"][2]["notified"].Size() == 2);
  CHECK(str(r.json["events"][2]["notified"][0]["unit_id"]) == "c01.development_reform");
  CHECK(str(r.json["events"][2]["notified"][1]["unit_id"]) == "c01.market_regulation");
  for (const char* unit : {"c01.development_reform", "c01.market_regulation"})
    CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE procedure_id = " + id +
                       " AND unit_id = '" + unit + "' AND kind = 'procedure_step'") == 1);
  CHECK(count(s, "SELECT COUNT(*) FROM estate_grades WHERE estate_id = 'e-1' AND procedure_id = " +
                     id) == 1);
  r = head().get("/api/v1/estates/e-1/grade");
  CHECK(str(r.json["grade"]) == after);
  CHECK(str(r.json["company_grade"]) == gradeBefore);
  CHECK(r.json["history"].Size() == 1);
  // The notifications list names the procedure.
  ApiResult n = drc().get("/api/v1/notifications");
  CHECK(n.json["items"][0]["procedure_id"].GetInt64() == std::stoll(id));

  // Fee stage: development and reform only; it transfers on 10-16. T13: 2027-01-14.
  now = at("2026-10-16 09:30");
  CHECK(market().post(actions, R"({"action":"transfer","text":"x"})").status == 403);
  CHECK(drc().post(actions, R"({"action":"transfer"})").status == 400);
  CHECK(hasAction(drc().get(path).json, "fee_complied"));
  CHECK_FALSE(hasAction(head().get(path).json, "transfer"));
  r = drc().post(actions, R"({"action":"transfer","text":"企业拒不执行核级后的收费标准"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(str(r.json["stage"]) == "penalty");
  CHECK(str(r.json["current_due"]) == "2027-01-14");
  CHECK(r.json["days_left"].GetInt() == 90);

  // Penalty: market regulation only; copies to 发改 and 住建.
  now = at("2026-12-01 11:00");
  CHECK(drc().post(actions, R"({"action":"record_penalty","text":"x"})").status == 403);
  r = market().post(actions, R"({"action":"record_penalty","text":"责令退还多收费用并处罚款"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(str(r.json["state"]) == "closed");
  CHECK(str(r.json["outcome"]) == "penalised");
  CHECK(str(r.json["outcome_zh"]) == "已退费并处罚");
  CHECK(r.json["current_due"].IsNull());
  CHECK(r.json["actions"].Size() == 0);
  CHECK(r.json["events"].Size() == 5);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE procedure_id = " + id +
                     " AND kind = 'procedure_step' AND text LIKE '%抄送%'") >= 2);
  CHECK(market().post(actions, R"({"action":"record_penalty","text":"again"})").status == 409);

  // Audit: each of the five steps on the procedure and on the company.
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE subject = 'procedure:" + id +
                     "' AND action LIKE 'procedure.%'") == 5);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE subject = 'company:co-1' AND action LIKE "
              "'procedure.%'") == 5);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
  CHECK(head().get("/api/v1/procedures?state=closed").json["items"].Size() == 1);
}

TEST_CASE("procedures: no regrade, an exit to completion, withdraw and opening again") {
  TestServer s(0);
  int64_t now = at("2026-03-02 10:00");
  s.app().setClock([&now] { return now; });
  Users as(s, now);
  auto head = [&]() -> ApiUser& { return as("c01.housing.head"); };
  auto disp = [&]() -> ApiUser& { return as("c01.dispatcher"); };
  auto street = [&]() -> ApiUser& { return as("c01.s01.handler"); };
  auto cityHead = [&]() -> ApiUser& { return as("city.head"); };
  auto clerk = [&]() -> ApiUser& { return as("c01.clerk"); };
  auto otherHead = [&]() -> ApiUser& { return as("c02.housing.head"); };
  auto admin = [&]() -> ApiUser& { return as("admin"); };

  // Opening: who, and what the request must say.
  CHECK(clerk()
            .post("/api/v1/procedures", R"({"kind":"exit","estate_id":"e-1","reason":"x"})")
            .status == 403);
  CHECK(otherHead()
            .post("/api/v1/procedures", R"({"kind":"exit","estate_id":"e-1","reason":"x"})")
            .status == 403);
  CHECK(head()
            .post("/api/v1/procedures", R"({"kind":"leave","estate_id":"e-1","reason":"x"})")
            .status == 400);
  CHECK(head().post("/api/v1/procedures", R"({"kind":"exit","estate_id":"e-1"})").status == 400);
  CHECK(head()
            .post("/api/v1/procedures", R"({"kind":"exit","estate_id":"e-404","reason":"x"})")
            .status == 404);
  CHECK(admin()
            .post("/api/v1/procedures", R"({"kind":"exit","estate_id":"e-12","reason":"x"})")
            .status == 400);  // no company
  CHECK(count(s, "SELECT COUNT(*) FROM procedures") == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action LIKE 'procedure.%'") == 0);

  SUBCASE("no regrade after a good survey") {
    const std::string id = open(disp(), "grade_review", "e-2");
    const std::string actions = "/api/v1/procedures/" + id + "/actions";
    now = at("2026-03-05 10:00");
    const std::string survey = closedSurvey(head(), "e-2", "2026-03", 9, 10);
    ApiResult r = head().post(actions, R"({"action":"record_survey","survey_id":)" + survey +
                                           R"(,"published_on":"2026-03-05"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(str(r.json["next_proposal"]["action"]) == "no_regrade");
    const std::string before = stored(s, id);
    CHECK(head().post(actions, R"({"action":"no_regrade"})").status == 400);
    CHECK(head().post(actions, R"({"action":"no_regrade","text":"  "})").status == 400);
    CHECK(stored(s, id) == before);
    r = head().post(actions, R"({"action":"no_regrade","text":"满意率90%，维持原等级"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(str(r.json["outcome"]) == "no_regrade");
    CHECK(str(r.json["outcome_zh"]) == "无需降级");
    CHECK(str(r.json["steps"][2]["state"]) == "skipped");
    CHECK(count(s, "SELECT COUNT(*) FROM estate_grades") == 0);
  }

  SUBCASE("an exit from notice to completion") {
    const std::string id = open(cityHead(), "exit", "e-1");
    const std::string path = "/api/v1/procedures/" + id;
    ApiResult r = head().get(path);
    CHECK(str(r.json["kind_zh"]) == "退出程序");
    CHECK(str(r.json["stage"]) == "notify_owners");
    CHECK(r.json["current_due"].IsNull());
    CHECK(r.json["days_left"].IsNull());
    CHECK(str(r.json["days_text"]) == "通知未规定时限");
    CHECK(str(r.json["steps"][0]["explanation"]) == "通知未规定时限");
    now = at("2026-03-04 10:00");
    CHECK(street()
              .post(path + "/actions", R"({"action":"notify_owners","text":"已告知",)"
                                       R"("target_date":"2026-03-01"})")
              .status == 400);
    CHECK(street()
              .post(path + "/actions", R"({"action":"notify_owners","text":"已告知",)"
                                       R"("target_date":"soon"})")
              .status == 400);
    r = street().post(
        path + "/actions",
        R"({"action":"notify_owners","text":"已书面告知全体业主并公示","target_date":"2026-04-30"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(str(r.json["stage"]) == "handover");
    CHECK(str(r.json["current_due"]) == "2026-04-30");
    CHECK_FALSE(r.json["current_due_statutory"].GetBool());
    CHECK(str(r.json["days_text"]).find("自定目标日期") != std::string::npos);
    CHECK(head().post(path + "/actions", R"({"action":"complete","text":"完成"})").status == 409);
    REQUIRE(
        head().post(path + "/actions", R"({"action":"handover","text":"移交档案资料"})").status ==
        200);
    r = head().post(path + "/actions", R"({"action":"complete","text":"新企业已进场"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(str(r.json["outcome"]) == "exit_completed");
    CHECK(r.json["events"].Size() == 4);
  }

  SUBCASE("withdraw by a unit head, then the estate may be opened again") {
    const std::string id = open(head(), "grade_review", "e-1");
    const std::string actions = "/api/v1/procedures/" + id + "/actions";
    const std::string before = stored(s, id);
    CHECK(disp().post(actions, R"({"action":"withdraw","text":"误启动"})").status == 403);
    CHECK(head().post(actions, R"({"action":"withdraw"})").status == 400);
    CHECK(stored(s, id) == before);
    ApiResult r = head().post(actions, R"({"action":"withdraw","text":"误启动"})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(str(r.json["outcome"]) == "withdrawn");
    CHECK(str(r.json["steps"][0]["state"]) == "skipped");
    CHECK(open(head(), "grade_review", "e-1") != id);
  }
}

TEST_CASE("procedures: opening from a proposal confirms it and copies its evidence") {
  TestServer s(0);
  const int64_t now = at("2026-03-02 10:00");
  s.app().setClock([now] { return now; });
  ApiUser head(s.port(), "c01.housing.head"), reviewer(s.port(), "c01.reviewer");

  auto propose = [&](const char* rule, const char* company) {
    pcs::LedgerProposal p;
    p.rule = *pcs::detail::enumFromKey<pcs::LedgerRule>(rule);
    p.ruleId = "R11";
    p.companyId = company;
    p.explanationZh = "近半年内有11名不同投诉人的投诉经查属实，超过10名";
    // Stored the way proposals were stored before keys were masked: with a complainant's
    // number, which no answer may show (R18).
    pcs::ComplainantCount count;
    count.companyId = company;
    count.complaints = count.distinctComplainants = 1;
    count.complainants = {{"m:13900001234", {"2026-000001"}}};
    count.caseIds = {"2026-000001"};
    p.count = count;
    int64_t id = 0;
    s.app().db().write([&](SQLite::Database& tx) {
      SQLite::Statement st(tx,
                           "INSERT INTO ledger_proposals(company_id, rule, created_at, evidence) "
                           "VALUES(?, ?, ?, ?)");
      st.bind(1, company);
      st.bind(2, rule);
      st.bind(3, now);
      st.bind(4, pcs::toJsonString(p, "proposal"));
      st.exec();
      id = tx.getLastInsertRowid();
    });
    return std::to_string(id);
  };
  const std::string keySupervision = propose("key_supervision", "co-1");
  const std::string otherCompany = propose("grade_review", "co-2");
  const std::string review = propose("grade_review", "co-1");
  const std::string body = R"({"kind":"grade_review","estate_id":"e-1","proposal_id":)";

  CHECK(head.post("/api/v1/procedures", body + keySupervision + "}").status == 400);
  CHECK(head.post("/api/v1/procedures", body + otherCompany + "}").status == 400);
  CHECK(head.post("/api/v1/procedures", body + "9999}").status == 404);
  CHECK(head.post("/api/v1/procedures",
                  R"({"kind":"exit","estate_id":"e-1","proposal_id":)" + review + "}")
            .status == 400);
  CHECK(count(s, "SELECT COUNT(*) FROM procedures") == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM ledger_proposals WHERE state = 'open'") == 3);

  ApiResult r = head.post("/api/v1/procedures", body + review + "}");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(r.json["proposal_id"].GetInt64() == std::stoll(review));
  CHECK(str(r.json["evidence"]["proposal"]["rule"]) == "grade_review");
  const rapidjson::Value& who = r.json["evidence"]["proposal"]["count"]["complainants"][0];
  CHECK(str(who["key"]) == "139****1234");
  CHECK(r.body.find("13900001234") == std::string::npos);
  CHECK(head.get("/api/v1/admin/proposals").body.find("13900001234") == std::string::npos);
  CHECK(head.get("/api/v1/procedures/" + std::to_string(r.json["id"].GetInt64()))
            .body.find("13900001234") == std::string::npos);
  CHECK(str(r.json["reason"]).find("确认提议" + review) == 0);
  CHECK(text(s, "SELECT state FROM ledger_proposals WHERE id = " + review) == "confirmed");
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action = 'ledger.confirm'") == 1);
  // Decided already; and the estate has an open grade review anyway.
  CHECK(head.post("/api/v1/procedures", body + review + "}").status == 409);

  // Confirming an exit proposal in the proposals list opens the exit procedure too.
  const std::string exit = propose("exit", "co-1");
  const std::string decide = "/api/v1/admin/proposals/" + exit + "/decision";
  CHECK(reviewer.post(decide, R"({"decision":"confirm"})").status == 403);  // a reviewer opens none
  CHECK(text(s, "SELECT state FROM ledger_proposals WHERE id = " + exit) == "open");
  CHECK(head.post(decide, R"({"decision":"confirm","estate_id":"e-404"})").status == 404);
  r = head.post(decide, R"({"decision":"confirm","note":"同意启动退出程序"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(str(r.json["state"]) == "confirmed");
  REQUIRE(r.json.HasMember("procedure_id"));
  const std::string procedure = std::to_string(r.json["procedure_id"].GetInt64());
  r = head.get("/api/v1/procedures/" + procedure);
  CHECK(str(r.json["kind"]) == "exit");
  CHECK(str(r.json["company_id"]) == "co-1");
  CHECK(str(r.json["county_id"]) == "c01");
  CHECK(str(r.json["reason"]) == "同意启动退出程序");
  CHECK(str(r.json["evidence"]["proposal"]["rule"]) == "exit");
  // Other proposals are decided as before, without a procedure.
  r = head.post("/api/v1/admin/proposals/" + keySupervision + "/decision",
                R"({"decision":"confirm"})");
  REQUIRE(r.status == 200);
  CHECK_FALSE(r.json.HasMember("procedure_id"));
}

TEST_CASE("procedures: reminders for the current step on working days, once a day") {
  TestServer s(0);
  int64_t now = at("2026-09-24 10:00");
  s.app().setClock([&now] { return now; });
  pcs::server::Scheduler sched(s.app());
  Users as(s, now);
  auto head = [&]() -> ApiUser& { return as("c01.housing.head"); };
  const std::string id = open(head(), "grade_review", "e-1");  // T10 due 2026-10-08
  open(head(), "exit", "e-1");                                 // no limit: never reminded
  auto reminders = [&](const char* kind) {
    return count(s, "SELECT COUNT(*) FROM notifications WHERE procedure_id = " + id +
                        " AND unit_id = 'c01.housing' AND kind = '" + kind + "'");
  };
  CHECK(sched.runDeadlines(at("2026-10-06 09:00")).skipped);  // National Day holiday
  CHECK(sched.runDeadlines(at("2026-09-29 09:00")).added == 0);
  CHECK(sched.runDeadlines(at("2026-10-08 09:00")).added == 1);  // due today
  CHECK(sched.runDeadlines(at("2026-10-08 15:00")).added == 0);
  CHECK(reminders("procedure_due_soon") == 1);
  CHECK(sched.runDeadlines(at("2026-10-09 09:00")).added == 1);
  CHECK(reminders("procedure_overdue") == 1);
  CHECK(text(s, "SELECT text FROM notifications WHERE kind = 'procedure_overdue'")
            .find("已逾期1日") != std::string::npos);
  now = at("2026-10-09 10:00");
  ApiResult r = head().get("/api/v1/procedures?overdue=1");
  REQUIRE(r.json["items"].Size() == 1);
  CHECK(r.json["items"][0]["overdue"].GetBool());
  CHECK(str(r.json["items"][0]["days_text"]) == "逾期1日");
}

TEST_CASE("procedures: the ledger job leaves proposals an open procedure carries") {
  TestServer s(0);
  const int64_t now = at("2026-02-20 10:00");
  s.app().setClock([now] { return now; });
  pcs::server::Scheduler sched(s.app());
  ApiUser head(s.port(), "c01.housing.head");
  // 11 distinct complainants with substantiated complaints against co-1 in half a year.
  s.app().db().write([&](SQLite::Database& tx) {
    for (int i = 1; i <= 11; ++i) {
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
  const std::string id = open(head, "grade_review", "e-1");
  auto proposals = [&] {
    return count(s,
                 "SELECT COUNT(*) FROM ledger_proposals WHERE company_id = 'co-1' AND "
                 "rule = 'grade_review'");
  };
  sched.runLedger(now);
  CHECK(proposals() == 0);
  REQUIRE(head.post("/api/v1/procedures/" + id + "/actions",
                    R"({"action":"withdraw","text":"改为按提议启动"})")
              .status == 200);
  sched.runLedger(now);
  CHECK(proposals() == 1);
}

TEST_CASE("procedures: a version 6 database migrates, keeping its notifications") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pcs-proc-migrate-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "pcs.db").string();
  {
    pcs::server::Database v6({file}, 6);
    CHECK(v6.schemaVersion() == 6);
    v6.write([](SQLite::Database& tx) {
      tx.exec(
          "INSERT INTO notifications(at, unit_id, case_id, kind, text) "
          "VALUES(1, 'c01.housing', '2026-000001', 'overdue', '案件逾期')");
    });
  }
  {
    pcs::server::Database db({file});
    CHECK(db.schemaVersion() == pcs::server::migrations().back().version);
    SQLite::Database& r = db.reader();
    CHECK(r.execAndGet("SELECT COUNT(*) FROM notifications WHERE procedure_id IS NULL AND "
                       "case_id = '2026-000001'")
              .getInt64() == 1);
    CHECK(r.execAndGet("SELECT COUNT(*) FROM procedures").getInt64() == 0);
    CHECK(r.execAndGet("SELECT COUNT(*) FROM estate_grades").getInt64() == 0);
    // One open procedure of a kind per estate, enforced by the schema as well.
    db.write([](SQLite::Database& tx) {
      tx.exec(
          "INSERT INTO procedures(kind, company_id, estate_id, county_id, state, stage, data, "
          "version, updated_at) VALUES('exit', 'co-1', 'e-1', 'c01', 'open', 'handover', "
          "'{}', 1, 1)");
    });
    CHECK_THROWS(db.write([](SQLite::Database& tx) {
      tx.exec(
          "INSERT INTO procedures(kind, company_id, estate_id, county_id, state, stage, data, "
          "version, updated_at) VALUES('exit', 'co-1', 'e-1', 'c01', 'open', 'handover', "
          "'{}', 1, 1)");
    }));
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
