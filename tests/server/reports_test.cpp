// The weekly statistics package (R13, T14) against a real server with the demo city's
// organisation: a fortnight of cases built through the API with the App's clock set for every
// step, and the figures of the week 2025-11-03 (Monday) to 2025-11-09 (Sunday) written by hand.
//
// The week has no holiday. T1 (dispatch) is 7 working days from registration; T3 (answer) is 7
// calendar days from dispatch, moved to the next working day when it ends on a day off.
#include "reports.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api_client.h"
#include "app.h"
#include "pcs/date.h"
#include "scheduler.h"
#include "test_server.h"

namespace {

int64_t at(const std::string& cst) {
  const auto t = pcs::parseCst(cst);
  REQUIRE_MESSAGE(t, cst);
  return *t;
}

void setClock(TestServer& s, const std::string& cst) {
  const int64_t now = at(cst);
  s.app().setClock([now] { return now; });
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string unzipMember(const std::filesystem::path& zip, const std::string& member) {
  const std::string command = "unzip -p '" + zip.string() + "' '" + member + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

// The users of the fixture, logged in once.
struct People {
  explicit People(int port)
      : clerk(port, "c01.clerk"),
        dispatcher(port, "c01.dispatcher"),
        police(port, "c01.police"),
        policeReviewer(port, "city.police.reviewer"),
        hotline(port, "c01.hotline_12345"),
        street(port, "c01.s01.handler"),
        clerk2(port, "c02.clerk"),
        dispatcher2(port, "c02.dispatcher") {}
  ApiUser clerk, dispatcher, police, policeReviewer, hotline, street, clerk2, dispatcher2;
};

// The fixture: builds the cases at their times and keeps their ids by letter.
class Fixture {
 public:
  explicit Fixture(TestServer& s) : s_(s), p_(s.port()) {}

  std::map<std::string, std::string> id;

  // Registers case `name` at `when` (also its received time).
  void reg(const std::string& name, const std::string& when, const std::string& estate,
           const std::string& channel = "phone", bool c02 = false) {
    setClock(s_, when);
    ApiResult r =
        (c02 ? p_.clerk2 : p_.clerk)
            .post("/api/v1/cases", R"({"received_at":")" + when + R"(","channel":")" + channel +
                                       R"(","complainant_name":"测试)" + name +
                                       R"(","complainant_contact":"139-0000-00)" +
                                       std::to_string(10 + id.size()) + R"(","estate_id":")" +
                                       estate + R"(","content":"楼道杂物长期无人清理"})");
    REQUIRE_MESSAGE(r.status == 201, name, ": ", r.body);
    id[name] = r.json["case"]["id"].GetString();
  }

  void act(ApiUser& user, const std::string& name, const std::string& when,
           const std::string& body) {
    setClock(s_, when);
    ApiResult r = user.post("/api/v1/cases/" + id.at(name) + "/actions", body);
    REQUIRE_MESSAGE(r.status == 200, name, " at ", when, ": ", body, " -> ", r.body);
  }

  void dispatch(const std::string& name, const std::string& when, const std::string& unit,
                const std::string& code, bool c02 = false) {
    act(c02 ? p_.dispatcher2 : p_.dispatcher, name, when,
        R"({"action":"dispatch","targets":[{"unit_id":")" + unit + R"(","catalogue_codes":[")" +
            code + R"("]}]})");
  }
  void policeDoes(const std::string& name, const std::string& when, const std::string& body) {
    act(p_.police, name, when, body);
  }
  void accept(const std::string& name, const std::string& when, int assignment = 1) {
    policeDoes(name, when,
               R"({"action":"accept","assignment_id":)" + std::to_string(assignment) + "}");
  }
  void resolve(const std::string& name, const std::string& when, int assignment = 1) {
    policeDoes(name, when,
               R"({"action":"resolve","assignment_id":)" + std::to_string(assignment) +
                   R"(,"substantiated":true,"text":"已督促物业清理完毕并答复投诉人"})");
  }
  void close(const std::string& name, const std::string& reviewAt, const std::string& approveAt) {
    policeDoes(name, reviewAt, R"({"action":"submit_review","assignment_id":1})");
    act(p_.policeReviewer, name, approveAt, R"({"action":"approve","assignment_id":1})");
  }
  void satisfaction(const std::string& name, const std::string& when, const std::string& key) {
    act(p_.hotline, name, when,
        R"({"action":"record_satisfaction","satisfaction":")" + key + "\"}");
  }
  People& people() { return p_; }

 private:
  TestServer& s_;
  People p_;
};

