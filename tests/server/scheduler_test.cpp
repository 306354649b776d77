// The scheduler's jobs (deadline reminders, ledger proposals), loading a holiday arrangement at
// run time, and the proposal and notification endpoints, against a real server with the demo
// city's organisation and users. The tests set the App's clock and call Scheduler::runDue
// themselves; the server's own scheduler thread first looks a minute after start, long after
// these tests are done with it.
#include "scheduler.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "pcs/date.h"
#include "pcs/org.h"
#include "test_server.h"

namespace {

using pcs::server::JobReport;
using pcs::server::Scheduler;

int64_t at(const std::string& cst) {
  const auto t = pcs::parseCst(cst);
  REQUIRE_MESSAGE(t, cst);
  return *t;
}

void setClock(TestServer& s, int64_t now) {
  s.app().setClock([now] { return now; });
}

int64_t count(TestServer& s, const std::string& sql) {
  return s.app().db().reader().execAndGet(sql).getInt64();
}

// Registers a complaint about estate e-1 (锦绣花园, company co-1, county c01); returns its id.
std::string registerCase(ApiUser& clerk, const std::string& receivedAt,
                         const std::string& contact = "139-0000-0001",
                         const std::string& name = "测试甲") {
  ApiResult r = clerk.post(
      "/api/v1/cases",
      R"({"received_at":")" + receivedAt + R"(","channel":"phone","complainant_name":")" + name +
          R"(","complainant_contact":")" + contact +
          R"(","estate_id":"e-1","content":"锦绣花园3号楼楼道堆满杂物，物业不清理"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json["case"]["id"].GetString();
}

// Notifications of one kind for a case, optionally for one unit.
int64_t notices(TestServer& s, const std::string& caseId, const std::string& kind,
                const std::string& unit = "") {
  return count(s, "SELECT COUNT(*) FROM notifications WHERE case_id='" + caseId + "' AND kind='" +
                      kind + "'" + (unit.empty() ? "" : " AND unit_id='" + unit + "'"));
}

const JobReport* find(const std::vector<JobReport>& reports, const std::string& job) {
  for (const JobReport& r : reports)
    if (r.job == job) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("scheduler: deadline reminders go to the unit that owes the work, once a working day") {
  TestServer s(0);
  Scheduler sched(s.app());

  // Case A, registered 2025-09-01: its dispatch deadline (T1, 7 working days) is 2025-09-10.
  setClock(s, at("2025-09-01 10:00"));
  std::string a, owner;
  {
    ApiUser clerk(s.port(), "c01.clerk");
    a = registerCase(clerk, "2025-09-01 09:30");
    owner = ApiUser(s.port(), "admin")
                .get("/api/v1/cases/" + a)
                .json["case"]["owner_unit_id"]
                .GetString();
  }
  CHECK(owner == "c01.housing");

  // National Day is a holiday: nothing is raised, and the job says so.
  setClock(s, at("2025-10-01 10:00"));
  auto reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "deadlines"));
  CHECK(find(reports, "deadlines")->skipped);
  CHECK(find(reports, "deadlines")->log.find("not a working day") != std::string::npos);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications") == 0);

