// The case store (server/case_store.h) on a real SQLite file: records, versions, filters,
// keyset paging, visibility, Chinese full text and the query plans of the common boards.
#include "case_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "../unit/workflow_fixture.h"
#include "case_store_sql.h"
#include "db.h"
#include "pcs/error.h"
#include "pcs/serialize.h"

using namespace fixture;
using pcs::Action;
using pcs::CaseState;
using pcs::Date;
using pcs::server::CaseFilter;
using pcs::server::CaseStore;
using pcs::server::Visibility;

namespace {

// A fresh directory, removed with everything in it at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pcs-store-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

Date day(const char* ymd) {
  return *Date::parse(ymd);
}

// Where a complaint comes from: the county, street and community of its estate.
struct Area {
  std::string county, street, community, estate, company;
};
const Area kChaoyang{"c01", "c01.s01", "c01.s01.m01", "e-001", "co-001"};
const Area kBinhe{"c01", "c01.s02", "", "e-002", "co-001"};
const Area kShimen{"c02", "c02.s01", "", "e-201", "co-002"};

pcs::Actor clerkOf(const std::string& county) {
  return user("u-clerk-" + county, county + ".housing", {pcs::Role::IntakeClerk});
}
pcs::Actor dispatcherOf(const std::string& county) {
  return user("u-disp-" + county, county + ".housing", {pcs::Role::Dispatcher});
}

// A case registered by the county's clerk at `now`.
pcs::Case registered(const std::string& id, const std::string& content,
                     const Area& area = kChaoyang, int64_t now = kMonday,
                     pcs::Channel channel = pcs::Channel::Phone) {
  pcs::Case c = newCase(id);
  c.content = content;
  c.channel = channel;
  c.countyId = area.county;
  c.streetId = area.street;
  c.communityId = area.community;
  c.estateId = area.estate;
  c.companyId = area.company;
  c.receivedAt = now - kHour;
  pcs::registerCase(c, clerkOf(area.county), at(now));
  return c;
}

void dispatch(pcs::Case& c, std::initializer_list<std::string> units,
              int64_t now = kMonday + kHour) {
  pcs::apply(c, dispatchTo(units), dispatcherOf(c.countyId), at(now));
}

// Takes a case through the county police to closure by the city police.
void closeViaPolice(pcs::Case& c, int64_t now = kMonday + kHour) {
  const std::string police = c.countyId + ".police";
  dispatch(c, {police}, now);
  const pcs::Actor officer = user("u-pol-" + c.countyId, police, {pcs::Role::Handler});
  pcs::apply(c, cmd(Action::Accept, 1), officer, at(now));
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = false;
  resolve.text = "经查不属实，已答复";
  pcs::apply(c, resolve, officer, at(now + kHour));
  pcs::apply(c, cmd(Action::SubmitReview, 1), officer, at(now + kHour));
  pcs::apply(c, cmd(Action::Approve, 1), cityPoliceReviewer(), at(now + 2 * kHour));
  REQUIRE(c.state == CaseState::Closed);
}

Visibility everything() {
  Visibility v;
  v.all = true;
  return v;
}

Visibility of(const std::string& unitId) {
  return pcs::server::visibilityFor(org().get(unitId), org());
}

// A database in a temporary directory, with shortcuts for the store's calls.
struct Store {
  TempDir dir;
  pcs::server::Database db{pcs::server::DbOptions{(dir.path / "cases.db").string()}};