// Builds every case of the fixture, in time order (a case's events are in the order of time).
void buildFixture(Fixture& f) {
  // Before the week.
  f.reg("E", "2025-10-20 09:00", "e-1");  // never dispatched: T1 due 10-29
  f.reg("K", "2025-10-20 09:30", "e-1");
  f.dispatch("K", "2025-10-21 09:00", "c01.s01", "housing.1.5");  // T3 due 10-28
  f.act(f.people().street, "K", "2025-10-21 10:00", R"({"action":"accept","assignment_id":1})");
  f.reg("N", "2025-10-22 09:00", "e-1");  // T1 due 10-31, dispatched late on 11-03
  f.reg("F", "2025-10-27 09:00", "e-1");
  f.dispatch("F", "2025-10-27 10:00", "c01.police", "police.1");  // T3 due 11-03
  f.accept("F", "2025-10-27 11:00");
  f.reg("J", "2025-10-29 09:00", "e-1");
  f.dispatch("J", "2025-10-29 10:00", "c01.police", "police.1");
  f.policeDoes("J", "2025-10-30 09:00",
               R"({"action":"return","assignment_id":1,"reason":"不属于公安职责"})");
  f.reg("A", "2025-11-02 23:59", "e-1");  // Sunday, the minute before the week

  // The week.
  f.reg("B", "2025-11-03 00:00", "e-1");  // Monday, the first instant of the week
  f.dispatch("N", "2025-11-03 08:30", "c01.police", "police.1");
  f.dispatch("J", "2025-11-03 08:45", "c01.police", "police.1");
  f.dispatch("A", "2025-11-03 09:00", "c01.police", "police.1");
  f.reg("G", "2025-11-03 09:05", "e-1");
  f.reg("H", "2025-11-03 09:30", "e-1", "hotline_12345");
  f.dispatch("B", "2025-11-03 10:00", "c01.police", "police.1");
  f.dispatch("G", "2025-11-03 10:05", "c01.police", "police.1");
  f.dispatch("H", "2025-11-03 10:30", "c01.police", "police.1");
  f.accept("G", "2025-11-03 11:00");
  f.accept("H", "2025-11-03 11:05");
  f.accept("B", "2025-11-03 12:00");
  f.reg("I", "2025-11-04 09:00", "e-4", "hotline_12345");
  f.policeDoes("J", "2025-11-04 09:10",
               R"({"action":"return","assignment_id":2,"reason":"仍不属于公安职责"})");
  f.dispatch("I", "2025-11-04 09:30", "c01.police", "police.1");
  f.dispatch("J", "2025-11-04 10:00", "c01.s01", "housing.1.5");
  f.resolve("G", "2025-11-04 10:00");
  f.resolve("H", "2025-11-04 10:05");
  f.accept("I", "2025-11-04 10:30");
  f.close("G", "2025-11-04 11:00", "2025-11-05 09:00");
  for (const char* m : {"M1", "M2", "M3", "M4"}) f.reg(m, "2025-11-05 09:00", "e-2");
  f.reg("L", "2025-11-05 09:10", "e-6", "phone", true);
  f.dispatch("L", "2025-11-05 10:00", "c02.police", "police.1", true);
  f.resolve("F", "2025-11-05 10:00");  // two days late
  f.resolve("I", "2025-11-05 10:10");
  f.satisfaction("H", "2025-11-05 11:00", "satisfied");
  f.policeDoes("F", "2025-11-05 11:00", R"({"action":"submit_review","assignment_id":1})");
  f.act(f.people().policeReviewer, "F", "2025-11-06 10:00",
        R"({"action":"approve","assignment_id":1})");
  for (const char* m : {"M1", "M2", "M3", "M4"})
    f.dispatch(m, "2025-11-06 09:00", "c01.police", "police.2");
  f.satisfaction("I", "2025-11-06 11:00", "unsatisfied");
  f.reg("C", "2025-11-09 23:59", "e-2");  // Sunday, the last minute of the week

  // After the week: none of this may move the week's figures.
  f.reg("D", "2025-11-10 00:00", "e-2");
  f.satisfaction("I", "2025-11-10 09:00", "satisfied");
  f.dispatch("C", "2025-11-10 09:30", "c01.police", "police.1");
  f.accept("A", "2025-11-10 10:00");
  f.dispatch("E", "2025-11-10 10:30", "c01.police", "police.1");
}