  // The first working day after the holiday: A is overdue, owed by the owning authority (the
  // day's other notices are the monthly job's, that September's lists wait as drafts).
  setClock(s, at("2025-10-09 08:00"));
  reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "deadlines"));
  CHECK_FALSE(find(reports, "deadlines")->skipped);
  CHECK(notices(s, a, "overdue", owner) == 1);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE kind <> 'bulletin_draft'") == 1);

  // Case B, registered Monday 2025-11-03: T1 due Wednesday 2025-11-12.
  setClock(s, at("2025-11-03 10:00"));
  std::string b;
  {
    ApiUser clerk(s.port(), "c01.clerk");
    b = registerCase(clerk, "2025-11-03 09:30", "139-0000-0002", "测试乙");
  }
  setClock(s, at("2025-11-10 09:00"));  // due in two working days: not yet
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "due_soon") == 0);

  setClock(s, at("2025-11-11 09:00"));  // due on the next working day
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "due_soon", owner) == 1);
  CHECK(notices(s, b, "overdue") == 0);

  {  // restart safety: the same day again adds nothing
    const int64_t before = count(s, "SELECT COUNT(*) FROM notifications");
    CHECK(sched.runDue(s.app().now()).empty());  // recorded as run today
    Scheduler restarted(s.app());                // a new process on the same database
    CHECK(restarted.runDue(s.app().now()).empty());
    CHECK(restarted.runDeadlines(s.app().now()).added == 0);  // even when forced
    CHECK(count(s, "SELECT COUNT(*) FROM notifications") == before);
  }

  setClock(s, at("2025-11-12 09:00"));  // due today: one more due_soon, of the new day
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "due_soon", owner) == 2);

  // Overdue the day after; then dispatched to the street office, whose own deadline (T3, 7
  // days from 2025-11-13) is 2025-11-20.
  setClock(s, at("2025-11-13 09:00"));
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "overdue", owner) == 1);
  {
    ApiUser dispatcher(s.port(), "c01.dispatcher");
    ApiResult r = dispatcher.post("/api/v1/cases/" + b + "/actions",
                                  R"({"action":"dispatch","targets":[{"unit_id":"c01.s01",)"
                                  R"("catalogue_codes":["housing.1.5"]}]})");
    REQUIRE_MESSAGE(r.status == 200, r.body);
  }

  // A Sunday: nothing.
  setClock(s, at("2025-11-16 09:00"));
  reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "deadlines"));
  CHECK(find(reports, "deadlines")->skipped);
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE at >= " +
                     std::to_string(pcs::cstMidnight(*pcs::Date::parse("2025-11-14")))) == 0);

  setClock(s, at("2025-11-19 09:00"));
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "due_soon", "c01.s01") == 1);
  CHECK(notices(s, b, "overdue", owner) == 1);  // dispatched: the authority no longer owes it

  setClock(s, at("2025-11-21 09:00"));
  sched.runDue(s.app().now());
  CHECK(notices(s, b, "overdue", "c01.s01") == 1);

  // The street office reads its notifications: unread first, newest first.
  ApiUser street(s.port(), "c01.s01.handler");
  ApiResult r = street.get("/api/v1/notifications");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["unread"].GetInt() == 2);
  REQUIRE(r.json["items"].Size() == 2);
  CHECK(std::string(r.json["items"][0]["kind"].GetString()) == "overdue");
  CHECK(std::string(r.json["items"][0]["case_id"].GetString()) == b);
  CHECK(std::string(r.json["items"][0]["text"].GetString()).find("逾期") != std::string::npos);
  const int64_t first = r.json["items"][0]["id"].GetInt64();
  r = street.post("/api/v1/notifications/" + std::to_string(first) + "/read", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["read_at"].GetInt64() == s.app().now());
  r = street.get("/api/v1/notifications");
  CHECK(r.json["unread"].GetInt() == 1);
  CHECK(r.json["items"][1]["id"].GetInt64() == first);  // read ones after unread ones

  // Another unit's notification does not exist for this user.
  const int64_t others =
      count(s, "SELECT MIN(id) FROM notifications WHERE unit_id='" + owner + "'");
  CHECK(street.post("/api/v1/notifications/" + std::to_string(others) + "/read", "{}").status ==
        404);
  CHECK(
      street.post("/api/v1/notifications/" + std::to_string(first) + "/read", "{}", false).status ==
      403);  // no CSRF token
}

