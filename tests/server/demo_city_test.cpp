// The demo city (tools/demo_city, server/demo.cpp): its organisation, accounts, estates and
// companies; the generated complaints (determinism, catalogue coverage, outcome mix, event
// histories, supervision thresholds); and the server's load of it into a database.
#include "demo_city.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "app.h"
#include "case_store.h"
#include "demo.h"
#include "pcs/calendar.h"
#include "pcs/catalogue.h"
#include "pcs/date.h"
#include "pcs/deadline.h"
#include "scheduler.h"

namespace {

using pcs::demo::City;
using pcs::demo::demoCity;

const pcs::Calendar& calendar() {
  static const pcs::Calendar c = pcs::Calendar::builtin();
  return c;
}
const pcs::RuleSet& rules() {
  static const pcs::RuleSet r = pcs::RuleSet::builtin();
  return r;
}
const pcs::Catalogue& catalogue() {
  static const pcs::Catalogue c = pcs::Catalogue::builtin();
  return c;
}

// A fixed clock for generated data: 2026-11-20 16:00 CST.
int64_t demoClock() {
  return *pcs::parseCst("2026-11-20 16:00");
}

std::vector<pcs::Case> generate(int cases, unsigned seed, int64_t now = demoClock()) {
  std::vector<pcs::Case> out;
  pcs::demo::CaseOptions o;
  o.cases = cases;
  o.seed = seed;
  o.now = now;
  const City& city = demoCity();
  pcs::demo::generateCases(city, {city.org, calendar(), rules(), catalogue()}, o,
                           [&](pcs::Case&& c) { out.push_back(std::move(c)); });
  return out;
}

uint64_t hashOf(const std::vector<pcs::Case>& cases) {
  uint64_t h = 0;
  for (const pcs::Case& c : cases) h = pcs::demo::hashCase(c, h);
  return h;
}

pcs::demo::Summary summarize(const std::vector<pcs::Case>& cases, int64_t now = demoClock()) {
  pcs::demo::SummaryBuilder b(demoCity(), now);
  for (const pcs::Case& c : cases) b.add(c);
  return b.finish();
}

// One generated city shared by the tests that only read it (generating takes a few seconds).
const std::vector<pcs::Case>& large() {
  static const std::vector<pcs::Case> cases = generate(6000, 20250408);
  return cases;
}

}  // namespace

TEST_CASE("demo city: four districts and eight counties, each with streets and communities") {
  const City& city = demoCity();
  CHECK(city.districts.size() == 4);
  CHECK(city.counties.size() == 8);
  CHECK(city.areas.children.size() == 12);
  // The first demo's ids and names stay: tests, the README and the API docs name them.
  CHECK(city.org.get("c01").name == "东湖区");
  CHECK(city.org.get("c04").name == "青山县");
  CHECK(city.org.get("c01.s01").name == "朝阳街道");
  CHECK(city.org.get("c01.s01.m01").name == "幸福社区");
  for (const pcs::AreaSpec& county : city.areas.children) {
    CAPTURE(county.id);
    REQUIRE(!county.children.empty());
    for (const pcs::AreaSpec& street : county.children) CHECK(!street.children.empty());
  }
}

TEST_CASE("demo city: every R4 department at the city and in every county") {
  const City& city = demoCity();
  std::vector<std::string> areas = city.countyLevelIds();
  areas.push_back("city");
  for (const std::string& area : areas)
    for (int i = 0; i < pcs::kHandlerCount; ++i) {
      const auto h = static_cast<pcs::Handler>(i);
      if (h == pcs::Handler::StreetOffice || h == pcs::Handler::Community) continue;
      CAPTURE(area);
      CAPTURE(pcs::handlerKey(h));
      const pcs::OrgUnit* u = city.org.handlerUnit(area, h);
      REQUIRE(u);
      CHECK(u->kind == pcs::UnitKind::Department);
    }
  for (const std::string& area : areas) {
    CHECK(city.org.find(area + ".discipline"));
    CHECK(city.org.find(area + ".party_government"));
  }
}

TEST_CASE("demo city: every role has accounts in every county, old logins kept") {
  const City& city = demoCity();
  for (const std::string& county : city.countyLevelIds())
    for (pcs::Role role :
         {pcs::Role::IntakeClerk, pcs::Role::Dispatcher, pcs::Role::Handler, pcs::Role::Reviewer,
          pcs::Role::UnitHead, pcs::Role::Oversight, pcs::Role::Admin}) {
      CAPTURE(county);
      CAPTURE(pcs::roleKey(role));
      bool found = false;
      for (const pcs::demo::DemoUser& u : city.users)
        found |= city.org.within(u.unitId, county) &&
                 std::find(u.roles.begin(), u.roles.end(), role) != u.roles.end();
      CHECK(found);
    }
  for (const char* login :
       {"admin", "city.clerk", "city.reviewer", "city.police.reviewer", "city.discipline",
        "c01.clerk", "c01.dispatcher", "c01.s01.handler", "c01.s01.head", "c01.housing.head",
        "c01.police", "c02.dispatcher", "c12.clerk", "c12.dispatcher", "c12.s01.handler"})
    CHECK_NOTHROW(city.user(login));
  std::set<std::string> logins;
  for (const pcs::demo::DemoUser& u : city.users) {
    CHECK_MESSAGE(logins.insert(u.login).second, u.login);
    CHECK_MESSAGE(city.org.find(u.unitId), u.unitId);
  }
  CHECK(pcs::server::demoUsers().size() == city.users.size());
}