std::set<std::string> idsOf(const rapidjson::Value& cases) {
  std::set<std::string> out;
  for (const auto& v : cases.GetArray()) out.insert(v.GetString());
  return out;
}

struct Expect {
  Fixture& f;
  std::set<std::string> cases(std::initializer_list<const char*> names) const {
    std::set<std::string> out;
    for (const char* n : names) out.insert(f.id.at(n));
    return out;
  }
};

const rapidjson::Value& rowOf(const rapidjson::Value& list, const std::string& unit) {
  for (const auto& r : list.GetArray())
    if (std::string(r["unit_id"].GetString()) == unit) return r;
  FAIL("no row for " << unit);
  return list[0];
}

int64_t count(const rapidjson::Value& row, const char* figure) {
  return row["figures"][figure]["count"].GetInt64();
}
std::set<std::string> cases(const rapidjson::Value& row, const char* figure) {
  return idsOf(row["figures"][figure]["cases"]);
}
double rate(const rapidjson::Value& row, const char* r) {
  REQUIRE_MESSAGE(!row["rates"][r]["rate"].IsNull(), r);
  return row["rates"][r]["rate"].GetDouble();
}

constexpr const char* kWeek = "2025-11-03";

std::string previewPath(const std::string& scope = "city") {
  return std::string("/api/v1/reports/weekly/") + kWeek + "/preview?scope=" + scope;
}

}  // namespace