  void insert(const pcs::Case& c, int64_t now = kMonday) {
    db.write([&](SQLite::Database& tx) { CaseStore::insert(tx, c, now); });
  }
  int64_t update(const pcs::Case& c, int64_t version, int64_t now = kMonday + kDay) {
    return db.write([&](SQLite::Database& tx) { return CaseStore::update(tx, c, version, now); });
  }
  pcs::server::CasePage list(const CaseFilter& f, const Visibility& v = everything(),
                             Date today = day("2025-03-03")) {
    return CaseStore::list(db.reader(), f, v, today);
  }
  // The ids a filter finds, sorted.
  std::vector<std::string> ids(const CaseFilter& f, const Visibility& v = everything(),
                               Date today = day("2025-03-03")) {
    CaseFilter onePage = f;
    onePage.limit = 500;
    std::vector<std::string> out;
    for (const auto& s : list(onePage, v, today).items) out.push_back(s.id);
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> search(const std::string& text) {
    CaseFilter f;
    f.text = text;
    return ids(f);
  }
};

using Ids = std::vector<std::string>;

CaseFilter filter() {
  return CaseFilter{};
}

}  // namespace

TEST_CASE("case store: insert and load round-trip the whole case and its columns") {
  Store s;
  pcs::Case c = registered("2025-000001", "楼上卫生间漏水，物业不处理");
  c.location = "3号楼2单元501";
  dispatch(c, {"c01.s01", "c01.police"});
  s.insert(c);

  const auto loaded = CaseStore::load(s.db.reader(), c.id);
  REQUIRE(loaded);
  CHECK(loaded->version == 1);
  CHECK(pcs::toBinary(loaded->value) == pcs::toBinary(c));
  CHECK_FALSE(CaseStore::load(s.db.reader(), "2025-999999"));

  SQLite::Statement row(s.db.reader(),
                        "SELECT state, county_id, street_id, owner_unit_id, next_due, channel, "
                        "complainant_key, substantiated FROM cases WHERE id = ?");
  row.bind(1, c.id);
  REQUIRE(row.executeStep());
  CHECK(row.getColumn(0).getString() == "dispatched");
  CHECK(row.getColumn(1).getString() == "c01");
  CHECK(row.getColumn(2).getString() == "c01.s01");
  CHECK(row.getColumn(3).getString() == "c01.housing");
  CHECK(row.getColumn(4).getInt() == day("2025-03-10").dayNumber());
  CHECK(row.getColumn(5).getString() == "phone");
  CHECK(row.getColumn(6).getString() == "m:13900000001");
  CHECK(row.getColumn(7).isNull());

  SQLite::Statement assignments(s.db.reader(),
                                "SELECT assignment_id, unit_id, handler, state FROM assignments "
                                "ORDER BY assignment_id");
  REQUIRE(assignments.executeStep());
  CHECK(assignments.getColumn(1).getString() == "c01.s01");
  CHECK(assignments.getColumn(2).getString() == "street_office");
  CHECK(assignments.getColumn(3).getString() == "dispatched");
  REQUIRE(assignments.executeStep());
  CHECK(assignments.getColumn(1).getString() == "c01.police");
  CHECK(assignments.getColumn(2).getString() == "police");
  CHECK_FALSE(assignments.executeStep());

  // The summary carries the board's fields; the complainant is never indexed (R18).
  const auto page = s.list(filter());
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].excerpt == c.content);
  CHECK(page.items[0].nextDue == day("2025-03-10").dayNumber());
  CHECK(page.items[0].ownerUnitId == "c01.housing");
  CHECK(s.search("王小明").empty());
  CHECK(s.search("13900000001").empty());
}

TEST_CASE("case store: the excerpt is the first 60 characters of the content, never cut mid-way") {
  Store s;
  std::string longText;
  for (int i = 0; i < 7; ++i) longText += "楼上卫生间漏水已一月";  // 10 characters, 30 bytes
  s.insert(registered("2025-000001", longText));
  s.insert(registered("2025-000002", "短内容"));
  CaseFilter f;
  f.order = "due";
  const auto page = s.list(f);
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].excerpt == longText.substr(0, 60 * 3) + "…");
  CHECK(page.items[1].excerpt == "短内容");
}

TEST_CASE("case store: an update names the version it read; a stale one is a conflict") {
  Store s;
  pcs::Case c = registered("2025-000001", "楼道堆放杂物");
  dispatch(c, {"c01.police"});
  s.insert(c);

  pcs::Case mine = CaseStore::load(s.db.reader(), c.id)->value;
  pcs::Case theirs = mine;
  pcs::apply(mine, cmd(Action::Accept, 1), policeHandler(), at(kMonday + 2 * kHour));
  CHECK(s.update(mine, 1) == 2);

  // The other user read version 1 too: their write is refused and changes nothing.
  pcs::Command ret = cmd(Action::Return, 1);
  ret.reason = "不属于治安管理事项";
  pcs::apply(theirs, ret, policeHandler(), at(kMonday + 2 * kHour));
  CHECK_THROWS_WITH_AS(s.update(theirs, 1), doctest::Contains("已被他人修改"), pcs::Error);
  try {
    s.update(theirs, 1);
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::Conflict);
  }
  const auto now = CaseStore::load(s.db.reader(), c.id);
  CHECK(now->version == 2);
  CHECK(now->value.state == CaseState::InProgress);
  CHECK(now->value.returns == 0);
  CaseFilter inProgress;
  inProgress.states = {"in_progress"};
  CHECK(s.ids(inProgress) == Ids{c.id});

  // Unknown ids and duplicate inserts say what is wrong.
  pcs::Case ghost = c;
  ghost.id = "2025-000099";
  try {
    s.update(ghost, 1);
    FAIL("updated a case that does not exist");
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::NotFound);
  }
  try {
    s.insert(c);
    FAIL("inserted a case id twice");
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::Conflict);
  }
}