TEST_CASE("demo city: about 150 estates and 60 companies, every company manages an estate") {
  const City& city = demoCity();
  CHECK(city.estates.size() == 150);
  CHECK(city.companies.size() == 60);
  CHECK(city.estates[0].id == "e-1");
  CHECK(city.estates[0].name == "锦绣花园");
  CHECK(city.estates[0].companyId == "co-1");
  CHECK(city.companies[0].name == "云川市安居物业服务有限公司");
  std::set<std::string> managing, counties, names;
  int withoutCompany = 0;
  for (const pcs::Estate& e : city.estates) {
    CHECK_MESSAGE(names.insert(e.name).second, e.name);
    CHECK(city.org.get(e.communityId).parentId == e.streetId);
    CHECK(city.org.get(e.streetId).parentId == e.countyId);
    managing.insert(e.companyId);
    counties.insert(e.countyId);
    withoutCompany += e.companyId.empty();
  }
  for (const pcs::Company& c : city.companies) CHECK_MESSAGE(managing.count(c.id), c.id);
  CHECK(counties.size() == 12);
  CHECK(withoutCompany > 5);   // old estates without a company (失管) exist
  CHECK(withoutCompany < 50);  // but most estates are managed
}

TEST_CASE("demo city: the same seed and clock give byte-identical cases, another seed differs") {
  const auto a = generate(500, 7);
  const auto b = generate(500, 7);
  const auto c = generate(500, 8);
  REQUIRE(a.size() == 500);
  CHECK(hashOf(a) == hashOf(b));
  CHECK(hashOf(a) != hashOf(c));
  CHECK(summarize(a).hash == summarize(b).hash);
  // The clock moves the data with it.
  CHECK(hashOf(generate(500, 7, demoClock() + 86400)) != hashOf(a));
}

TEST_CASE("demo city: every catalogue entry is used, numbers unique, contacts made up") {
  const auto& cases = large();
  const pcs::demo::Summary s = summarize(cases);
  for (const pcs::CatalogueEntry& e : catalogue().entries()) {
    CAPTURE(e.code);
    CHECK(s.perEntry.count(e.code));
  }
  std::set<std::string> ids;
  for (const pcs::Case& c : cases) {
    CHECK_MESSAGE(ids.insert(c.id).second, c.id);
    CHECK(c.complainant.contact.rfind("1550000", 0) == 0);
    CHECK(c.complainant.contact.size() == 11);
  }
  // Texts vary: far more distinct complaints than phrases.
  std::set<std::string> texts;
  for (const pcs::Case& c : cases) texts.insert(c.content);
  CHECK(texts.size() > cases.size() * 9 / 10);
  // Every county has complaints.
  CHECK(s.perCounty.size() == 12);
}

TEST_CASE("demo city: outcomes fall in the expected bands") {
  const pcs::demo::Summary s = summarize(large());
  const double n = s.cases;
  auto share = [&](int k) { return k / n; };
  CHECK(share(s.perState.at("closed")) > 0.85);  // most are closed
  CHECK(share(s.open) > 0.01);                   // recent ones are still open
  CHECK(share(s.open) < 0.12);
  CHECK(share(s.lateResolve) > 0.03);  // some answered late
  CHECK(share(s.lateResolve) < 0.25);  // most on time
  CHECK(share(s.lateDispatch) > 0.01);
  CHECK(share(s.lateDispatch) < 0.12);
  CHECK(share(s.returned) > 0.02);  // returned and dispatched again
  CHECK(share(s.returned) < 0.12);
  CHECK(s.reopened > 0);
  CHECK(s.rejected > 0);
  CHECK(share(s.urgent) > 0.01);  // a few urgent ones
  CHECK(share(s.urgent) < 0.10);
  CHECK(s.major > 0);
  CHECK(s.overdueOpen > 0);
  for (const char* state :
       {"registered", "dispatched", "in_progress", "resolved", "under_review", "closed"})
    CHECK_MESSAGE(s.perState.count(state), state);
  CHECK(s.perChannel.count("hotline_12345"));
}

