// The monthly red/black list and bulletin (server/publication.h, routes_publication.cpp) and
// its public pages (public_pages.cpp): the exact draft on a hand-built month, review with
// reasons, publication and immutability, corrections, objections, permissions, bad input on
// every write path, and public HTML with no personal data and every value escaped.
#include "publication.h"

#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "case_store.h"
#include "pcs/date.h"
#include "publication_issues.h"
#include "reference_store.h"
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

struct FixtureCase {
  std::string id, county, estate, company, state;
  std::string receivedAt;  // CST
  std::string key;
  std::optional<bool> substantiated;
  std::string closedAt;  // CST, or "" while open
  std::string nextDue;   // YYYY-MM-DD, or ""
};

// Writes the columns the month's figures read; the record itself is not needed for them.
void insertCase(SQLite::Database& tx, const FixtureCase& c) {
  SQLite::Statement st(tx,
                       "INSERT INTO cases(id, county_id, estate_id, company_id, owner_unit_id, "
                       "intake_unit_id, state, urgent, major, channel, received_at, "
                       "registered_at, closed_at, next_due, complainant_key, substantiated, "
                       "excerpt, version, updated_at, data) VALUES(?, ?, ?, ?, ?, ?, ?, 0, 0, "
                       "'phone', ?, ?, ?, ?, ?, ?, '', 1, 0, X'00')");
  st.bind(1, c.id);
  st.bind(2, c.county);
  st.bind(3, c.estate);
  st.bind(4, c.company);
  st.bind(5, c.county + ".housing");
  st.bind(6, c.county + ".housing");
  st.bind(7, c.state);
  st.bind(8, at(c.receivedAt));
  st.bind(9, at(c.receivedAt));
  if (c.closedAt.empty())
    st.bind(10);
  else
    st.bind(10, at(c.closedAt));
  if (c.nextDue.empty())
    st.bind(11);
  else
    st.bind(11, int64_t{pcs::Date::parse(c.nextDue)->dayNumber()});
  st.bind(12, c.key);
  if (c.substantiated)
    st.bind(13, *c.substantiated ? 1 : 0);
  else
    st.bind(13);
  st.exec();
}

void insertSurvey(SQLite::Database& tx, const std::string& estate, const std::string& company,
                  const std::string& county, const std::string& period, int64_t closedAt,
                  int counted, int satisfied) {
  SQLite::Statement st(tx,
                       "INSERT INTO surveys(estate_id, company_id, county_id, period, note, "
                       "state, created_by, created_at, closed_by, closed_at, counted, satisfied, "
                       "satisfaction) VALUES(?, ?, ?, ?, '', 'closed', 'u-1', ?, 'u-1', ?, ?, ?, "
                       "?)");
  st.bind(1, estate);
  st.bind(2, company);
  st.bind(3, county);
  st.bind(4, period);
  st.bind(5, closedAt - 86400);
  st.bind(6, closedAt);
  st.bind(7, counted);
  st.bind(8, satisfied);
  st.bind(9, static_cast<double>(satisfied) / counted);
  st.exec();
}

// February 2026 in 东湖区 (c01), whose estates are managed by co-1, co-2, co-3, co-4 and co-8.
void buildFebruary(TestServer& s) {
  s.app().db().write([&](SQLite::Database& tx) {
    const std::vector<FixtureCase> cases = {
        // co-1: four complaints from three people, all substantiated; the first at the very
        // start of the month, one closed in the month. The one on 1 March is not counted.
        {"2026-000001", "c01", "e-1", "co-1", "closed", "2026-02-01 00:00", "m:13900000001", true,
         "2026-02-20 10:00", ""},
        {"2026-000002", "c01", "e-1", "co-1", "in_progress", "2026-02-03 10:00", "m:13900000002",
         true, "", "2026-03-10"},
        {"2026-000003", "c01", "e-4", "co-1", "in_progress", "2026-02-04 10:00", "m:13900000003",
         true, "", "2026-03-10"},
        {"2026-000004", "c01", "e-4", "co-1", "in_progress", "2026-02-05 10:00", "m:13900000001",
         true, "", "2026-03-10"},
        {"2026-000005", "c01", "e-1", "co-1", "registered", "2026-03-01 00:00", "m:13900000009",
         true, "", "2026-03-10"},
        // co-2: one complaint, not substantiated; co-2's case in another county is not counted.
        {"2026-000006", "c01", "e-2", "co-2", "closed", "2026-02-10 10:00", "m:13900000004", false,
         "2026-02-12 10:00", ""},
        {"2026-000007", "c02", "e-7", "co-2", "in_progress", "2026-02-10 10:00", "m:13900000005",
         true, "", "2026-02-11"},
        // co-4: received in January, still open, its deadline passed in February.
        {"2026-000008", "c01", "e-5", "co-4", "in_progress", "2026-01-10 10:00", "m:13900000006",
         std::nullopt, "", "2026-02-10"},
        // A merged duplicate counts for nothing.
        {"2026-000009", "c01", "e-3", "co-3", "merged", "2026-02-11 10:00", "m:13900000007",
         std::nullopt, "", ""},
    };
    for (const FixtureCase& c : cases) insertCase(tx, c);
    // Surveys: co-2 95%, co-3 exactly 90%, co-8 50%; co-1's survey of a year ago is too old.
    insertSurvey(tx, "e-2", "co-2", "c01", "2026-02", at("2026-02-20 10:00"), 20, 19);
    insertSurvey(tx, "e-3", "co-3", "c01", "2026-01", at("2026-01-25 10:00"), 10, 9);
    insertSurvey(tx, "e-15", "co-8", "c01", "2026-02", at("2026-02-25 10:00"), 10, 5);
    insertSurvey(tx, "e-1", "co-1", "c01", "2025-02", at("2025-02-25 10:00"), 10, 10);
  });
}