TEST_CASE("case store: case numbers count up per year and continue after a reopen") {
  TempDir dir;
  const pcs::server::DbOptions options{(dir.path / "ids.db").string()};
  {
    pcs::server::Database db(options);
    const auto next = [&](int year) {
      return db.write([&](SQLite::Database& tx) { return CaseStore::nextCaseId(tx, year); });
    };
    CHECK(next(2025) == "2025-000001");
    CHECK(next(2025) == "2025-000002");
    CHECK(next(2026) == "2026-000001");
  }
  pcs::server::Database again(options);
  CHECK(again.write([](SQLite::Database& tx) { return CaseStore::nextCaseId(tx, 2025); }) ==
        "2025-000003");
}

TEST_CASE("case store: the next due date is the earliest deadline of the open work") {
  // Registered: the dispatch deadline (T1).
  pcs::Case c = registered("2025-000001", "楼道堆放杂物");
  CHECK(CaseStore::nextDue(c) == c.dispatchDue.due.dayNumber());

  // Dispatched: the handling deadline (T3); the dispatch deadline no longer runs.
  dispatch(c, {"c01.police"});
  CHECK(CaseStore::nextDue(c) == day("2025-03-10").dayNumber());

  // Every assignment returned: back to the dispatch deadline.
  pcs::Command ret = cmd(Action::Return, 1);
  ret.reason = "不属于治安管理事项";
  pcs::apply(c, ret, policeHandler(), at(kMonday + 2 * kHour));
  CHECK(c.state == CaseState::Registered);
  CHECK(CaseStore::nextDue(c) == c.dispatchDue.due.dayNumber());

  // Closed or merged: nothing is due.
  pcs::Case closed = registered("2025-000002", "楼道堆放杂物");
  closeViaPolice(closed);
  CHECK_FALSE(CaseStore::nextDue(closed));
}

TEST_CASE("case store: a major case is due by its plan (T5) until the plan is filed") {
  pcs::Case c = registered("2025-000001", "外墙大面积脱落");
  pcs::Command d = dispatchTo({"c01.s01"});
  d.major = true;
  pcs::apply(c, d, countyDispatcher(), at(kMonday + kHour));
  CHECK(CaseStore::nextDue(c) == day("2025-03-10").dayNumber());  // T5 before T4 (04-03)
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + kHour));
  pcs::Command plan = cmd(Action::SubmitPlan, 1);
  plan.plan = {{day("2025-05-30"), "完成外墙修缮"}};
  pcs::apply(c, plan, streetHandler(), at(kMonday + 2 * kDay));
  // Plan filed: T4 (04-03) comes before the first progress report (T6, 04-07).
  CHECK(CaseStore::nextDue(c) == day("2025-04-03").dayNumber());
}

TEST_CASE("case store: penalty clocks stay due after the assignment is resolved") {
  pcs::Case c = registered("2025-000001", "物业私自占用公共绿地");
  dispatch(c, {"c01.urban_management"}, kMonday);
  const pcs::Actor officer = user("u-cg", "c01.urban_management", {pcs::Role::Handler});
  pcs::apply(c, cmd(Action::Accept, 1), officer, at(kMonday));
  pcs::Command open = cmd(Action::OpenPenalty, 1);
  open.from = day("2025-03-03");
  pcs::apply(c, open, officer, at(kMonday + kHour));
  CHECK(CaseStore::nextDue(c) == day("2025-03-10").dayNumber());  // T3 first

  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已责令恢复绿地，处罚另案办理";
  pcs::apply(c, resolve, officer, at(kMonday + kDay));
  CHECK(CaseStore::nextDue(c) == day("2025-03-24").dayNumber());  // T7: verify

  pcs::apply(c, cmd(Action::VerifyPenalty, 1), officer, at(kMonday + 2 * kDay));
  CHECK(CaseStore::nextDue(c) == day("2025-06-03").dayNumber());  // T8: decide

  pcs::Command decide = cmd(Action::DecidePenalty, 1);
  decide.text = "罚款人民币五千元";
  pcs::apply(c, decide, officer, at(kMonday + 3 * kDay));
  CHECK_FALSE(CaseStore::nextDue(c));
}

