// Every action by every kind of user on cases in every state: apply() either changes the case
// and records who, when and what, or refuses with a pcs::Error and changes nothing. Nothing is
// ever silently accepted.
#include <doctest/doctest.h>

#include "pcs/error.h"
#include "pcs/serialize.h"
#include "workflow_fixture.h"

using namespace fixture;
using pcs::Action;

namespace {

// Cases in each reachable state, made by the real workflow.
std::vector<pcs::Case> casesInEveryState() {
  std::vector<pcs::Case> out;
  int64_t t = kMonday;
  pcs::Case c = newCase();
  pcs::registerCase(c, countyClerk(), at(t));
  out.push_back(c);  // registered

  pcs::apply(c, dispatchTo({"c01.s01", "c01.police"}), countyDispatcher(), at(t += kHour));
  out.push_back(c);  // dispatched
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(t += kHour));
  out.push_back(c);  // in progress
  pcs::Command plan = cmd(Action::SubmitPlan, 1);
  plan.plan = {{*pcs::Date::parse("2025-04-30"), "维修"}};
  pcs::Case planned = c;
  pcs::apply(planned, plan, streetHandler(), at(t));
  out.push_back(planned);  // plan submitted
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已处理";
  pcs::apply(c, resolve, streetHandler(), at(t += kHour));
  out.push_back(c);  // one resolved
  pcs::Command sign = cmd(Action::CoSignStreet, 1);
  sign.text = "同意";
  pcs::apply(c, sign, streetHead(), at(t += kHour));
  sign.action = Action::CoSignHousing;
  pcs::apply(c, sign, countyHousingSigner(), at(t += kHour));
  out.push_back(c);  // co-signed
  pcs::apply(c, cmd(Action::SubmitReview, 1), countyDispatcher(), at(t += kHour));
  pcs::apply(c, cmd(Action::Accept, 2), policeHandler(), at(t += kHour));
  resolve.assignmentId = 2;
  pcs::apply(c, resolve, policeHandler(), at(t += kHour));
  pcs::apply(c, cmd(Action::SubmitReview, 2), policeHandler(), at(t += kHour));
  out.push_back(c);  // under review
  pcs::apply(c, cmd(Action::Approve, 1), cityReviewer(), at(t += kHour));
  pcs::apply(c, cmd(Action::Approve, 2), cityPoliceReviewer(), at(t += kHour));
  out.push_back(c);  // closed
  pcs::Case merged = out[0];
  pcs::Command merge = cmd(Action::Merge);
  merge.reason = "重复";
  merge.targetCaseId = "2025-999999";
  pcs::apply(merged, merge, countyDispatcher(), at(t));
  out.push_back(merged);  // merged
  return out;
}

std::vector<pcs::Actor> everyone() {
  return {countyClerk(),
          countyDispatcher(),
          cityDispatcher(),
          cityReviewer(),
          streetHandler(),
          streetHead(),
          policeHandler(),
          cityPoliceReviewer(),
          countyHousingSigner(),
          discipline(),
          user("u-12345", "c01.hotline_12345", {pcs::Role::Handler}),
          user("u-other", "c02.housing", {pcs::Role::Dispatcher, pcs::Role::UnitHead}),
          user("u-admin", "city.housing", {pcs::Role::Admin})};
}

// A command for `a` with plausible input, so refusals come from permissions and states.
pcs::Command plausible(Action a, int assignment) {
  pcs::Command c = cmd(a, assignment);
  c.reason = "理由";
  c.text = "内容";
  c.substantiated = true;
  c.satisfaction = pcs::Satisfaction::Satisfied;
  c.targetCaseId = "2025-000777";
  c.from = *pcs::Date::parse("2025-03-05");
  c.to = *pcs::Date::parse("2025-03-06");
  c.days = 3;
  c.plan = {{*pcs::Date::parse("2025-04-30"), "维修"}};
  c.targets = {{"c01.s02", {}}};
  return c;
}

}  // namespace

TEST_CASE("workflow: every action is either recorded with who, when and why, or refused") {
  int accepted = 0, refused = 0;
  for (const pcs::Case& original : casesInEveryState()) {
    for (const pcs::Actor& actor : everyone()) {
      for (const pcs::TransitionDoc& t : pcs::transitionTable()) {
        if (t.action == Action::Register) continue;
        for (int assignment : {0, 1, 2}) {
          pcs::Case c = original;
          const std::string before = pcs::toBinary(c);
          const int64_t now = kMonday + 30 * kDay;
          try {
            pcs::apply(c, plausible(t.action, assignment), actor, at(now));
            ++accepted;
            REQUIRE(c.events.size() == original.events.size() + 1);
            const pcs::Event& e = c.events.back();
            CHECK(e.userId == actor.userId);
            CHECK(e.unitId == actor.unitId);
            CHECK(e.at == now);
            CHECK(e.action == pcs::actionKey(t.action));
            CHECK_FALSE(e.role.empty());
            // The role acted in is one the transition table allows and the actor holds.
            const pcs::Role role = *pcs::roleFromKey(e.role);
            CHECK(actor.has(role));
            CHECK(std::find(t.roles.begin(), t.roles.end(), role) != t.roles.end());
          } catch (const pcs::Error& err) {
            ++refused;
            CHECK_MESSAGE(std::string(err.what()).size() > 0, pcs::actionKey(t.action));
            CHECK_MESSAGE(pcs::toBinary(c) == before, "refused ", pcs::actionKey(t.action), " by ",
                          actor.userId, " changed the case: ", err.what());
          }
        }
      }
    }
  }
  // The sweep really exercised both paths.
  CHECK(accepted > 50);
  CHECK(refused > 1000);
  // Oversight never acts.
  for (const pcs::Case& c : casesInEveryState())
    CHECK(pcs::availableActions(c, discipline(), at(kMonday + 30 * kDay)).empty());
}