TEST_CASE("reports: the week's figures match the hand count, whatever the server's time zone") {
  TestServer s(0);
  Fixture f(s);
  buildFixture(f);
  const Expect x{f};
  setClock(s, "2025-11-12 09:00");
  ApiUser discipline(s.port(), "city.discipline");

  ApiResult r = discipline.get(previewPath());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const rapidjson::Value& rep = r.json["report"];
  CHECK(std::string(rep["week_end"].GetString()) == "2025-11-09");

  SUBCASE("the city's total") {
    const rapidjson::Value& t = rep["total"];
    // Registered in [Mon 00:00, next Mon 00:00): B at the first instant and C at the last
    // minute count; A (Sunday 23:59 before) and D (Monday 00:00 after) do not.
    CHECK(cases(t, "received") == x.cases({"B", "C", "G", "H", "I", "M1", "M2", "M3", "M4", "L"}));
    CHECK(cases(t, "dispatched") ==
          x.cases({"A", "B", "G", "H", "I", "M1", "M2", "M3", "M4", "N", "L"}));
    // N was due for dispatch on 10-31 and went on 11-03.
    CHECK(cases(t, "dispatched_on_time") ==
          x.cases({"A", "B", "G", "H", "I", "M1", "M2", "M3", "M4", "L"}));
    CHECK(cases(t, "closed") == x.cases({"F", "G"}));
    CHECK(cases(t, "closed_on_time") == x.cases({"G"}));  // F was due 11-03, closed 11-06
    CHECK(count(t, "open") == 14);
    CHECK(cases(t, "overdue") == x.cases({"E", "K"}));
    // E: T1 due 10-29, late 10-30, 10-31 and 11-03..07; K: T3 due 10-28, one more day.
    CHECK(t["figures"]["overdue"]["days_late"][f.id["E"].c_str()].GetInt() == 7);
    CHECK(t["figures"]["overdue"]["days_late"][f.id["K"].c_str()].GetInt() == 8);
    CHECK(cases(t, "returned_repeatedly") == x.cases({"J"}));
    // Assignments: A B G H I M1-4 N, J twice (police, then the street office), L.
    CHECK(count(t, "assigned") == 13);
    CHECK(cases(t, "responded") == x.cases({"B", "G", "H", "I", "J"}));
    CHECK(cases(t, "answered") == x.cases({"F", "G", "H", "I"}));
    CHECK(cases(t, "answered_late") == x.cases({"F"}));
    CHECK(count(t, "answered_on_time") == 3);
    CHECK(count(t, "assignments_open") == 12);
    // I's result was 不满意 in the week; the 满意 recorded on 11-10 belongs to the next week.
    CHECK(cases(t, "satisfaction_results") == x.cases({"H", "I"}));
    CHECK(cases(t, "satisfied") == x.cases({"H"}));

    CHECK(rate(t, "response_rate") == doctest::Approx(0.3846));
    CHECK(rate(t, "on_time_dispatch_rate") == doctest::Approx(0.9091));
    CHECK(rate(t, "resolution_rate") == doctest::Approx(0.125));  // 2 / (2 + 14)
    CHECK(rate(t, "on_time_resolution_rate") == doctest::Approx(0.75));
    CHECK(rate(t, "satisfaction_rate") == doctest::Approx(0.5));
  }

  SUBCASE("counties and units") {
    const rapidjson::Value& c01 = rowOf(rep["counties"], "c01");
    CHECK(count(c01, "received") == 9);
    CHECK(count(c01, "dispatched") == 10);
    CHECK(count(c01, "dispatched_on_time") == 9);
    CHECK(count(c01, "open") == 13);
    const rapidjson::Value& c02 = rowOf(rep["counties"], "c02");
    CHECK(cases(c02, "received") == x.cases({"L"}));
    CHECK(count(c02, "overdue") == 0);
    CHECK(count(rowOf(rep["counties"], "c04"), "received") == 0);  // every county has a row

    const rapidjson::Value& housing = rowOf(rep["units"], "c01.housing");
    CHECK(count(housing, "dispatched") == 10);
    CHECK(cases(housing, "overdue") == x.cases({"E"}));  // K is the street office's to answer
    const rapidjson::Value& police = rowOf(rep["units"], "c01.police");
    CHECK(count(police, "assigned") == 11);
    CHECK(count(police, "answered") == 4);
    CHECK(cases(police, "returned_repeatedly") == x.cases({"J"}));
    CHECK(cases(rowOf(rep["units"], "c01.s01"), "overdue") == x.cases({"K"}));

    // Rankings: c01.housing dispatched 10 (the minimum), c02.housing only 1.
    const rapidjson::Value& entries = rep["rankings"]["on_time_dispatch"]["entries"];
    REQUIRE(entries.Size() == 2);
    CHECK(std::string(entries[0]["unit_id"].GetString()) == "c01.housing");
    CHECK(entries[0]["rank"].GetInt() == 1);
    CHECK(entries[0]["rate"].GetDouble() == doctest::Approx(0.9));
    CHECK(entries[1]["rank"].IsNull());
    CHECK(std::string(entries[1]["note"].GetString()) == "样本不足，不排名");
    // The police answered 4 and had 2 results: below the minimum for both rankings.
    CHECK(rep["rankings"]["on_time_resolution"]["entries"][0]["rank"].IsNull());
    CHECK(rep["rankings"]["satisfaction"]["entries"][0]["rank"].IsNull());
  }

  SUBCASE("hot spots and the overdue list") {
    const rapidjson::Value& estates = rep["hot_spots"]["estates"];
    CHECK(std::string(estates[0]["name"].GetString()) == "阳光家园");  // e-2: C, M1-M4
    CHECK(estates[0]["count"].GetInt() == 5);
    CHECK(std::string(estates[1]["key"].GetString()) == "e-1");  // B G H
    CHECK(estates[1]["count"].GetInt() == 3);
    const rapidjson::Value& companies = rep["hot_spots"]["companies"];
    CHECK(std::string(companies[0]["key"].GetString()) == "co-2");
    CHECK(std::string(companies[1]["key"].GetString()) == "co-1");  // e-1 and e-4
    CHECK(companies[1]["count"].GetInt() == 4);
    const rapidjson::Value& categories = rep["hot_spots"]["categories"];
    CHECK(std::string(categories[0]["key"].GetString()) == "police.1");  // B G H I L
    CHECK(categories[0]["count"].GetInt() == 5);
    CHECK(std::string(categories[1]["key"].GetString()) == "police.2");

    const rapidjson::Value& overdue = rep["overdue"];
    REQUIRE(overdue.Size() == 2);
    CHECK(overdue[0]["case_id"].GetString() == f.id["K"]);  // the later one first
    CHECK(std::string(overdue[0]["owed"][0]["rule"].GetString()) == "T3");
    CHECK(std::string(overdue[0]["owed"][0]["due"].GetString()) == "2025-10-28");
    CHECK(std::string(overdue[1]["owed"][0]["unit_id"].GetString()) == "c01.housing");
    // The drill-down opens: an oversight user reads each case behind a figure.
    for (const char* name : {"E", "K"})
      CHECK(discipline.get("/api/v1/cases/" + f.id[name]).status == 200);
  }

  SUBCASE("a county's package holds the county's cases only") {
    ApiResult c = discipline.get(previewPath("c02"));
    REQUIRE_MESSAGE(c.status == 200, c.body);
    CHECK(cases(c.json["report"]["total"], "received") == x.cases({"L"}));
    CHECK(c.json["report"]["counties"].Size() == 1);
  }

  SUBCASE("the process time zone does not move the figures") {
    inEachTimeZone([&](const char* zone) {
      CAPTURE(zone);
      ApiResult again = discipline.get(previewPath());
      CHECK(again.body == r.body);
    });
  }
}