TEST_CASE("case store: each filter narrows the list") {
  Store s;
  pcs::Case a = registered("2025-000001", "楼上卫生间漏水");
  a.urgent = true;
  a.urgentReason = "漏水影响楼下用电安全";
  pcs::registerCase(a, clerkOf("c01"), at(kMonday));  // again, now as urgent (T2)
  dispatch(a, {"c01.s01"});
  pcs::Case b = registered("2025-000002", "地下车库漏电", kBinhe);
  dispatch(b, {"c01.police"});
  pcs::Case c = registered("2025-000003", "电梯经常停运", kShimen);
  pcs::Case d = registered("2025-000004", "楼道堆放杂物");
  closeViaPolice(d);
  pcs::Case e = registered("2025-000005", "小区门禁损坏", kShimen, kMonday - 10 * kDay);
  dispatch(e, {"c02.police"}, kMonday - 10 * kDay);
  for (const pcs::Case* x : {&a, &b, &c, &d, &e}) s.insert(*x);

  auto f = filter();
  CHECK(s.ids(f) == Ids{a.id, b.id, c.id, d.id, e.id});
  f.countyId = "c01";
  CHECK(s.ids(f) == Ids{a.id, b.id, d.id});
  f = filter();
  f.streetId = "c01.s02";
  CHECK(s.ids(f) == Ids{b.id});
  f = filter();
  f.estateId = "e-201";
  CHECK(s.ids(f) == Ids{c.id, e.id});
  f = filter();
  f.companyId = "co-001";
  CHECK(s.ids(f) == Ids{a.id, b.id, d.id});
  f = filter();
  f.unitId = "c01.police";
  CHECK(s.ids(f) == Ids{b.id, d.id});
  f = filter();
  f.handler = "police";
  CHECK(s.ids(f) == Ids{b.id, d.id, e.id});
  f = filter();
  f.states = {"registered", "closed"};
  CHECK(s.ids(f) == Ids{c.id, d.id});
  f = filter();
  f.urgent = true;
  CHECK(s.ids(f) == Ids{a.id});
  f.urgent = false;
  CHECK(s.ids(f) == Ids{b.id, c.id, d.id, e.id});
  f = filter();
  f.open = true;
  CHECK(s.ids(f) == Ids{a.id, b.id, c.id, e.id});
  f.open = false;
  CHECK(s.ids(f) == Ids{d.id});
  f = filter();
  f.receivedFrom = kMonday - 2 * kDay;
  CHECK(s.ids(f) == Ids{a.id, b.id, c.id, d.id});
  f.receivedFrom = 0;
  f.receivedTo = kMonday - 2 * kDay;
  CHECK(s.ids(f) == Ids{e.id});
  f = filter();
  f.text = "漏";
  CHECK(s.ids(f) == Ids{a.id, b.id});

  // Filters combine with AND.
  f = filter();
  f.countyId = "c01";
  f.open = true;
  f.handler = "police";
  CHECK(s.ids(f) == Ids{b.id});

  // Bad values are refused with a message, not ignored.
  f = filter();
  f.states = {"lost"};
  CHECK_THROWS_WITH_AS(s.list(f), doctest::Contains("lost"), pcs::Error);
  f = filter();
  f.order = "random";
  CHECK_THROWS_WITH_AS(s.list(f), doctest::Contains("random"), pcs::Error);
}