TEST_CASE("scheduler: the ledger job proposes key supervision above 10 distinct complainants") {
  TestServer s(0);
  Scheduler sched(s.app());
  const int64_t now = at("2026-03-02 10:00");
  setClock(s, now);
  std::vector<std::string> ids;
  {
    ApiUser clerk(s.port(), "c01.clerk");
    for (int i = 1; i <= 10; ++i)
      ids.push_back(registerCase(clerk, "2026-03-02 09:30", "139-1000-" + std::to_string(1000 + i),
                                 "投诉人" + std::to_string(i)));
    // The same person again is the same complainant (R9).
    registerCase(clerk, "2026-03-02 09:40", "139-1000-1001", "投诉人1");
  }
  auto openProposals = [&](const std::string& rule) {
    return count(s, "SELECT COUNT(*) FROM ledger_proposals WHERE company_id='co-1' AND rule='" +
                        rule + "' AND state='open'");
  };

  CHECK(sched.runLedger(now).added == 0);
  CHECK(openProposals("key_supervision") == 0);

  {
    ApiUser clerk(s.port(), "c01.clerk");
    ids.push_back(registerCase(clerk, "2026-03-02 09:50", "139-1000-2000", "投诉人11"));
  }
  CHECK(sched.runLedger(now).added >= 1);
  REQUIRE(openProposals("key_supervision") == 1);
  const std::string evidence =
      s.app()
          .db()
          .reader()
          .execAndGet("SELECT evidence FROM ledger_proposals WHERE rule='key_supervision'")
          .getString();
  CHECK(evidence.find("\"distinct_complainants\":11") != std::string::npos);
  for (const std::string& id : ids) CHECK_MESSAGE(evidence.find(id) != std::string::npos, id);
  // Complainants appear by masked keys only (R18): no "m:" key with the whole number.
  CHECK(evidence.find("\"key\":\"m:") == std::string::npos);
  CHECK(evidence.find("****") != std::string::npos);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE action='ledger.propose' "
              "AND subject='company:co-1'") == 1);

  // Running again (or after a restart) raises nothing new while the proposal is open.
  CHECK(sched.runLedger(now).added == 0);
  CHECK(sched.runLedger(now + 86400).added == 0);
  CHECK(openProposals("key_supervision") == 1);
  const int64_t id =
      count(s, "SELECT id FROM ledger_proposals WHERE rule='key_supervision' AND state='open'");
  const std::string decide = "/api/v1/admin/proposals/" + std::to_string(id) + "/decision";

  // Who sees it: property authorities of the city and of co-1's county (c01), administrators.
  ApiUser clerk(s.port(), "c01.clerk"), c01(s.port(), "c01.dispatcher"),
      c02(s.port(), "c02.dispatcher"), cityReviewer(s.port(), "city.reviewer"),
      admin(s.port(), "admin"), police(s.port(), "c01.police");
  CHECK(clerk.get("/api/v1/admin/proposals").status == 403);
  CHECK(police.get("/api/v1/admin/proposals").status == 403);
  ApiResult r = c01.get("/api/v1/admin/proposals?state=open");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(r.json["items"].Size() >= 1);
  CHECK(std::string(r.json["items"][0]["company_name"].GetString()).size() > 0);
  CHECK(r.json["items"][0]["evidence"]["proposal"]["count"].IsObject());
  r = c02.get("/api/v1/admin/proposals");
  REQUIRE(r.status == 200);
  CHECK(r.json["items"].Size() == 0);
  CHECK(cityReviewer.get("/api/v1/admin/proposals").json["items"].Size() >= 1);
  CHECK(admin.get("/api/v1/admin/proposals").json["items"].Size() >= 1);
  CHECK(c01.get("/api/v1/admin/proposals?state=closed").status == 400);

  // Deciding: a dismissal needs a reason; another county cannot see it; once only.
  CHECK(c01.post(decide, R"({"decision":"dismiss"})").status == 400);
  CHECK(c01.post(decide, R"({"decision":"maybe","note":"x"})").status == 400);
  CHECK(c02.post(decide, R"({"decision":"dismiss","note":"不属实"})").status == 404);
  CHECK(clerk.post(decide, R"({"decision":"confirm"})").status == 403);
  r = c01.post(decide, R"({"decision":"dismiss","note":"投诉均为同一次停水引起，已解决"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["state"].GetString()) == "dismissed");
  CHECK(std::string(r.json["decision_note"].GetString()) == "投诉均为同一次停水引起，已解决");
  CHECK(c01.post(decide, R"({"decision":"confirm"})").status == 409);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE action='ledger.dismiss' "
              "AND subject='company:co-1'") == 1);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);

  // Not raised again within 30 days of the dismissal; raised again after.
  CHECK(sched.runLedger(now + 86400).added == 0);
  CHECK(sched.runLedger(now + 29 * 86400).added == 0);
  CHECK(openProposals("key_supervision") == 0);
  CHECK(sched.runLedger(now + 31 * 86400).added == 1);
  REQUIRE(openProposals("key_supervision") == 1);
  const int64_t again =
      count(s, "SELECT id FROM ledger_proposals WHERE rule='key_supervision' AND state='open'");
  r = cityReviewer.post("/api/v1/admin/proposals/" + std::to_string(again) + "/decision",
                        R"({"decision":"confirm"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["state"].GetString()) == "confirmed");
  CHECK(cityReviewer.post("/api/v1/admin/proposals/999999/decision", R"({"decision":"confirm"})")
            .status == 404);
}