TEST_CASE("reports: an issued package is frozen; a correction is a new version") {
  TestServer s(0);
  Fixture f(s);
  buildFixture(f);
  setClock(s, "2025-11-12 09:00");
  ApiUser discipline(s.port(), "city.discipline");
  const std::string base = std::string("/api/v1/reports/weekly/") + kWeek;

  ApiResult v1 = discipline.post(base + "/issue", R"({"scope":"city"})");
  REQUIRE_MESSAGE(v1.status == 201, v1.body);
  CHECK(v1.json["package"]["version"].GetInt() == 1);
  const std::string v1Report = discipline.get(base + "?version=1").body;

  // A correction needs a reason; without one nothing is stored. (A day later: log in again.)
  setClock(s, "2025-11-13 09:00");
  ApiUser later(s.port(), "city.discipline");
  ApiResult refused = later.post(base + "/issue", R"({"scope":"city"})");
  CHECK(refused.status == 400);
  CHECK(contains(refused.json["error"].GetString(), "reason"));
  CHECK(s.app().db().reader().execAndGet("SELECT COUNT(*) FROM report_packages").getInt() == 1);

  // Something changes after the week: a case of the week is closed later. The week's figures
  // stay, and v1 keeps exactly what it said.
  f.close("H", "2025-11-13 09:30", "2025-11-13 10:00");
  ApiResult v2 = later.post(base + "/issue", R"({"scope":"city","reason":"更正：补充回访数据"})");
  REQUIRE_MESSAGE(v2.status == 201, v2.body);
  CHECK(v2.json["package"]["version"].GetInt() == 2);
  CHECK(std::string(v2.json["package"]["reason"].GetString()) == "更正：补充回访数据");
  CHECK(v2.json["report"]["total"]["figures"]["closed"]["count"].GetInt() == 2);

  ApiResult latest = later.get(base);
  CHECK(latest.json["package"]["version"].GetInt() == 2);
  ApiResult first = later.get(base + "?version=1");
  CHECK(first.body == v1Report);
  CHECK(std::string(first.json["report"]["computed_at"].GetString()) == "2025-11-12 09:00");
  CHECK(later.get(base + "?version=3").status == 404);

  // The table refuses changes outright.
  CHECK_THROWS(s.app().db().write([](SQLite::Database& tx) {
    tx.exec("UPDATE report_packages SET data = '{}' WHERE version = 1");
  }));
  CHECK_THROWS(
      s.app().db().write([](SQLite::Database& tx) { tx.exec("DELETE FROM report_packages"); }));

  ApiResult list = later.get("/api/v1/reports/weekly");
  REQUIRE(list.status == 200);
  CHECK(list.json["packages"].Size() == 2);
  CHECK(s.app()
            .db()
            .reader()
            .execAndGet("SELECT COUNT(*) FROM audit WHERE action='report.issue'")
            .getInt() == 2);
  CHECK(s.app()
            .db()
            .reader()
            .execAndGet("SELECT COUNT(*) FROM audit WHERE action='report.view'")
            .getInt() == 3);  // v1 twice and the latest; the 404 is not a read

  SUBCASE("the workbook and the print page show the frozen figures") {
    ApiResult xlsx = later.get(base + ".xlsx?version=1");
    REQUIRE(xlsx.status == 200);
    REQUIRE(xlsx.body.rfind("PK\x03\x04", 0) == 0);
    const std::filesystem::path file = s.dir() / "weekly.xlsx";
    std::ofstream(file, std::ios::binary) << xlsx.body;
    const std::string book = unzipMember(file, "xl/workbook.xml");
    for (const char* sheet : {"汇总", "各单位", "排名", "难点堵点", "逾期清单"})
      CHECK_MESSAGE(contains(book, sheet), sheet);
    const std::string strings = unzipMember(file, "xl/sharedStrings.xml");
    CHECK(contains(strings, "东湖区"));
    CHECK(contains(strings, "样本不足，不排名"));
    CHECK(contains(strings, f.id["K"]));
    CHECK(contains(strings, "第1版"));
    CHECK(contains(unzipMember(file, "xl/worksheets/sheet1.xml"), "<row r=\"7\""));  // 4 counties

    ApiResult html = later.get(base + ".html");
    REQUIRE(html.status == 200);
    CHECK(contains(html.body, "<html lang=\"zh-CN\">"));
    CHECK(contains(html.body, "@media print"));
    CHECK(contains(html.body, "更正原因：更正：补充回访数据"));
    CHECK(contains(html.body, "逾期未办案件清单"));
    CHECK(contains(html.body, f.id["E"]));
  }
}