TEST_CASE("case store: the overdue filter compares the next due date with today") {
  Store s;
  pcs::Case waiting = registered("2025-000001", "楼道堆放杂物");  // T1: 03-12
  pcs::Case handling = registered("2025-000002", "楼上漏水");
  dispatch(handling, {"c01.police"});  // T3: 03-10
  pcs::Case closed = registered("2025-000003", "电梯停运");
  closeViaPolice(closed);
  for (const pcs::Case* x : {&waiting, &handling, &closed}) s.insert(*x);
  CHECK(waiting.dispatchDue.due == day("2025-03-12"));

  auto f = filter();
  f.overdue = true;
  CHECK(s.ids(f, everything(), day("2025-03-10")).empty());  // due today is not late
  CHECK(s.ids(f, everything(), day("2025-03-11")) == Ids{handling.id});
  CHECK(s.ids(f, everything(), day("2025-03-13")) == Ids{waiting.id, handling.id});
  f.overdue = false;
  CHECK(s.ids(f, everything(), day("2025-03-11")) == Ids{waiting.id, closed.id});

  // Earliest first, cases with nothing due last.
  f = filter();
  f.order = "due";
  const auto page = s.list(f);
  REQUIRE(page.items.size() == 3);
  CHECK(page.items[0].id == handling.id);
  CHECK(page.items[1].id == waiting.id);
  CHECK(page.items[2].id == closed.id);
  CHECK_FALSE(page.items[2].nextDue);
}

TEST_CASE("case store: paging visits every case once while new cases arrive") {
  Store s;
  // 30 cases registered over three weeks (several share a due date), every fifth one closed
  // (no due date), so both orders meet ties and NULLs.
  int next = 1;
  const auto make = [&](int64_t now) {
    char id[16];
    std::snprintf(id, sizeof id, "2025-%06d", next++);
    pcs::Case c =
        registered(id, "第" + std::to_string(next) + "件投诉：楼道堆放杂物", kChaoyang, now);
    if (next % 5 == 0) closeViaPolice(c, now + kHour);
    s.insert(c, now);
    return std::string(id);
  };
  std::set<std::string> original;
  for (int i = 0; i < 30; ++i) original.insert(make(kMonday + (i % 21) * kDay / 2));

  for (const char* order : {"newest", "due"}) {
    CAPTURE(order);
    CaseFilter all;
    all.order = order;
    all.limit = 500;
    std::vector<std::string> expected;
    for (const auto& item : s.list(all).items)
      if (original.count(item.id)) expected.push_back(item.id);
    REQUIRE(expected.size() == original.size());

    CaseFilter f;
    f.order = order;
    f.limit = 4;
    std::vector<std::string> seen;
    std::set<std::string> unique;
    int pages = 0;
    do {
      const auto page = s.list(f);
      CHECK(page.items.size() <= 4);
      for (const auto& item : page.items) {
        CHECK_MESSAGE(unique.insert(item.id).second, "seen twice: ", item.id);
        if (original.count(item.id)) seen.push_back(item.id);
      }
      // New complaints arrive between pages, due both earlier and later than the current page.
      make(kMonday + (pages % 3) * 7 * kDay);
      make(kMonday - kDay);
      f.cursor = page.nextCursor;
      ++pages;
    } while (!f.cursor.empty() && pages < 100);
    CHECK(seen == expected);  // every original case, once, in order
    if (std::string(order) == "newest") CHECK(seen.size() == unique.size());  // none newer
  }
}

TEST_CASE("case store: the page size is clamped and a bad cursor is refused") {
  Store s;
  for (int i = 1; i <= 3; ++i)
    s.insert(registered("2025-00000" + std::to_string(i), "楼道堆放杂物"));
  CaseFilter f;
  f.limit = 0;
  const auto one = CaseStore::list(s.db.reader(), f, everything(), day("2025-03-03"));
  CHECK(one.items.size() == 1);
  CHECK_FALSE(one.nextCursor.empty());
  f.limit = 100000;
  CHECK(CaseStore::list(s.db.reader(), f, everything(), day("2025-03-03")).items.size() == 3);

  for (const char* bad : {"!!!", "bjo", "ZDo6", "%27%20OR%201=1", "n:1"}) {
    CAPTURE(bad);
    f.cursor = bad;
    CHECK_THROWS_AS(CaseStore::list(s.db.reader(), f, everything(), day("2025-03-03")), pcs::Error);
  }
  // A cursor of one order does not fit the other.
  f.limit = 1;
  f.cursor = one.nextCursor;
  f.order = "due";
  CHECK_THROWS_WITH_AS(CaseStore::list(s.db.reader(), f, everything(), day("2025-03-03")),
                       doctest::Contains("游标"), pcs::Error);
}