TEST_CASE("demo city: some companies cross each supervision threshold, most do not") {
  const pcs::demo::Summary s = summarize(large());
  CHECK(!s.keySupervision.empty());                            // R10
  CHECK(!s.gradeReviewCount.empty());                          // R11 by substantiated complaints
  CHECK(s.gradeReviewAny.size() > s.gradeReviewCount.size());  // and by credit or black list
  CHECK(!s.exitCount.empty());                                 // R12's count
  CHECK(!s.exit.empty());                                      // R12 with the survey
  CHECK(s.keySupervision.size() < demoCity().companies.size() / 2);
}

TEST_CASE("demo city: every case's history replays consistently") {
  const int64_t now = demoClock();
  for (const pcs::Case& c : large()) {
    CAPTURE(c.id);
    REQUIRE(!c.events.empty());
    CHECK(c.events.front().action == pcs::actionKey(pcs::Action::Register));
    CHECK(c.events.front().at == c.registeredAt);
    CHECK(c.receivedAt <= c.registeredAt);
    // Events are numbered in order, never go back in time, never pass the clock, and each
    // assignment's states chain from one event to the next.
    std::map<int, std::string> stateOf;
    int64_t last = 0;
    for (size_t i = 0; i < c.events.size(); ++i) {
      const pcs::Event& e = c.events[i];
      CHECK(e.seq == static_cast<int>(i) + 1);
      CHECK(e.at >= last);
      CHECK(e.at <= now);
      CHECK(!e.userId.empty());
      last = e.at;
      // Reopening (a case-level event) puts every closed assignment back to work.
      if (e.action == pcs::actionKey(pcs::Action::Reopen))
        for (auto& [id, state] : stateOf)
          if (state == pcs::assignmentStateKey(pcs::AssignmentState::Closed))
            state = pcs::assignmentStateKey(pcs::AssignmentState::Accepted);
      if (e.assignmentId == 0) continue;
      if (stateOf.count(e.assignmentId)) CHECK(e.fromState == stateOf[e.assignmentId]);
      stateOf[e.assignmentId] = e.toState;
    }
    for (const pcs::Assignment& a : c.assignments)
      if (stateOf.count(a.id))
        CHECK(stateOf[a.id] == std::string(pcs::assignmentStateKey(a.state)));
    // The case's state follows from its live assignments.
    bool allClosed = true, anyLive = false;
    for (const pcs::Assignment& a : c.assignments) {
      if (!a.live()) continue;
      anyLive = true;
      allClosed &= a.state == pcs::AssignmentState::Closed;
    }
    CHECK((c.state == pcs::CaseState::Closed) == (anyLive && allClosed));
    if (c.state == pcs::CaseState::Closed) CHECK(c.closedAt > 0);
    if (!anyLive) CHECK(c.state == pcs::CaseState::Registered);
  }
}

TEST_CASE("demo city: the server stores exactly what the generator makes, and the ledger fires") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pcs-demo-city-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  pcs::server::Options o;
  o.dataDir = dir.string();
  o.demo = false;
  const int64_t now = demoClock();
  {
    pcs::server::App app(o);
    app.setClock([now] { return now; });
    auto fakeAccount = [](const pcs::server::DemoUser& u, const std::string&) {
      return "u-" + u.login;
    };
    CHECK(pcs::server::seedDemo(app, fakeAccount, 1500, 99));
    CHECK_FALSE(pcs::server::seedDemo(app, fakeAccount, 1500, 99));  // only into an empty one

    // Read back in case-number order: the same records, field for field.
    std::vector<pcs::Case> generated;
    pcs::demo::CaseOptions co;
    co.cases = 1500;
    co.seed = 99;
    co.now = now;
    const City& city = demoCity();
    pcs::demo::generateCases(
        city, {city.org, calendar(), rules(), catalogue()}, co,
        [&](pcs::Case&& c) { generated.push_back(std::move(c)); },
        [](const std::string& login) { return "u-" + login; });
    SQLite::Database& db = app.db().reader();
    CHECK(db.execAndGet("SELECT COUNT(*) FROM cases").getInt64() == 1500);
    CHECK(db.execAndGet("SELECT COUNT(DISTINCT id) FROM cases").getInt64() == 1500);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM estates").getInt64() == 150);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM companies").getInt64() == 60);
    uint64_t stored = 0;
    for (const pcs::Case& g : generated) {
      const auto c = pcs::server::CaseStore::load(db, g.id);
      REQUIRE_MESSAGE(c, g.id);
      stored = pcs::demo::hashCase(c->value, stored);
    }
    CHECK(stored == hashOf(generated));

    // The ledger job finds companies over the thresholds in what was loaded.
    pcs::server::Scheduler scheduler(app);
    scheduler.runLedger(now);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM ledger_proposals WHERE rule='key_supervision'")
              .getInt64() > 0);
    CHECK(db.execAndGet("SELECT COUNT(*) FROM ledger_proposals WHERE rule='grade_review'")
              .getInt64() > 0);
  }
  fs::remove_all(dir);
}