TEST_CASE("reports: the scheduler issues last week's packages on the first working day after") {
  TestServer s(0);
  pcs::server::Scheduler sched(s.app());
  {
    Fixture f(s);
    f.reg("X", "2025-09-30 09:00", "e-1");
  }
  auto issued = [&] {
    return s.app().db().reader().execAndGet("SELECT COUNT(*) FROM report_packages").getInt();
  };

  // The week of 2025-09-29 ends on National Day: nothing during the holiday.
  setClock(s, "2025-10-06 09:00");
  CHECK(sched.runWeeklyReport(s.app().now()).skipped);
  CHECK(issued() == 0);
  // 10-09 is the first working day after: the city and each of its twelve districts and
  // counties, version 1.
  setClock(s, "2025-10-09 08:00");
  sched.runDue(s.app().now());
  CHECK(issued() == 13);
  auto p = pcs::server::loadPackage(s.app().db().reader(), "2025-09-29", "c01", 0);
  REQUIRE(p);
  CHECK(p->meta.version == 1);
  CHECK(p->meta.issuedBy == "system");
  CHECK(contains(p->data, "\"received\":{\"count\":1"));
  // Again the next day: nothing more.
  setClock(s, "2025-10-10 08:00");
  CHECK(sched.runWeeklyReport(s.app().now()).added == 0);
  CHECK(issued() == 13);
}