TEST_CASE("case store: each unit sees its own scope") {
  Store s;
  pcs::Case a = registered("2025-000001", "楼道堆放杂物", kChaoyang);
  dispatch(a, {"c01.s01"});
  pcs::Case b = registered("2025-000002", "地下车库漏电", kBinhe);
  dispatch(b, {"c01.police"});
  pcs::Case c = registered("2025-000003", "小区门禁损坏", kShimen);
  dispatch(c, {"c02.police"});
  pcs::Case d =
      registered("2025-000004", "电梯经常停运", kShimen, kMonday, pcs::Channel::Hotline12345);
  pcs::Case e =
      registered("2025-000005", "物业私自占用绿地", kBinhe, kMonday, pcs::Channel::Hotline12345);
  dispatch(e, {"c01.urban_management"});
  for (const pcs::Case* x : {&a, &b, &c, &d, &e}) s.insert(*x);
  const Ids everyone{a.id, b.id, c.id, d.id, e.id};

  // The city's housing authority and overseers see everything.
  CHECK(s.ids(filter(), of("city.housing")) == everyone);
  CHECK(s.ids(filter(), of("city.discipline")) == everyone);
  CHECK(s.ids(filter(), of("city.party_government")) == everyone);
  // A county's housing authority and overseers see the county.
  CHECK(s.ids(filter(), of("c01.housing")) == Ids{a.id, b.id, e.id});
  CHECK(s.ids(filter(), of("c02.discipline")) == Ids{c.id, d.id});
  // A county department sees its own assignments; the city department sees its handler's
  // assignments in every county.
  CHECK(s.ids(filter(), of("c01.police")) == Ids{b.id});
  CHECK(s.ids(filter(), of("city.police")) == Ids{b.id, c.id});
  CHECK(s.ids(filter(), of("c02.urban_management")).empty());
  // Street offices and communities see their area.
  CHECK(s.ids(filter(), of("c01.s01")) == Ids{a.id});
  CHECK(s.ids(filter(), of("c01.s02")) == Ids{b.id, e.id});
  CHECK(s.ids(filter(), of("c01.s01.m01")) == Ids{a.id});
  // 12345 follows its channel: the city's everywhere, a county's within the county.
  CHECK(s.ids(filter(), of("city.hotline_12345")) == Ids{d.id, e.id});
  CHECK(s.ids(filter(), of("c02.hotline_12345")) == Ids{d.id});
  // No scope, or an inactive unit: nothing.
  CHECK(s.ids(filter(), Visibility{}).empty());
  pcs::OrgUnit closedUnit = org().get("c01.housing");
  closedUnit.active = false;
  CHECK(s.ids(filter(), pcs::server::visibilityFor(closedUnit, org())).empty());

  // visible() agrees with list(); filters and visibility combine.
  CHECK(CaseStore::visible(s.db.reader(), b.id, of("city.police")));
  CHECK_FALSE(CaseStore::visible(s.db.reader(), a.id, of("city.police")));
  CHECK_FALSE(CaseStore::visible(s.db.reader(), "2025-999999", everything()));
  auto f = filter();
  f.countyId = "c01";
  CHECK(s.ids(f, of("city.police")) == Ids{b.id});
  CHECK(CaseStore::countByState(s.db.reader(), filter(), of("c02.discipline"), day("2025-03-03")) ==
        std::vector<std::pair<std::string, int64_t>>{{"registered", 1}, {"dispatched", 1}});
}

TEST_CASE("case store: visibility scopes by unit kind and level") {
  CHECK(of("city.housing").all);
  CHECK(of("city.discipline").all);
  const Visibility county = of("c01.housing");
  CHECK_FALSE(county.all);
  CHECK(county.countyId == "c01");
  CHECK(of("c01.discipline").countyId == "c01");
  CHECK(of("c01.party_government").countyId == "c01");
  const Visibility dept = of("c01.fire_rescue");
  CHECK(dept.assignedUnitId == "c01.fire_rescue");
  CHECK(dept.countyId.empty());
  CHECK(dept.assignedHandler.empty());
  const Visibility cityDept = of("city.fire_rescue");
  CHECK(cityDept.assignedHandler == "fire_rescue");
  const Visibility hotline = of("city.hotline_12345");
  CHECK(hotline.channel == "hotline_12345");
  CHECK(hotline.assignedHandler == "hotline_12345");
  CHECK(of("c01.s01").streetId == "c01.s01");
  CHECK(of("c01.s01.m01").communityId == "c01.s01.m01");
}