const rapidjson::Value* entryOf(const rapidjson::Value& issue, const std::string& company) {
  for (const auto& e : issue["entries"].GetArray())
    if (company == e["company_id"].GetString()) return &e;
  return nullptr;
}

httplib::Result getPage(TestServer& s, const std::string& path) {
  return s.client().Get(path.c_str());
}

}  // namespace

TEST_CASE("publication: the month's figures and the draft of a hand-built February") {
  TestServer s(0);
  buildFebruary(s);
  const auto all =
      pcs::server::monthFigures(s.app().db().reader(), "c01", pcs::Date::fromYmd(2026, 2, 1));
  // Every company managing an estate of the county has a row; the demo city's others had no
  // complaint and no survey in the month, so only the fixture's five carry figures.
  std::vector<pcs::server::CompanyMonth> figures;
  for (const auto& f : all) {
    if (f.complaints > 0 || f.satisfaction || f.overdue > 0)
      figures.push_back(f);
    else
      CHECK_MESSAGE(f.substantiated == 0, f.companyId);
  }
  REQUIRE(figures.size() == 5);
  const auto& co1 = figures[0];
  CHECK(co1.companyId == "co-1");
  CHECK(co1.complaints == 4);
  CHECK(co1.complainants == 3);
  CHECK(co1.substantiated == 3);
  CHECK(co1.closed == 1);
  CHECK(co1.overdue == 0);
  CHECK_FALSE(co1.satisfaction.has_value());

  // The month is China's February whatever the process's time zone: co-1's first complaint at
  // 00:00 on 1 February counts and the one at 00:00 on 1 March does not, in every zone.
  const auto describe = [](const std::vector<pcs::server::CompanyMonth>& months) {
    std::string out;
    for (const auto& m : months) {
      out += m.companyId + ":" + std::to_string(m.complaints) + "/" +
             std::to_string(m.complainants) + "/" + std::to_string(m.substantiated) + "/" +
             std::to_string(m.closed) + "/" + std::to_string(m.overdue) + "/" +
             (m.satisfaction ? std::to_string(*m.satisfaction) : "-") + ";";
      for (const std::string& id : m.cases.complaints) out += id + ",";
      out += "\n";
    }
    return out;
  };
  inEachTimeZone([&](const char* zone) {
    CAPTURE(zone);
    CHECK(describe(pcs::server::monthFigures(s.app().db().reader(), "c01",
                                             pcs::Date::fromYmd(2026, 2, 1))) == describe(all));
  });
  CHECK(co1.cases.complaints ==
        std::vector<std::string>{"2026-000001", "2026-000002", "2026-000003", "2026-000004"});

  const auto entries = pcs::server::draftLists(figures);
  std::vector<std::string> got;
  for (const auto& e : entries)
    got.push_back(std::string(pcs::server::listKindKey(e.list)) + ":" + e.figures.companyId);
  CHECK(got ==
        std::vector<std::string>{"red:co-2", "red:co-3", "black:co-1", "black:co-4", "black:co-8"});
  CHECK(entries[2].reasonsZh == "本月属实投诉涉及3名投诉人（超过2名）");
  CHECK(entries[3].reasonsZh == "有1件投诉逾期未办结");
  CHECK(entries[4].reasonsZh == "满意率50.0%（低于60.0%）");
  CHECK(entries[0].reasonsZh ==
        "本月无属实投诉，无逾期未办结事项，投诉人1名，满意率95.0%（不低于90.0%）");

  // The same through the API, with the evidence stored per entry.
  s.app().setClock([] { return at("2026-03-05 09:00"); });
  ApiUser head(s.port(), "c01.housing.head");
  ApiResult r = head.post("/api/v1/bulletins", R"({"county_id":"c01","month":"2026-02"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  CHECK(std::string(r.json["state"].GetString()) == "draft");
  CHECK(std::string(r.json["title"].GetString()) ==
        "东湖区2026年2月物业服务企业红黑榜及投诉处置情况通报");
  REQUIRE(r.json["entries"].Size() == 5);
  const rapidjson::Value* e1 = entryOf(r.json, "co-1");
  REQUIRE(e1);
  CHECK(std::string((*e1)["list"].GetString()) == "black");
  CHECK((*e1)["evidence"]["complaints"].GetInt() == 4);
  CHECK((*e1)["evidence"]["complainants"].GetInt() == 3);
  CHECK((*e1)["evidence"]["substantiated"].GetInt() == 3);
  CHECK((*e1)["evidence"]["closed"].GetInt() == 1);
  CHECK((*e1)["evidence"]["satisfaction"].IsNull());
  CHECK((*e1)["evidence"]["thresholds"]["black_substantiated"].GetInt() == 2);
  const rapidjson::Value* e3 = entryOf(r.json, "co-3");
  REQUIRE(e3);
  CHECK((*e3)["evidence"]["satisfaction"].GetDouble() == doctest::Approx(0.9));
  CHECK((*e3)["evidence"]["survey_responses"].GetInt() == 10);
  CHECK(r.json["figures"]["complaints"].GetInt() == 5);
  CHECK(r.json["figures"]["overdue"].GetInt() == 1);
  const std::string praise = r.json["praise_text"].GetString();
  CHECK(praise.find("东湖宜家物业服务有限公司") != std::string::npos);  // co-3
  CHECK(std::string(r.json["criticism_text"].GetString()).find("云川市安居物业服务有限公司") !=
        std::string::npos);
}

TEST_CASE(
    "publication: review with reasons, publish once, immutable, corrections, objections, "
    "permissions and bad input") {
  TestServer s(0);
  buildFebruary(s);
  s.app().setClock([] { return at("2026-03-05 09:00"); });
  ApiUser head(s.port(), "c01.housing.head"), dispatcher(s.port(), "c01.dispatcher"),
      otherHead(s.port(), "c02.housing.head"), cityHead(s.port(), "city.head"),
      discipline(s.port(), "city.discipline"), countyDiscipline(s.port(), "c02.discipline"),
      clerk(s.port(), "c01.clerk"), admin(s.port(), "admin");
  auto issues = [&] { return count(s, "SELECT COUNT(*) FROM bulletins"); };

  // Drafting: permissions and bad input, nothing stored.
  const std::string good = R"({"county_id":"c01","month":"2026-02"})";
  CHECK(dispatcher.post("/api/v1/bulletins", good).status == 403);
  CHECK(clerk.post("/api/v1/bulletins", good).status == 403);
  CHECK(discipline.post("/api/v1/bulletins", good).status == 403);
  CHECK(otherHead.post("/api/v1/bulletins", good).status == 403);
  CHECK(head.post("/api/v1/bulletins", R"({"county_id":"c01","month":"2026-2"})").status == 400);
  CHECK(head.post("/api/v1/bulletins", R"({"county_id":"c01","month":"2026-03"})").status ==
        400);  // March has not ended
  CHECK(head.post("/api/v1/bulletins", R"({"county_id":"c01.s01","month":"2026-02"})").status ==
        400);
  CHECK(head.post("/api/v1/bulletins", R"({"month":"2026-02"})").status == 400);
  CHECK(head.post("/api/v1/bulletins", "[]").status == 400);
  CHECK(head.post("/api/v1/bulletins", good, /*withCsrf=*/false).status == 403);
  CHECK(s.client().Get("/api/v1/bulletins")->status == 401);
  CHECK(issues() == 0);

  ApiResult r = head.post("/api/v1/bulletins", good);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  const std::string base = "/api/v1/bulletins/" + id;
  const std::string co8 = std::to_string((*entryOf(r.json, "co-8"))["id"].GetInt64());
  const std::string co2 = std::to_string((*entryOf(r.json, "co-2"))["id"].GetInt64());
  CHECK(head.post("/api/v1/bulletins", good).status == 409);
  CHECK(cityHead.post("/api/v1/bulletins", good).status == 409);
  CHECK(issues() == 1);

  // Reading drafts: authority heads in scope, oversight; others 403 or 404.
  CHECK(discipline.get(base).status == 200);
  CHECK(cityHead.get(base).status == 200);
  CHECK(countyDiscipline.get(base).status == 404);
  CHECK(otherHead.get(base).status == 404);
  CHECK(clerk.get(base).status == 403);
  CHECK(dispatcher.get("/api/v1/bulletins").status == 403);
  CHECK(discipline.get("/api/v1/bulletins?state=draft").json["items"].Size() == 1);
  CHECK(otherHead.get("/api/v1/bulletins").json["items"].Size() == 0);
  CHECK(head.get("/api/v1/bulletins?state=old").status == 400);

  // Review: each edit needs a reason and changes something; oversight cannot edit.
  const std::string entry8 = base + "/entries/" + co8;
  CHECK(head.post(entry8, R"({"list":"removed"})").status == 400);
  CHECK(head.post(entry8, R"({"list":"purple","reason":"x"})").status == 400);
  CHECK(head.post(entry8, R"({"reason":"x"})").status == 400);
  CHECK(head.post(entry8, R"({"list":"black","reason":"x"})").status == 400);  // no change
  CHECK(head.post(entry8, R"({"reasons":"  ","reason":"x"})").status == 400);
  CHECK(head.post(base + "/entries/999999", R"({"list":"removed","reason":"x"})").status == 404);
  CHECK(discipline.post(entry8, R"({"list":"removed","reason":"x"})").status == 403);
  CHECK(otherHead.post(entry8, R"({"list":"removed","reason":"x"})").status == 404);
  CHECK(count(s, "SELECT COUNT(*) FROM bulletin_edits") == 0);
  r = head.post(entry8, R"({"list":"removed","reason":"该测评样本不足，下月复核"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string((*entryOf(r.json, "co-8"))["list"].GetString()) == "removed");
  CHECK(std::string((*entryOf(r.json, "co-8"))["drafted_list"].GetString()) == "black");
  REQUIRE(r.json["edits"].Size() == 1);
  CHECK(std::string(r.json["edits"][0]["reason"].GetString()) == "该测评样本不足，下月复核");
  CHECK(head.post(base + "/text", R"({"praise_text":"新的表扬内容"})").status == 400);
  CHECK(head.post(base + "/text", R"({"reason":"x"})").status == 400);
  CHECK(head.post(base + "/text", R"({"title":"","reason":"x"})").status == 400);
  r = head.post(base + "/text", R"({"criticism_text":"以下企业予以通报批评。","reason":"精简"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["criticism_text"].GetString()) == "以下企业予以通报批评。");
  CHECK(r.json["edits"].Size() == 2);

  // Objections belong to published issues.
  CHECK(head.post(base + "/objections", R"({"entry_id":)" + co2 + R"(,"text":"异议"})").status ==
        409);

  // Not public while a draft.
  auto page = getPage(s, "/public/bulletins/" + id);
  REQUIRE(page);
  CHECK(page->status == 404);
  CHECK(getPage(s, "/public/")->body.find("/public/bulletins/" + id) == std::string::npos);

  // Publish once; then every change is 409 and the database refuses it too.
  CHECK(discipline.post(base + "/publish", "{}").status == 403);
  CHECK(head.post(base + "/publish", "[1]").status == 400);
  r = head.post(base + "/publish", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["state"].GetString()) == "published");
  CHECK(head.post(base + "/publish", "{}").status == 409);
  CHECK(head.post(base + "/entries/" + co2, R"({"list":"removed","reason":"x"})").status == 409);
  CHECK(head.post(base + "/text", R"({"title":"改","reason":"x"})").status == 409);
  CHECK(admin.post(base + "/entries/" + co2, R"({"reasons":"改","reason":"x"})").status == 409);
  CHECK(head.post("/api/v1/bulletins", good).status == 409);  // a correction is the way
  CHECK_THROWS(s.app().db().write(
      [&](SQLite::Database& tx) { tx.exec("UPDATE bulletins SET title = 'x' WHERE id = " + id); }));
  CHECK_THROWS(s.app().db().write([&](SQLite::Database& tx) {
    tx.exec("UPDATE bulletin_entries SET list = 'red' WHERE id = " + co8);
  }));
  CHECK_THROWS(s.app().db().write(
      [&](SQLite::Database& tx) { tx.exec("DELETE FROM bulletin_entries WHERE id = " + co8); }));

  // Public now: the removed entry is not shown.
  page = getPage(s, "/public/bulletins/" + id);
  REQUIRE(page);
  REQUIRE(page->status == 200);
  CHECK(page->body.find("东湖宜家物业服务有限公司") != std::string::npos);    // co-3, red
  CHECK(page->body.find("云川市锦程物业管理有限公司") == std::string::npos);  // co-8, removed
  CHECK(page->body.find("以下企业予以通报批评。") != std::string::npos);
  CHECK(page->get_header_value("Cache-Control") == "public, max-age=300");
  const std::string etag = page->get_header_value("ETag");
  REQUIRE_FALSE(etag.empty());
  auto again = s.client().Get(("/public/bulletins/" + id).c_str(), {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(getPage(s, "/public/")->body.find("/public/bulletins/" + id) != std::string::npos);

  // Objections: recorded against an entry, decided once with a note.
  const std::string objections = base + "/objections";
  CHECK(head.post(objections, R"({"entry_id":999999,"text":"异议"})").status == 400);
  CHECK(head.post(objections, R"({"entry_id":)" + co2 + "}").status == 400);
  CHECK(head.post(objections, R"({"entry_id":)" + co2 + R"(,"text":" "})").status == 400);
  CHECK(head.post(objections,
                  R"({"entry_id":)" + co2 + R"(,"text":"异议","received_at":"2027-01-01 09:00"})")
            .status == 400);
  CHECK(discipline.post(objections, R"({"entry_id":)" + co2 + R"(,"text":"异议"})").status == 403);
  CHECK(count(s, "SELECT COUNT(*) FROM bulletin_objections") == 0);
  r = head.post(objections,
                R"({"entry_id":)" + co2 +
                    R"(,"text":"我司2月份满意率应为96%","received_at":"2026-03-05 09:00"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  REQUIRE(r.json["objections"].Size() == 1);
  CHECK(std::string(r.json["objections"][0]["company_id"].GetString()) == "co-2");
  CHECK(std::string(r.json["objections"][0]["outcome"].GetString()) == "pending");
  const std::string decide =
      objections + "/" + std::to_string(r.json["objections"][0]["id"].GetInt64()) + "/decision";
  CHECK(head.post(decide, R"({"outcome":"upheld"})").status == 400);
  CHECK(head.post(decide, R"({"outcome":"maybe","note":"x"})").status == 400);
  r = head.post(decide, R"({"outcome":"rejected","note":"测评结果以县住建局复核为准"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["objections"][0]["outcome"].GetString()) == "rejected");
  CHECK(head.post(decide, R"({"outcome":"upheld","note":"x"})").status == 409);

  // A correction is a new issue linked to the old one; the old one stays as it was.
  CHECK(head.post(base + "/corrections", "{}").status == 400);
  r = head.post(base + "/corrections", R"({"reason":"co-8测评已复核，重新列入"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string fixed = std::to_string(r.json["id"].GetInt64());
  CHECK(r.json["corrects_id"].GetInt64() == std::stoll(id));
  CHECK(std::string(r.json["state"].GetString()) == "draft");
  CHECK(r.json["entries"].Size() == 5);
  CHECK(head.post(base + "/corrections", R"({"reason":"again"})").status == 409);
  CHECK(head.post("/api/v1/bulletins/" + fixed + "/corrections", R"({"reason":"x"})").status ==
        409);  // a draft is edited, not corrected
  const std::string fixed8 = std::to_string((*entryOf(r.json, "co-8"))["id"].GetInt64());
  REQUIRE(head.post("/api/v1/bulletins/" + fixed + "/entries/" + fixed8,
                    R"({"list":"black","reason":"复核后满意率仍为50%"})")
              .status == 200);
  REQUIRE(cityHead.post("/api/v1/bulletins/" + fixed + "/publish", "{}").status == 200);
  r = head.get(base);
  CHECK(r.json["corrected_by"].Size() == 1);
  CHECK(std::string((*entryOf(r.json, "co-8"))["list"].GetString()) == "removed");
  page = getPage(s, "/public/bulletins/" + id);
  CHECK(page->body.find("/public/bulletins/" + fixed) != std::string::npos);
  CHECK(page->body.find("已被更正") != std::string::npos);
  page = getPage(s, "/public/bulletins/" + fixed);
  REQUIRE(page->status == 200);
  CHECK(page->body.find("云川市锦程物业管理有限公司") != std::string::npos);
  CHECK(page->body.find("co-8测评已复核") != std::string::npos);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
  CHECK(count(s, "SELECT COUNT(*) FROM audit WHERE action = 'bulletin.publish'") == 2);
}

TEST_CASE("publication: the public pages carry no personal data and escape every value") {
  TestServer s(120);  // the demo city with complaints of the last 60 days
  const pcs::Date today = pcs::cstDate(s.app().now());
  // Two months back: last month's issues may have been drafted by the scheduler (T15) as the
  // demo city was loaded, before the hostile company below existed.
  const pcs::Date first = pcs::Date::fromYmd(today.year(), today.month(), 1).addMonths(-2);
  const std::string month = first.toString().substr(0, 7);
  const std::string evil = "<script>alert('x')</script>\"&物业";
  s.app().db().write([&](SQLite::Database& tx) {
    pcs::Company c;
    c.id = "co-99";
    c.name = evil;
    pcs::server::ReferenceStore::putCompany(tx, c, 0);
    pcs::Estate e;
    e.id = "e-99";
    e.name = "测试<b>小区</b>";
    e.countyId = "c01";
    e.streetId = "c01.s01";
    e.communityId = "c01.s01.m01";
    e.companyId = "co-99";
    pcs::server::ReferenceStore::putEstate(tx, e, 0);
    insertSurvey(tx, "e-99", "co-99", "c01", month, pcs::cstMidnight(first) + 10 * 86400, 10, 10);
  });

  ApiUser cityHead(s.port(), "city.head");
  std::vector<std::string> ids;
  for (const char* county : {"c01", "c02", "c03", "c04"}) {
    ApiResult r = cityHead.post("/api/v1/bulletins", std::string(R"({"county_id":")") + county +
                                                         R"(","month":")" + month + "\"}");
    REQUIRE_MESSAGE(r.status == 201, r.body);
    ids.push_back(std::to_string(r.json["id"].GetInt64()));
    REQUIRE(cityHead.post("/api/v1/bulletins/" + ids.back() + "/publish", "{}").status == 200);
  }
  // A draft of the month before stays unreachable.
  ApiResult draft =
      cityHead.post("/api/v1/bulletins", R"({"county_id":"c01","month":")" +
                                             first.addMonths(-1).toString().substr(0, 7) + "\"}");
  REQUIRE_MESSAGE(draft.status == 201, draft.body);
  const std::string draftId = std::to_string(draft.json["id"].GetInt64());

  std::vector<std::string> pages;
  auto index = getPage(s, "/public/");
  REQUIRE(index);
  REQUIRE(index->status == 200);
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index->get_header_value("Cache-Control") == "public, max-age=300");
  pages.push_back(index->body);
  for (const std::string& id : ids) {
    CHECK(index->body.find("/public/bulletins/" + id + "\"") != std::string::npos);
    auto p = getPage(s, "/public/bulletins/" + id);
    REQUIRE(p);
    REQUIRE(p->status == 200);
    pages.push_back(p->body);
  }
  CHECK(index->body.find("/public/bulletins/" + draftId + "\"") == std::string::npos);
  CHECK(getPage(s, "/public/bulletins/" + draftId)->status == 404);
  CHECK(getPage(s, "/public/bulletins/999999")->status == 404);
  CHECK(getPage(s, "/public/../api/v1/users")->status != 200);

  // The hostile company name is on the c01 red list, escaped.
  const std::string& c01 = pages[1];
  CHECK(c01.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;物业") !=
        std::string::npos);
  for (const std::string& html : pages) {
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("name=\"viewport\" content=\"width=device-width, initial-scale=1\"") !=
          std::string::npos);
    CHECK(html.find("<html lang=\"zh-CN\">") != std::string::npos);
  }

  // No complainant name or contact (as written, or as bare digits), no account name.
  std::set<std::string> personal;
  {
    SQLite::Database& db = s.app().db().reader();
    SQLite::Statement st(db, "SELECT id FROM cases");
    while (st.executeStep()) {
      const auto c = pcs::server::CaseStore::load(db, st.getColumn(0).getString());
      REQUIRE(c);
      if (!c->value.complainant.name.empty()) personal.insert(c->value.complainant.name);
      const std::string& contact = c->value.complainant.contact;
      if (!contact.empty()) personal.insert(contact);
      std::string digits;
      for (char ch : contact)
        if (ch >= '0' && ch <= '9') digits += ch;
      if (digits.size() >= 7) personal.insert(digits);
    }
    SQLite::Statement users(db, "SELECT display_name, login FROM users");
    while (users.executeStep()) {
      personal.insert(users.getColumn(0).getString());
      personal.insert(users.getColumn(1).getString());
    }
  }
  CHECK(personal.size() > 100);  // the scan has something to look for
  for (const std::string& html : pages)
    for (const std::string& p : personal) CHECK_MESSAGE(html.find(p) == std::string::npos, p);
}

namespace {

std::vector<std::string> strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.push_back(v.GetString());
  return out;
}

pcs::Company companyOf(TestServer& s, const std::string& id) {
  const auto c = pcs::server::ReferenceStore::company(s.app().db().reader(), id);
  REQUIRE_MESSAGE(c, id);
  return *c;
}

// Three substantiated complaints from three people against co-1 (c01) in `month` ("YYYY-MM"),
// closed within it: co-1 is on that month's black list. Case numbers <month>-0000N.
void blackMonth(TestServer& s, const std::string& month) {
  s.app().db().write([&](SQLite::Database& tx) {
    for (int i = 1; i <= 3; ++i) {
      const std::string n = std::to_string(i);
      insertCase(
          tx, {month.substr(0, 4) + "-9" + month.substr(5, 2) + "00" + n, "c01", "e-1", "co-1",
               "closed", month + "-0" + n + " 10:00", "m:1380000" + month.substr(5) + "0" + n, true,
               month + "-1" + n + " 10:00", ""});
    }
  });
}

// Every stored row of the issues and what hangs on them, and the companies' standing: what a
// refused request must leave as it was.
std::string storedIssues(TestServer& s) {
  std::string out;
  for (const char* table : {"bulletins", "bulletin_entries", "bulletin_edits",
                            "bulletin_objections", "bulletin_figure_cases", "companies", "audit"}) {
    SQLite::Statement st(s.app().db().reader(), std::string("SELECT * FROM ") + table);
    out += table;
    out += ":\n";
    while (st.executeStep()) {
      for (int i = 0; i < st.getColumnCount(); ++i)
        out += (st.getColumn(i).isNull() ? "NULL" : st.getColumn(i).getString()) + "|";
      out += "\n";
    }
  }
  return out;
}

std::string draftAndPublish(ApiUser& head, const std::string& month) {
  ApiResult r = head.post("/api/v1/bulletins", R"({"county_id":"c01","month":")" + month + "\"}");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());
  r = head.post("/api/v1/bulletins/" + id + "/publish", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return id;
}

}  // namespace

TEST_CASE("publication: every figure of an issue drills down to the cases and surveys it counts") {
  TestServer s(0);
  buildFebruary(s);
  s.app().setClock([] { return at("2026-03-05 09:00"); });
  ApiUser head(s.port(), "c01.housing.head"), otherHead(s.port(), "c02.housing.head"),
      clerk(s.port(), "c01.clerk"), discipline(s.port(), "city.discipline");
  ApiResult r = head.post("/api/v1/bulletins", R"({"county_id":"c01","month":"2026-02"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = std::to_string(r.json["id"].GetInt64());

  // Each entry carries the cases behind its figures; their number is the figure.
  const rapidjson::Value* co1 = entryOf(r.json, "co-1");
  REQUIRE(co1);
  const auto& cases1 = (*co1)["cases"];
  CHECK(strings(cases1["complaints"]) ==
        std::vector<std::string>{"2026-000001", "2026-000002", "2026-000003", "2026-000004"});
  CHECK(strings(cases1["substantiated"]) == strings(cases1["complaints"]));
  CHECK(strings(cases1["closed"]) == std::vector<std::string>{"2026-000001"});
  CHECK(cases1["overdue"].Size() == 0);
  CHECK(cases1["surveys"].Size() == 0);  // the survey of a year ago is outside the window
  CHECK(cases1["complaints"].Size() == (*co1)["evidence"]["complaints"].GetUint());
  const rapidjson::Value* co4 = entryOf(r.json, "co-4");
  REQUIRE(co4);
  CHECK(strings((*co4)["cases"]["overdue"]) == std::vector<std::string>{"2026-000008"});
  const rapidjson::Value* co3 = entryOf(r.json, "co-3");
  REQUIRE(co3);
  REQUIRE((*co3)["cases"]["surveys"].Size() == 1);
  const int64_t survey = (*co3)["cases"]["surveys"][0].GetInt64();
  CHECK(count(s, "SELECT company_id = 'co-3' AND counted = 10 FROM surveys WHERE id = " +
                     std::to_string(survey)) == 1);

  // The county's figures drill down too: every company's cases, merged duplicates and other
  // counties' cases left out, as the figures were counted.
  const std::string casesPath = "/api/v1/bulletins/" + id + "/cases";
  r = head.get(casesPath);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(strings(r.json["cases"]["complaints"]) ==
        std::vector<std::string>{"2026-000001", "2026-000002", "2026-000003", "2026-000004",
                                 "2026-000006"});
  CHECK(strings(r.json["cases"]["closed"]) ==
        std::vector<std::string>{"2026-000001", "2026-000006"});
  CHECK(strings(r.json["cases"]["overdue"]) == std::vector<std::string>{"2026-000008"});
  CHECK(r.json["cases"]["surveys"].Size() == 3);  // co-2, co-3 and co-8
  r = head.get(casesPath + "?company_id=co-2");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json["company_id"].GetString()) == "co-2");
  CHECK(strings(r.json["cases"]["complaints"]) == std::vector<std::string>{"2026-000006"});
  CHECK(r.json["cases"]["substantiated"].Size() == 0);
  CHECK(head.get(casesPath + "?company_id=co-404").json["cases"]["complaints"].Size() == 0);

  // Who may read them: as the issue.
  CHECK(discipline.get(casesPath).status == 200);
  CHECK(otherHead.get(casesPath).status == 404);
  CHECK(clerk.get(casesPath).status == 403);
  CHECK(head.get("/api/v1/bulletins/999999/cases").status == 404);
  CHECK(head.get(casesPath + "?company_id=" + std::string(65, 'x')).status == 400);

  // Frozen with the published issue; a correction carries them over.
  REQUIRE(head.post("/api/v1/bulletins/" + id + "/publish", "{}").status == 200);
  CHECK_THROWS(s.app().db().write([&](SQLite::Database& tx) {
    tx.exec("DELETE FROM bulletin_figure_cases WHERE bulletin_id = " + id);
  }));
  CHECK_THROWS(s.app().db().write([&](SQLite::Database& tx) {
    tx.exec("INSERT INTO bulletin_figure_cases VALUES(" + id + ", 'co-1', 'closed', 'x')");
  }));
  r = head.post("/api/v1/bulletins/" + id + "/corrections", R"({"reason":"复核"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string fixed = std::to_string(r.json["id"].GetInt64());
  CHECK(strings((*entryOf(r.json, "co-1"))["cases"]["complaints"]) ==
        strings(cases1["complaints"]));
  CHECK(head.get("/api/v1/bulletins/" + fixed + "/cases").json["cases"]["complaints"].Size() == 5);
}

TEST_CASE("publication: a company's standing from the months it stood on each list") {
  using pcs::ListStatus;
  using pcs::server::standingFrom;
  const std::set<std::string> none;
  CHECK(standingFrom(none, none, "2026-02").status == ListStatus::None);
  const auto s = standingFrom(none, {"2025-12", "2026-01", "2026-02"}, "2026-02");
  CHECK(s.status == ListStatus::Black);
  CHECK(s.monthsOnBlackList == 3);
  // A gap ends the run; the year's turn does not.
  CHECK(standingFrom(none, {"2025-11", "2026-01", "2026-02"}, "2026-02").monthsOnBlackList == 2);
  CHECK(standingFrom(none, {"2025-12", "2026-01"}, "2026-01").monthsOnBlackList == 2);
  // Off the black list in the reference month: red or none, with no months.
  CHECK(standingFrom({"2026-02"}, {"2026-01"}, "2026-02").status == ListStatus::Red);
  CHECK(standingFrom({"2026-02"}, {"2026-01"}, "2026-02").monthsOnBlackList == 0);
  CHECK(standingFrom(none, {"2026-01"}, "2026-02").status == ListStatus::None);
  // Black in one county and red in another in the same month: black.
  CHECK(standingFrom({"2026-02"}, {"2026-02"}, "2026-02").status == ListStatus::Black);
}

TEST_CASE(
    "publication: three published months on the black list raise a grade review, and a correction "
    "taking the company off recomputes") {
  TestServer s(0);
  for (const char* month : {"2025-12", "2026-01", "2026-02"}) blackMonth(s, month);
  s.app().db().write([&](SQLite::Database& tx) {  // co-3 satisfies its residents in February
    insertSurvey(tx, "e-3", "co-3", "c01", "2026-02", at("2026-02-20 10:00"), 20, 19);
  });
  const int64_t now = at("2026-03-05 09:00");
  s.app().setClock([now] { return now; });
  ApiUser head(s.port(), "c01.housing.head");
  pcs::server::Scheduler sched(s.app());
  auto reviews = [&] {
    return count(s,
                 "SELECT COUNT(*) FROM ledger_proposals WHERE company_id = 'co-1' AND "
                 "rule = 'grade_review' AND state = 'open'");
  };
  CHECK(companyOf(s, "co-1").listStatus == pcs::ListStatus::None);

  // December and January: on the black list two months running; not yet long.
  draftAndPublish(head, "2025-12");
  CHECK(companyOf(s, "co-1").listStatus == pcs::ListStatus::Black);
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 1);
  draftAndPublish(head, "2026-01");
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 2);
  CHECK(companyOf(s, "co-3").listStatus == pcs::ListStatus::None);
  sched.runLedger(now);
  CHECK(reviews() == 0);

  // February: the third month. The next ledger run proposes a grade review naming it.
  const std::string feb = draftAndPublish(head, "2026-02");
  CHECK(companyOf(s, "co-1").listStatus == pcs::ListStatus::Black);
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 3);
  CHECK(companyOf(s, "co-3").listStatus == pcs::ListStatus::Red);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE action = 'company.standing' "
              "AND subject = 'company:co-1'") == 3);
  CHECK(sched.runLedger(now).added >= 1);
  REQUIRE(reviews() == 1);
  const std::string evidence =
      s.app()
          .db()
          .reader()
          .execAndGet(
              "SELECT evidence FROM ledger_proposals WHERE company_id = 'co-1' AND "
              "rule = 'grade_review'")
          .getString();
  CHECK(evidence.find(R"("what":"black_list_months","value":3.0)") != std::string::npos);

  // Idempotent: recomputing changes nothing and audits nothing.
  const int64_t audits = count(s, "SELECT COUNT(*) FROM audit");
  CHECK(s.app().db().write([&](SQLite::Database& tx) {
    return pcs::server::updateStandings(tx, "c01", std::stoll(feb), now, "u-test", "");
  }) == 0);
  CHECK(count(s, "SELECT COUNT(*) FROM audit") == audits);

  // A correction of February that takes co-1 off the list: once published, co-1 is off.
  ApiResult r = head.post("/api/v1/bulletins/" + feb + "/corrections",
                          R"({"reason":"co-1二月投诉经复核不属实"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string fixed = std::to_string(r.json["id"].GetInt64());
  const std::string entry = std::to_string((*entryOf(r.json, "co-1"))["id"].GetInt64());
  REQUIRE(head.post("/api/v1/bulletins/" + fixed + "/entries/" + entry,
                    R"({"list":"removed","reason":"复核不属实"})")
              .status == 200);
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 3);  // a draft changes nothing
  // The copied criticism text still names co-1: not published until it is rewritten.
  const std::string before = storedIssues(s);
  r = head.post("/api/v1/bulletins/" + fixed + "/publish", "{}");
  CHECK(r.status == 400);
  CHECK(r.body.find("未列入黑榜的企业：云川市安居物业服务有限公司") != std::string::npos);
  CHECK(storedIssues(s) == before);
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 3);
  REQUIRE(head.post("/api/v1/bulletins/" + fixed + "/text",
                    R"({"criticism_text":"东湖区2026年2月无企业列入黑榜。","reason":"复核不属实"})")
              .status == 200);
  REQUIRE(head.post("/api/v1/bulletins/" + fixed + "/publish", "{}").status == 200);
  CHECK(companyOf(s, "co-1").listStatus == pcs::ListStatus::None);
  CHECK(companyOf(s, "co-1").monthsOnBlackList == 0);
  CHECK(companyOf(s, "co-3").listStatus == pcs::ListStatus::Red);
  CHECK(count(s,
              "SELECT COUNT(*) FROM audit WHERE action = 'company.standing' "
              "AND subject = 'company:co-1' AND detail LIKE '%未入榜%原为黑榜（连续3个月）%'") ==
        1);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE(
    "publication: refused input leaves everything as it was: names off the list, months out of "
    "range, objections out of time, control characters") {
  TestServer s(0);
  buildFebruary(s);
  s.app().setClock([] { return at("2026-03-05 09:00"); });
  ApiUser head(s.port(), "c01.housing.head");
  auto refused = [&](const std::string& path, const std::string& body, const std::string& says) {
    const std::string before = storedIssues(s);
    const ApiResult r = head.post(path, body);
    CHECK_MESSAGE(r.status == 400, path, " ", body, " -> ", r.status, " ", r.body);
    CHECK_MESSAGE(r.body.find(says) != std::string::npos, r.body);
    CHECK_MESSAGE(storedIssues(s) == before, path, " ", body);
  };

  // Months: only those over, and not more than 24 months before the current one (March 2026).
  auto month = [](const std::string& m) { return R"({"county_id":"c01","month":")" + m + "\"}"; };
  refused("/api/v1/bulletins", month("1999-01"), "过早");
  refused("/api/v1/bulletins", month("2024-02"), "2024-03起");
  refused("/api/v1/bulletins", month("2026-03"), "尚未结束");
  refused("/api/v1/bulletins", month("2026-04"), "未来的月份");
  refused("/api/v1/bulletins", month("2099-12"), "未来的月份");
  CHECK(count(s, "SELECT COUNT(*) FROM bulletins") == 0);
  CHECK(head.post("/api/v1/bulletins", month("2024-03")).status == 201);  // the oldest allowed

  ApiResult r = head.post("/api/v1/bulletins", month("2026-02"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string base = "/api/v1/bulletins/" + std::to_string(r.json["id"].GetInt64());
  auto entry = [&](const std::string& company) {
    return base + "/entries/" + std::to_string((*entryOf(r.json, company))["id"].GetInt64());
  };
  const std::string co2 = entry("co-2"), co8 = entry("co-8");
  const std::string co2Id = co2.substr(co2.rfind('/') + 1);

  // Control characters (tab and line breaks aside) in any text: 400 naming the field.
  refused(base + "/text", R"({"praise_text":"表扬\u0007内容","reason":"x"})", "'praise_text'");
  refused(base + "/text", R"({"criticism_text":"批评\u001b[31m","reason":"x"})",
          "'criticism_text'");
  refused(base + "/text", R"({"title":"标题\u0000","reason":"x"})", "'title'");
  refused(base + "/text", R"({"title":"标题","reason":"理由\u007f"})", "'reason'");
  refused(co8, R"({"reasons":"理由\u0085","reason":"x"})", "'reasons'");
  refused(co8, R"({"list":"removed","reason":"样本\u0001不足"})", "'reason'");
  r = head.post(base + "/text", R"({"title":"标题\t一\r\n二","reason":"制表符与换行可以"})");
  CHECK_MESSAGE(r.status == 200, r.body);

  // Names off the list: co-8 taken off the black list, co-2 moved from the red list to the black
  // one, both still named in the drafted texts.
  REQUIRE(head.post(co8, R"({"list":"removed","reason":"样本不足"})").status == 200);
  REQUIRE(head.post(co2, R"({"list":"black","reason":"复核"})").status == 200);
  refused(base + "/publish", "{}", "未列入黑榜的企业：云川市锦程物业管理有限公司");
  r = head.post(base + "/publish", "{}");
  CHECK(r.body.find("未列入红榜的企业：云川恒信物业管理有限公司") != std::string::npos);
  CHECK(r.body.find("东湖宜家") == std::string::npos);    // co-3 is on the red list
  CHECK(r.body.find("云川市安居") == std::string::npos);  // co-1 is on the black list
  // Praise fixed, criticism not yet: still refused, now for the criticism only.
  REQUIRE(head.post(base + "/text",
                    R"({"praise_text":"东湖宜家物业服务有限公司列入红榜。","reason":"x"})")
              .status == 200);
  refused(base + "/publish", "{}", "未列入黑榜的企业：云川市锦程物业管理有限公司");
  CHECK(head.post(base + "/publish", "{}").body.find("红榜的企业") == std::string::npos);
  REQUIRE(
      head.post(
              base + "/text",
              R"({"criticism_text":"云川恒信物业管理有限公司、云川市安居物业服务有限公司列入黑榜。","reason":"x"})")
          .status == 200);
  r = head.post(base + "/publish", "{}");
  REQUIRE_MESSAGE(r.status == 200, r.body);

  // Objections: received between publication (09:00, that minute counts) and now.
  const std::string objections = base + "/objections";
  auto objection = [&](const std::string& text, const std::string& when) {
    return R"({"entry_id":)" + co2Id + R"(,"text":")" + text + R"(","received_at":")" + when +
           "\"}";
  };
  refused(objections, objection("异议", "2020-01-01 09:00"), "before the issue was published");
  refused(objections, objection("异议", "2026-03-05 08:59"), "before the issue was published");
  refused(objections, objection("异议", "2026-03-05 09:01"), "future");
  refused(objections, objection("异议", "2031-01-01 09:00"), "future");
  refused(objections, objection("异\\u0002议", "2026-03-05 09:00"), "'text'");
  CHECK(count(s, "SELECT COUNT(*) FROM bulletin_objections") == 0);
  r = head.post(objections, objection("异议", "2026-03-05 09:00"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string decide =
      objections + "/" + std::to_string(r.json["objections"][0]["id"].GetInt64()) + "/decision";
  refused(decide, R"({"outcome":"rejected","note":"不成立\u0003"})", "'note'");
  refused(base + "/corrections", R"({"reason":"更正\u0004"})", "'reason'");
  CHECK(count(s, "SELECT COUNT(*) FROM bulletins WHERE corrects_id IS NOT NULL") == 0);
}