TEST_CASE("reports: who may read and issue, and what is refused") {
  TestServer s(0);
  setClock(s, "2025-11-12 09:00");
  const std::string base = std::string("/api/v1/reports/weekly/") + kWeek;

  SUBCASE("readers") {
    for (const char* login : {"city.discipline", "city.reviewer", "city.head", "admin"}) {
      CAPTURE(login);
      CHECK(ApiUser(s.port(), login).get(previewPath()).status == 200);
    }
    ApiUser county(s.port(), "c01.discipline");
    CHECK(county.get(previewPath("c01")).status == 200);
    CHECK(county.get(base + "/preview").status == 200);  // defaults to its county
    CHECK(county.get(previewPath("city")).status == 403);
    CHECK(county.get(previewPath("c02")).status == 403);
    for (const char* login : {"c01.police", "c01.dispatcher", "c01.housing.head", "c01.clerk"}) {
      CAPTURE(login);
      ApiResult r = ApiUser(s.port(), login).get(previewPath());
      CHECK(r.status == 403);
      CHECK(ApiUser(s.port(), login).get("/api/v1/reports/weekly").status == 403);
    }
  }

  SUBCASE("issuers") {
    CHECK(ApiUser(s.port(), "city.reviewer").post(base + "/issue", "{}").status == 403);
    ApiUser county(s.port(), "c01.discipline");
    CHECK(county.post(base + "/issue", R"({"scope":"c02"})").status == 403);
    ApiResult mine = county.post(base + "/issue", "{}");
    REQUIRE_MESSAGE(mine.status == 201, mine.body);
    CHECK(std::string(mine.json["package"]["scope"].GetString()) == "c01");
    CHECK(county.post(base + "/issue", "{}", false).status == 403);  // no CSRF token
    // The county sees its own packages only.
    ApiResult list = county.get("/api/v1/reports/weekly");
    REQUIRE(list.status == 200);
    CHECK(list.json["packages"].Size() == 1);
    CHECK(county.get(base + "?scope=city").status == 403);
  }

  SUBCASE("bad input") {
    ApiUser d(s.port(), "city.discipline");
    struct Bad {
      std::string path;
      const char* says;
    };
    const std::vector<Bad> bad = {
        {"/api/v1/reports/weekly/2025-11-04/preview", "not a Monday"},
        {"/api/v1/reports/weekly/2025-11-10/preview", "has not ended"},  // this week
        {"/api/v1/reports/weekly/2026-01-05/preview", "has not ended"},
        {"/api/v1/reports/weekly/last-week/preview", "YYYY-MM-DD"},
        {"/api/v1/reports/weekly/2025-02-30/preview", "YYYY-MM-DD"},
        {previewPath("nowhere"), "scope"},
        {previewPath("c01.s01"), "scope"},  // a street is not a county
        {base + "?version=x", "version"},
        {base + ".xlsx?version=0", "version"},
        {"/api/v1/reports/weekly?limit=0", "limit"},
    };
    for (const Bad& b : bad) {
      CAPTURE(b.path);
      ApiResult r = d.get(b.path);
      CHECK(r.status == 400);
      REQUIRE(r.json.IsObject());
      CHECK(contains(r.json["error"].GetString(), b.says));
    }
    CHECK(d.post("/api/v1/reports/weekly/2025-11-05/issue", "{}").status == 400);
    CHECK(d.post(base + "/issue", R"({"scope":"nowhere"})").status == 400);
    CHECK(d.post(base + "/issue", "not json").status == 400);
    CHECK(s.app().db().reader().execAndGet("SELECT COUNT(*) FROM report_packages").getInt() == 0);
    CHECK(d.get(base).status == 404);  // a valid week never issued
  }
}