TEST_CASE("case store: full text finds Chinese substrings of content and location") {
  Store s;
  pcs::Case a = registered("2025-000001", "楼上卫生间漏水，天花板发霉");
  pcs::Case b = registered("2025-000002", "地下室配电箱漏电");
  b.location = "5号楼地下室";
  pcs::Case c = registered("2025-000003", "3号楼2单元楼道漏水严重");
  pcs::Case d = registered("2025-000004", "水表损坏，物业不维修");
  pcs::Case e = registered("2025-000005", "Ａ栋电梯ＧＤ故障");
  for (const pcs::Case* x : {&a, &b, &c, &d, &e}) s.insert(*x);

  CHECK(s.search("漏水") == Ids{a.id, c.id});  // not 漏电
  CHECK(s.search("漏电") == Ids{b.id});
  CHECK(s.search("水") == Ids{a.id, c.id, d.id});
  CHECK(s.search("3号楼 漏水") == Ids{c.id});
  CHECK(s.search("3号楼漏水") == Ids{});  // not a substring of any case
  CHECK(s.search("卫生间漏水") == Ids{a.id});
  CHECK(s.search("生间漏") == Ids{a.id});
  CHECK(s.search("楼上漏水").empty());     // both words occur, but not as this substring
  CHECK(s.search("5号楼") == Ids{b.id});   // the location is searched too
  CHECK(s.search("a栋 gd") == Ids{e.id});  // full-width and case folded
  CHECK(s.search("漏水 地下室").empty());

  // The index follows updates.
  a.content = "外墙瓷砖脱落";
  s.update(a, 1);
  CHECK(s.search("漏水") == Ids{c.id});
  CHECK(s.search("瓷砖") == Ids{a.id});
}

TEST_CASE("case store: hostile full-text input is only ever searched for") {
  Store s;
  pcs::Case a = registered("2025-000001", "楼上卫生间漏水");
  pcs::Case b = registered("2025-000002", "地下室漏电 near or not");
  s.insert(a);
  s.insert(b);
  for (const char* hostile : {"\"",
                              "*",
                              "NEAR(",
                              "OR",
                              "-",
                              "漏水\" OR \"漏电",
                              "漏水 OR 漏电",
                              "NOT 漏水",
                              "^漏水",
                              "terms:漏水",
                              "{terms}: 漏",
                              "(",
                              ")",
                              "''",
                              "漏*",
                              "\"\"\"",
                              "NEAR(漏 水, 0)",
                              "rowid=1",
                              "'; DROP TABLE cases; --",
                              "漏水\\",
                              "\x01\x02",
                              "＂＊"}) {
    CAPTURE(hostile);
    CaseFilter f;
    f.text = hostile;
    CHECK_NOTHROW(s.list(f));
    CHECK_NOTHROW(CaseStore::countByState(s.db.reader(), f, everything(), day("2025-03-03")));
  }
  // Operators are words like any other: "OR" does not widen the search.
  CHECK(s.search("漏水 OR 漏电").empty());
  CHECK(s.search("NEAR OR not") == Ids{b.id});
  CHECK(s.search("\"").empty());
  CHECK(s.search("*-()").empty());

  // Over-long input is refused with a message, not passed on.
  CaseFilter f;
  f.text = std::string(300, 'a');
  CHECK_THROWS_WITH_AS(s.list(f), doctest::Contains("过长"), pcs::Error);

  // The MATCH expression quotes every token.
  CHECK(pcs::server::case_sql::ftsMatch("漏水 OR") == "\"xe6bc8fe6b0b4\" AND \"wor\"");
  CHECK(pcs::server::case_sql::ftsMatch("\"*").empty());
}

