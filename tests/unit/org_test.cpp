#include <doctest/doctest.h>

#include "pcs/error.h"
#include "workflow_fixture.h"

using pcs::Handler;
using pcs::OrgLevel;

TEST_CASE("org: the standard city has every member department at city and county level") {
  const pcs::OrgTree& t = fixture::org();
  for (const char* area : {"city", "c01", "c02"}) {
    CAPTURE(area);
    for (const pcs::HandlerInfo& h : pcs::handlers()) {
      if (h.handler == Handler::StreetOffice || h.handler == Handler::Community) continue;
      const pcs::OrgUnit* u = t.handlerUnit(area, h.handler);
      REQUIRE(u != nullptr);
      CHECK(u->kind == pcs::UnitKind::Department);
    }
    CHECK(t.get(std::string(area) + ".discipline").kind == pcs::UnitKind::Oversight);
    CHECK(t.get(std::string(area) + ".party_government").kind == pcs::UnitKind::PartyGovernment);
    CHECK(t.find(std::string(area) + ".organisation") != nullptr);
    CHECK(t.find(std::string(area) + ".social_work") != nullptr);
  }
  CHECK(t.get("city.housing").name == "云川市住房和城乡建设局");
  CHECK(t.get("city.organisation").name == "云川市委组织部");
  CHECK(t.get("c01.police").name == "东湖区公安分局");
  CHECK(t.handlerUnit("c01.s01", Handler::StreetOffice)->id == "c01.s01");
  CHECK(t.handlerUnit("c01.s01.m01", Handler::Community)->id == "c01.s01.m01");
  CHECK(t.ancestorAt("c01.s01.m01", OrgLevel::County)->id == "c01");
  CHECK(t.cityCounterpart("c01.police")->id == "city.police");
  CHECK(t.within("c01.s01.m01", "c01"));
  CHECK_FALSE(t.within("c02.s01", "c01"));
}

TEST_CASE("org: levels must fit and ids are unique") {
  pcs::OrgTree t = fixture::org();
  pcs::OrgUnit u;
  u.id = "c01.police";
  u.name = "重复";
  u.level = OrgLevel::County;
  u.kind = pcs::UnitKind::Department;
  u.parentId = "c01";
  CHECK_THROWS_WITH_AS(t.add(u), doctest::Contains("exists"), pcs::Error);
  u.id = "c01.s01.police";
  u.parentId = "c01.s01";
  CHECK_THROWS_WITH_AS(t.add(u), doctest::Contains("does not fit"), pcs::Error);
  u.id = "x.police";
  u.parentId = "nowhere";
  CHECK_THROWS_WITH_AS(t.add(u), doctest::Contains("does not exist"), pcs::Error);
}

TEST_CASE("org: renaming and moving keep the old name readable for old records") {
  pcs::OrgTree t = fixture::org();
  const int64_t before = fixture::kMonday;
  const int64_t renamedAt = before + 30 * fixture::kDay;
  t.rename("c01.s02", "滨江街道", renamedAt, "行政区划调整");
  const pcs::OrgUnit& u = t.get("c01.s02");
  CHECK(u.name == "滨江街道");
  CHECK(u.nameAt(before) == "滨河街道");
  CHECK(u.nameAt(renamedAt) == "滨江街道");
  CHECK(u.nameAt(renamedAt + 1) == "滨江街道");
  REQUIRE(u.history.size() == 1);
  CHECK(u.history[0].note == "行政区划调整");

  // A second rename: each period reads its own name.
  t.rename("c01.s02", "滨江新区街道", renamedAt + 10 * fixture::kDay, "");
  CHECK(t.get("c01.s02").nameAt(before) == "滨河街道");
  CHECK(t.get("c01.s02").nameAt(renamedAt + fixture::kDay) == "滨江街道");

  // A street office moves to another county; its history records the old parent.
  t.move("c01.s02", "c02", renamedAt + 20 * fixture::kDay, "划归青山县");
  CHECK(t.get("c01.s02").parentId == "c02");
  CHECK(t.get("c01.s02").history.back().oldParentId == "c01");
  CHECK_THROWS_AS(t.move("c01.s02", "c01.police", renamedAt, ""), pcs::Error);
  CHECK_THROWS_AS(t.move("c01", "c01.s01", renamedAt, ""), pcs::Error);

  t.deactivate("c02.s01", renamedAt, "撤并");
  CHECK_FALSE(t.get("c02.s01").active);
  CHECK(t.handlerUnit("c02.s01", Handler::StreetOffice) == nullptr);
}

TEST_CASE("org: unified social credit codes are checked") {
  // Made-up codes with a correct and a wrong check character.
  CHECK(pcs::isValidCreditCode("91140400MA0K12345E"));
  CHECK_FALSE(pcs::isValidCreditCode("91140400MA0K123450"));
  CHECK_FALSE(pcs::isValidCreditCode("91140400MA0K12345"));
  CHECK_FALSE(pcs::isValidCreditCode("91140400MA0K12345I"));
  CHECK_FALSE(pcs::isValidCreditCode(""));
}