TEST_CASE("reports: equal rates share a rank, ordered by volume, then unit") {
  TestServer s(0);
  Fixture f(s);
  // Every dispatch on time: c01 dispatches 11 cases, c02 10, both at the minimum or above.
  for (int i = 0; i < 11; ++i) {
    const std::string a = "A" + std::to_string(i), b = "B" + std::to_string(i);
    f.reg(a, "2025-11-04 09:00", "e-1");
    f.dispatch(a, "2025-11-04 10:00", "c01.police", "police.1");
    if (i == 10) continue;
    f.reg(b, "2025-11-04 09:00", "e-6", "phone", true);
    f.dispatch(b, "2025-11-04 10:00", "c02.police", "police.1", true);
  }
  setClock(s, "2025-11-12 09:00");
  ApiResult r = ApiUser(s.port(), "admin").get(previewPath());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const rapidjson::Value& entries = r.json["report"]["rankings"]["on_time_dispatch"]["entries"];
  REQUIRE(entries.Size() == 2);
  CHECK(std::string(entries[0]["unit_id"].GetString()) == "c01.housing");
  CHECK(entries[0]["denominator"].GetInt() == 11);
  CHECK(std::string(entries[1]["unit_id"].GetString()) == "c02.housing");
  CHECK(entries[0]["rank"].GetInt() == 1);
  CHECK(entries[1]["rank"].GetInt() == 1);
}

TEST_CASE("reports: a merge in the week and a reopening after it") {
  TestServer s(0);
  Fixture f(s);
  ApiUser& dispatcher = f.people().dispatcher;
  f.reg("P", "2025-11-03 09:00", "e-1");
  f.reg("Q", "2025-11-03 09:10", "e-1");
  f.dispatch("P", "2025-11-03 10:00", "c01.police", "police.1");
  f.accept("P", "2025-11-03 11:00");
  f.act(dispatcher, "Q", "2025-11-04 09:00",
        R"({"action":"merge","target_case_id":")" + f.id["P"] + R"(","reason":"重复投诉"})");
  f.resolve("P", "2025-11-04 10:00");
  f.close("P", "2025-11-04 11:00", "2025-11-05 09:00");
  f.act(dispatcher, "P", "2025-11-11 09:00",
        R"({"action":"reopen","reason":"投诉人反映问题复发"})");

  setClock(s, "2025-11-19 09:00");
  ApiUser d(s.port(), "city.discipline");
  ApiResult week = d.get(previewPath());
  REQUIRE_MESSAGE(week.status == 200, week.body);
  const rapidjson::Value& t = week.json["report"]["total"];
  CHECK(cases(t, "received") == std::set<std::string>{f.id["P"], f.id["Q"]});
  CHECK(cases(t, "closed") == std::set<std::string>{f.id["P"]});  // reopened only later
  CHECK(count(t, "open") == 0);                                   // Q is merged, P closed

  ApiResult next = d.get("/api/v1/reports/weekly/2025-11-10/preview");
  REQUIRE_MESSAGE(next.status == 200, next.body);
  const rapidjson::Value& n = next.json["report"]["total"];
  CHECK(count(n, "closed") == 0);
  CHECK(cases(n, "open") == std::set<std::string>{f.id["P"]});
  CHECK(cases(n, "assignments_open") == std::set<std::string>{f.id["P"]});
}