TEST_CASE("case store: counts per state follow the filter, not the page") {
  Store s;
  pcs::Case a = registered("2025-000001", "楼道堆放杂物");
  pcs::Case b = registered("2025-000002", "楼上漏水");
  dispatch(b, {"c01.police"});
  pcs::Case c = registered("2025-000003", "电梯停运");
  dispatch(c, {"c01.police"});
  pcs::apply(c, cmd(Action::Accept, 1), policeHandler(), at(kMonday + 2 * kHour));
  pcs::Case d = registered("2025-000004", "门禁损坏");
  closeViaPolice(d);
  pcs::Case e = registered("2025-000005", "绿地被占", kShimen);
  for (const pcs::Case* x : {&a, &b, &c, &d, &e}) s.insert(*x);

  using Counts = std::vector<std::pair<std::string, int64_t>>;
  CaseFilter f;
  f.limit = 1;
  f.order = "due";
  CHECK(CaseStore::countByState(s.db.reader(), f, everything(), day("2025-03-03")) ==
        Counts{{"registered", 2}, {"dispatched", 1}, {"in_progress", 1}, {"closed", 1}});
  f.countyId = "c01";
  f.open = true;
  CHECK(CaseStore::countByState(s.db.reader(), f, everything(), day("2025-03-03")) ==
        Counts{{"registered", 1}, {"dispatched", 1}, {"in_progress", 1}});
  f.overdue = true;
  CHECK(CaseStore::countByState(s.db.reader(), f, everything(), day("2025-03-11")) ==
        Counts{{"dispatched", 1}, {"in_progress", 1}});
}

namespace {

// The plan SQLite chooses for a query, one line per step.
std::string plan(SQLite::Database& db, const pcs::server::case_sql::Query& q) {
  SQLite::Statement st(db, "EXPLAIN QUERY PLAN " + q.sql);
  pcs::server::case_sql::bindAll(st, q);
  std::string out;
  while (st.executeStep()) out += st.getColumn(3).getString() + "\n";
  return out;
}

}  // namespace

TEST_CASE("case store: the county board and the overdue list are served by indexes") {
  Store s;
  for (int i = 1; i <= 20; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "2025-%06d", i);
    s.insert(registered(id, "楼道堆放杂物", i % 2 ? kChaoyang : kShimen));
  }
  SQLite::Database& db = s.db.reader();
  const Date today = day("2025-03-11");

  // County board: the county's open cases, earliest due first.
  CaseFilter board;
  board.countyId = "c01";
  board.open = true;
  board.order = "due";
  const std::string boardPlan =
      plan(db, pcs::server::case_sql::listQuery(board, of("c01.housing"), today));
  CAPTURE(boardPlan);
  CHECK(boardPlan.find("USING INDEX cases_county_state_due (county_id=? AND state=?)") !=
        std::string::npos);
  CHECK(boardPlan.find("SCAN c\n") == std::string::npos);

  // Overdue anywhere in the city, by due date and newest first.
  CaseFilter overdue;
  overdue.overdue = true;
  for (const char* order : {"due", "newest"}) {
    overdue.order = order;
    const std::string overduePlan =
        plan(db, pcs::server::case_sql::listQuery(overdue, everything(), today));
    CAPTURE(overduePlan);
    CHECK(overduePlan.find("USING INDEX cases_state_due (state=? AND next_due<?)") !=
          std::string::npos);
    CHECK(overduePlan.find("SCAN c\n") == std::string::npos);
  }

  // The overdue count of a county board.
  CaseFilter countyOverdue;
  countyOverdue.countyId = "c01";
  countyOverdue.overdue = true;
  const std::string countPlan =
      plan(db, pcs::server::case_sql::countQuery(countyOverdue, of("c01.housing"), today));
  CAPTURE(countPlan);
  CHECK(countPlan.find("USING INDEX cases_county_state_due (county_id=? AND state=? AND "
                       "next_due<?)") != std::string::npos);

  // A department's own cases are found from its assignments, not by reading every case.
  const std::string deptPlan =
      plan(db, pcs::server::case_sql::listQuery(filter(), of("c01.police"), today));
  CAPTURE(deptPlan);
  CHECK(deptPlan.find("assignments_unit_state_due (unit_id=?)") != std::string::npos);
  CHECK(deptPlan.find("SCAN c\n") == std::string::npos);

  // A text search starts from the full-text index.
  CaseFilter text;
  text.text = "漏水";
  const std::string textPlan =
      plan(db, pcs::server::case_sql::listQuery(text, everything(), today));
  CAPTURE(textPlan);
  CHECK(textPlan.find("SCAN c\n") == std::string::npos);
}