TEST_CASE("scheduler: loading the 2027 arrangement at run time moves a provisional deadline") {
  TestServer s(0);
  setClock(s, at("2026-12-24 10:00"));
  ApiUser clerk(s.port(), "c01.clerk"), admin(s.port(), "admin"),
      dispatcher(s.port(), "c01.dispatcher");
  const std::string id = registerCase(clerk, "2026-12-24 09:30");

  auto dispatchDue = [&](bool& provisional) {
    ApiResult r = admin.get("/api/v1/cases/" + id);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    for (const auto& d : r.json["deadlines"].GetArray())
      if (std::string(d["what"].GetString()) == "dispatch") {
        provisional = d["provisional"].GetBool();
        return std::string(d["due"].GetString());
      }
    FAIL("no dispatch deadline");
    return std::string();
  };
  bool provisional = false;
  CHECK(dispatchDue(provisional) == "2027-01-05");  // 2027-01-01 as the statutory 元旦 only
  CHECK(provisional);
  const int64_t version = count(s, "SELECT version FROM cases WHERE id='" + id + "'");

  const std::string good = "arrangement 2027\nholiday 2027-01-01 2027-01-04 元旦\n";
  const std::string path = "/api/v1/admin/calendar/arrangements";

  // Only administrators load arrangements, and a bad file changes nothing.
  CHECK(dispatcher.post(path, good).status == 403);
  CHECK(dispatcher.get(path).status == 403);
  ApiResult r = admin.post(path, "arrangement 2027\nholiday 2027-13-01 元旦\n");
  CHECK(r.status == 400);
  CHECK(r.body.find("line 2") != std::string::npos);
  CHECK(admin.post(path, "").status == 400);
  CHECK(count(s, "SELECT COUNT(*) FROM calendar_arrangements") == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM deadline_changes") == 0);
  CHECK(count(s, "SELECT version FROM cases WHERE id='" + id + "'") == version);
  CHECK_FALSE(s.app().reference()->calendar.isPublished(2027));

  r = admin.post(path, good);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["year"].GetInt() == 2027);
  CHECK(r.json["days_changed"].GetInt() > 0);
  CHECK(r.json["cases_changed"].GetInt() == 1);
  CHECK(s.app().reference()->calendar.isPublished(2027));

  CHECK(dispatchDue(provisional) == "2027-01-06");
  CHECK_FALSE(provisional);
  CHECK(count(s, "SELECT COUNT(*) FROM deadline_changes WHERE case_id='" + id +
                     "' AND change LIKE '%2027-01-05 -> 2027-01-06%' "
                     "AND cause LIKE '2027年放假安排%'") == 1);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action='calendar.load'") == 1);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);

  r = admin.get(path);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(r.json["items"].Size() == 1);
  CHECK(r.json["items"][0]["year"].GetInt() == 2027);

  // The same file again moves nothing; a restart reads the stored arrangement back.
  r = admin.post(path, good);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["days_changed"].GetInt() == 0);
  CHECK(r.json["cases_changed"].GetInt() == 0);
  s.app().reloadReference();
  CHECK(s.app().reference()->calendar.isPublished(2027));
  CHECK(dispatchDue(provisional) == "2027-01-06");
}

TEST_CASE("scheduler: stop() returns promptly while the thread waits for its next tick") {
  TestServer s(0);
  Scheduler sched(s.app());
  sched.start();
  sched.start();  // a second start does nothing
  const auto begin = std::chrono::steady_clock::now();
  sched.stop();
  CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(1));
  sched.stop();  // and a second stop too
}

