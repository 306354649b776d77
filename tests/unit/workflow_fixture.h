#pragma once
// A small made-up city for workflow tests: 云川市 with two counties, a street office and a
// community in the first, and users acting in their units.
#include <algorithm>
#include <string>

#include "pcs/org_builder.h"
#include "pcs/workflow.h"
#include "reference_fixture.h"

namespace fixture {

inline const pcs::OrgTree& org() {
  static const pcs::OrgTree tree = pcs::buildStandardOrg(
      {"city",
       "云川市",
       {{"c01",
         "东湖区",
         {{"c01.s01", "朝阳街道", {{"c01.s01.m01", "幸福社区", {}}}}, {"c01.s02", "滨河街道", {}}}},
        {"c02", "青山县", {{"c02.s01", "石门镇", {}}}}}});
  return tree;
}

// 2025-03-03 09:00 CST, a Monday.
inline constexpr int64_t kMonday = 1740963600;
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kDay = 86400;

inline pcs::WorkflowContext at(int64_t now) {
  return {org(), cal(), rules(), now};
}

inline pcs::Actor user(const std::string& id, const std::string& unit,
                       std::initializer_list<pcs::Role> roles) {
  return pcs::Actor{id, unit, roles};
}

inline pcs::Actor countyClerk() {
  return user("u-clerk", "c01.housing", {pcs::Role::IntakeClerk});
}
inline pcs::Actor countyDispatcher() {
  return user("u-disp", "c01.housing", {pcs::Role::Dispatcher});
}
inline pcs::Actor cityDispatcher() {
  return user("u-cdisp", "city.housing", {pcs::Role::Dispatcher});
}
inline pcs::Actor cityReviewer() {
  return user("u-crev", "city.housing", {pcs::Role::Reviewer});
}
inline pcs::Actor streetHandler() {
  return user("u-street", "c01.s01", {pcs::Role::Handler});
}
inline pcs::Actor streetHead() {
  return user("u-shead", "c01.s01", {pcs::Role::UnitHead});
}
inline pcs::Actor policeHandler() {
  return user("u-pol", "c01.police", {pcs::Role::Handler});
}
inline pcs::Actor cityPoliceReviewer() {
  return user("u-cpol", "city.police", {pcs::Role::Reviewer});
}
inline pcs::Actor countyHousingSigner() {
  return user("u-sign", "c01.housing", {pcs::Role::Dispatcher, pcs::Role::UnitHead});
}
inline pcs::Actor discipline() {
  return user("u-jw", "city.discipline", {pcs::Role::Oversight});
}

inline pcs::Case newCase(const std::string& id = "2025-000001") {
  pcs::Case c;
  c.id = id;
  c.receivedAt = kMonday - kHour;
  c.channel = pcs::Channel::Phone;
  c.complainant = {"王小明", "13900000001", "m:13900000001"};
  c.content = "小区楼道堆放杂物，物业不清理";
  c.countyId = "c01";
  c.streetId = "c01.s01";
  c.communityId = "c01.s01.m01";
  c.estateId = "e-001";
  c.companyId = "co-001";
  return c;
}

inline pcs::Command cmd(pcs::Action a, int assignment = 0) {
  pcs::Command c;
  c.action = a;
  c.assignmentId = assignment;
  return c;
}

inline pcs::Command dispatchTo(std::initializer_list<std::string> units) {
  pcs::Command c = cmd(pcs::Action::Dispatch);
  for (const std::string& u : units) c.targets.push_back({u, {}});
  return c;
}

inline bool offers(const std::vector<pcs::AvailableAction>& list, pcs::Action a,
                   int assignment = 0) {
  return std::any_of(list.begin(), list.end(), [&](const pcs::AvailableAction& x) {
    return x.action == a && x.assignmentId == assignment;
  });
}

}  // namespace fixture