TEST_CASE("scheduler: the monthly job drafts last month's issues on the first working day, once") {
  TestServer s(0);
  Scheduler sched(s.app());
  std::vector<std::string> counties;
  for (const pcs::OrgUnit* u : s.app().reference()->org.all())
    if (u->kind == pcs::UnitKind::Area && u->level == pcs::OrgLevel::County && u->active)
      counties.push_back(u->id);
  REQUIRE(counties.size() >= 2);
  auto issues = [&](const std::string& month) {
    return count(s, "SELECT COUNT(*) FROM bulletins WHERE month = '" + month + "'");
  };

  // 2026-03-01 is a Sunday: nothing yet.
  setClock(s, at("2026-03-01 10:00"));
  auto reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "monthly_publication"));
  CHECK(find(reports, "monthly_publication")->skipped);
  CHECK(issues("2026-02") == 0);

  // Monday 2026-03-02, the first working day: a draft per county, by the system, and a
  // notification to each county's housing authority.
  setClock(s, at("2026-03-02 08:00"));
  reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "monthly_publication"));
  CHECK(find(reports, "monthly_publication")->added == static_cast<int64_t>(counties.size()));
  CHECK(issues("2026-02") == static_cast<int64_t>(counties.size()));
  CHECK(count(s,
              "SELECT COUNT(*) FROM bulletins WHERE month = '2026-02' AND state = 'draft' "
              "AND drafted_by = 'system'") == static_cast<int64_t>(counties.size()));
  for (const std::string& c : counties)
    CHECK_MESSAGE(count(s,
                        "SELECT COUNT(*) FROM notifications WHERE kind = 'bulletin_draft' "
                        "AND unit_id = '" +
                            c + ".housing'") == 1,
                  c);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE action = 'bulletin.draft' "
              "AND user_id = 'system'") == static_cast<int64_t>(counties.size()));
  ApiUser head(s.port(), "c01.housing.head");
  ApiResult r = head.get("/api/v1/notifications");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(r.json["items"].Size() >= 1);
  CHECK(std::string(r.json["items"][0]["kind"].GetString()) == "bulletin_draft");
  CHECK(std::string(r.json["items"][0]["case_id"].GetString()).empty());
  CHECK(std::string(r.json["items"][0]["text"].GetString()).find("2026年2月") != std::string::npos);

  // Idempotent: the same day, forced, and the days after add nothing.
  CHECK(sched.runMonthlyPublication(s.app().now()).added == 0);
  setClock(s, at("2026-03-03 08:00"));
  sched.runDue(s.app().now());
  CHECK(issues("2026-02") == static_cast<int64_t>(counties.size()));
  CHECK(count(s, "SELECT COUNT(*) FROM notifications WHERE kind = 'bulletin_draft'") ==
        static_cast<int64_t>(counties.size()));

  // Publication stays with a person.
  const std::string id = std::to_string(
      count(s, "SELECT id FROM bulletins WHERE county_id = 'c01' AND month = '2026-02'"));
  ApiUser nextDay(s.port(), "c01.housing.head");  // sessions end when the clock jumps
  r = nextDay.post("/api/v1/bulletins/" + id + "/publish", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["published_by"].GetString()) != "system");

  // April: c01's head drafted March in the morning; the job drafts the other counties only.
  setClock(s, at("2026-04-01 08:00"));
  ApiUser april(s.port(), "c01.housing.head");
  REQUIRE(april.post("/api/v1/bulletins", R"({"county_id":"c01","month":"2026-03"})").status ==
          201);
  setClock(s, at("2026-04-01 09:00"));
  reports = sched.runDue(s.app().now());
  REQUIRE(find(reports, "monthly_publication"));
  CHECK(find(reports, "monthly_publication")->added == static_cast<int64_t>(counties.size()) - 1);
  CHECK(issues("2026-03") == static_cast<int64_t>(counties.size()));
  CHECK(count(s,
              "SELECT COUNT(*) FROM notifications WHERE kind = 'bulletin_draft' "
              "AND unit_id = 'c01.housing'") == 1);  // February's only
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}
