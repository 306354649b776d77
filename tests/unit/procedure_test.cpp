// The procedure engine (pcs/procedure.h): grade reviews and exit procedures with their
// deadlines, who may take each step, refusals that change nothing, and the available actions
// matching what applyProcedure() accepts.
#include "pcs/procedure.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "pcs/error.h"
#include "pcs/serialize.h"
#include "workflow_fixture.h"

using namespace fixture;
using pcs::ProcedureAction;
using pcs::ProcedureStage;
using pcs::Role;
using pcs::StepState;

namespace {

int64_t at(const char* cst) {
  return *pcs::parseCst(cst);
}

pcs::ProcedureContext ctxAt(int64_t now) {
  return {org(), cal(), rules(), now};
}

pcs::Actor countyHead() {
  return user("u-chead", "c01.housing", {Role::UnitHead, Role::Dispatcher});
}
pcs::Actor countyDisp() {
  return user("u-cdisp", "c01.housing", {Role::Dispatcher});
}
pcs::Actor countyClerkOnly() {
  return user("u-cclerk", "c01.housing", {Role::IntakeClerk});
}
pcs::Actor cityHead() {
  return user("u-cityhead", "city.housing", {Role::UnitHead});
}
pcs::Actor street() {
  return user("u-st", "c01.s01", {Role::Handler});
}
pcs::Actor community() {
  return user("u-cm", "c01.s01.m01", {Role::Handler});
}
pcs::Actor otherStreet() {
  return user("u-st2", "c01.s02", {Role::Handler, Role::UnitHead});
}
pcs::Actor drc() {
  return user("u-drc", "c01.development_reform", {Role::Handler});
}
pcs::Actor market() {
  return user("u-mr", "c01.market_regulation", {Role::Handler});
}
pcs::Actor otherDrc() {
  return user("u-drc2", "c02.development_reform", {Role::Handler, Role::UnitHead});
}
pcs::Actor otherHousing() {
  return user("u-h2", "c02.housing", {Role::UnitHead, Role::Dispatcher});
}
pcs::Actor admin() {
  return user("u-admin", "city.housing", {Role::Admin});
}

pcs::Procedure fresh(pcs::ProcedureKind kind = pcs::ProcedureKind::GradeReview) {
  pcs::Procedure p;
  p.kind = kind;
  p.companyId = "co-001";
  p.estateId = "e-001";
  p.countyId = "c01";
  p.streetId = "c01.s01";
  p.communityId = "c01.s01.m01";
  p.reason = "半年内11名投诉人的投诉属实";
  p.gradeBefore = "二级";
  return p;
}

pcs::Procedure opened(const char* when, pcs::ProcedureKind kind = pcs::ProcedureKind::GradeReview) {
  pcs::Procedure p = fresh(kind);
  pcs::openProcedure(p, countyHead(), ctxAt(at(when)));
  return p;
}

pcs::ProcedureCommand command(ProcedureAction a, const std::string& text = "已办理") {
  pcs::ProcedureCommand c;
  c.action = a;
  c.text = text;
  return c;
}

pcs::ProcedureCommand surveyCommand(double satisfaction, const char* publishedOn) {
  pcs::ProcedureCommand c = command(ProcedureAction::RecordSurvey, "已在小区公告栏公示");
  pcs::ProcedureSurvey s;
  s.surveyId = 7;
  s.satisfaction = satisfaction;
  s.counted = 40;
  s.publishedOn = D(publishedOn);
  c.survey = s;
  return c;
}

pcs::ProcedureCommand regradeTo(const std::string& grade) {
  pcs::ProcedureCommand c = command(ProcedureAction::Regrade, "");
  c.newGrade = grade;
  return c;
}

const pcs::ProcedureStep& step(const pcs::Procedure& p, ProcedureStage s) {
  for (const pcs::ProcedureStep& x : p.steps)
    if (x.stage == s) return x;
  FAIL("no step " << pcs::procedureStageKey(s));
  return p.steps.front();
}

bool offers(const pcs::Procedure& p, const pcs::Actor& a, ProcedureAction action, int64_t now) {
  const auto list = pcs::availableProcedureActions(p, a, ctxAt(now));
  return std::find(list.begin(), list.end(), action) != list.end();
}

std::string snapshot(const pcs::Procedure& p) {
  return pcs::toJsonString(p, "procedure");
}

// Runs `cmd` and expects a refusal with `code` that changes nothing; returns the message.
std::string refused(pcs::Procedure& p, const pcs::ProcedureCommand& cmd, const pcs::Actor& actor,
                    int64_t now, pcs::ErrorCode code) {
  const std::string before = snapshot(p);
  std::string message;
  try {
    pcs::applyProcedure(p, cmd, actor, ctxAt(now));
    FAIL("accepted ", pcs::procedureActionKey(cmd.action), " by ", actor.userId);
  } catch (const pcs::Error& e) {
    CHECK_MESSAGE(e.code() == code, e.what());
    message = e.what();
  }
  CHECK(snapshot(p) == before);
  return message;
}

}  // namespace

TEST_CASE("procedure: T10 ending in the National Day holiday moves to the next working day") {
  // Opened Thursday 2026-09-24: ten calendar days end on Sunday 10-04, inside 国庆节
  // (10-01..10-07), so the survey is due on Thursday 10-08, the first working day after.
  pcs::Procedure p = opened("2026-09-24 10:00");
  const pcs::ProcedureStep& survey = step(p, ProcedureStage::Survey);
  CHECK(survey.state == StepState::Current);
  CHECK(survey.ruleId == "T10");
  CHECK(survey.unitId == "c01.housing");
  CHECK(*survey.from == D("2026-09-24"));
  CHECK(*survey.due == D("2026-10-08"));
  CHECK(survey.explanation.find("顺延") != std::string::npos);
  CHECK(survey.explanation.find("国庆节") != std::string::npos);

  // Opened Monday 09-28, the tenth day is 10-08 itself, a working day: nothing moves.
  pcs::Procedure q = opened("2026-09-28 09:00");
  CHECK(*step(q, ProcedureStage::Survey).due == D("2026-10-08"));
  CHECK(step(q, ProcedureStage::Survey).explanation.find("顺延") == std::string::npos);
}

TEST_CASE("procedure: a grade review from the survey to the penalty, with every due date") {
  pcs::Procedure p = opened("2026-09-24 10:00");
  REQUIRE(p.events.size() == 1);
  CHECK(p.events[0].action == "open");
  CHECK(p.events[0].userId == "u-chead");
  CHECK(p.events[0].notified == std::vector<std::string>{"c01.s01"});
  CHECK(p.stage == ProcedureStage::Survey);
  CHECK(step(p, ProcedureStage::Regrade).state == StepState::Pending);
  CHECK_FALSE(step(p, ProcedureStage::Regrade).due);

  // The street office records the survey on Friday 10-09, a day after T10 (late): 45% is below
  // 60%, so the engine proposes to regrade. T11 counts five days from the publication on
  // 10-05: 10-10 is the Saturday worked for 国庆节, a working day, so it stays.
  int64_t now = at("2026-10-09 10:00");
  pcs::applyProcedure(p, surveyCommand(0.45, "2026-10-05"), street(), ctxAt(now));
  CHECK(p.stage == ProcedureStage::Regrade);
  CHECK(step(p, ProcedureStage::Survey).state == StepState::Done);
  CHECK(step(p, ProcedureStage::Survey).late);
  CHECK(step(p, ProcedureStage::Survey).doneBy == "u-st");
  REQUIRE(p.nextProposal);
  CHECK(p.nextProposal->action == ProcedureAction::Regrade);
  REQUIRE(p.nextProposal->criteria.size() == 1);
  CHECK(p.nextProposal->criteria[0].what == "satisfaction");
  CHECK(p.nextProposal->criteria[0].value == doctest::Approx(0.45));
  CHECK(p.nextProposal->textZh.find("60") != std::string::npos);
  const pcs::ProcedureStep& regrade = step(p, ProcedureStage::Regrade);
  CHECK(regrade.ruleId == "T11");
  CHECK(*regrade.from == D("2026-10-05"));
  CHECK(*regrade.due == D("2026-10-10"));
  CHECK(p.events.back().notified == std::vector<std::string>{"c01.housing"});
  CHECK(pcs::procedureDaysText(p, D("2026-10-09"), cal()) == "剩余1日");

  // Regraded on Monday 10-12 (late again). T12: five days from 10-12 is Saturday 10-17, a
  // weekend, so development and reform has until Monday 10-19.
  now = at("2026-10-12 15:00");
  CHECK(offers(p, countyDisp(), ProcedureAction::Regrade, now));
  CHECK_FALSE(offers(p, drc(), ProcedureAction::Regrade, now));
  pcs::applyProcedure(p, regradeTo("三级"), countyDisp(), ctxAt(now));
  CHECK(p.gradeAfter == "三级");
  CHECK(p.stage == ProcedureStage::Fee);
  CHECK(step(p, ProcedureStage::Regrade).late);
  const pcs::ProcedureStep& fee = step(p, ProcedureStage::Fee);
  CHECK(fee.unitId == "c01.development_reform");
  CHECK(*fee.due == D("2026-10-19"));
  CHECK(fee.explanation.find("周末") != std::string::npos);
  CHECK(p.events.back().notified ==
        std::vector<std::string>{"c01.development_reform", "c01.market_regulation"});
  CHECK(p.events.back().detail.find("二级 -> 三级") != std::string::npos);

  // Development and reform transfers on Friday 10-16 (on time); T13 is 90 days from 10-16:
  // Thursday 2027-01-14, a working day.
  now = at("2026-10-16 09:30");
  CHECK(pcs::availableProcedureActions(p, drc(), ctxAt(now)) ==
        std::vector<ProcedureAction>{ProcedureAction::FeeComplied, ProcedureAction::Transfer});
  pcs::applyProcedure(p, command(ProcedureAction::Transfer, "企业拒不执行三级收费标准"), drc(),
                      ctxAt(now));
  CHECK_FALSE(step(p, ProcedureStage::Fee).late);
  const pcs::ProcedureStep& penalty = step(p, ProcedureStage::Penalty);
  CHECK(penalty.unitId == "c01.market_regulation");
  CHECK(*penalty.from == D("2026-10-16"));
  CHECK(*penalty.due == D("2027-01-14"));
  CHECK(p.events.back().notified ==
        std::vector<std::string>{"c01.market_regulation", "c01.housing"});
  CHECK(pcs::procedureDaysLeft(p, D("2026-10-16"), cal()) == 90);

  // Market regulation records the refund and penalty; copies go to 发改 and 住建.
  now = at("2026-12-01 11:00");
  pcs::applyProcedure(p, command(ProcedureAction::RecordPenalty, "责令退还多收费用并罚款"),
                      market(), ctxAt(now));
  CHECK(p.stage == ProcedureStage::Closed);
  CHECK_FALSE(p.open());
  CHECK(p.outcome == "penalised");
  CHECK(std::string(pcs::procedureOutcomeZh(p.outcome)) == "已退费并处罚");
  CHECK(p.closedAt == now);
  CHECK(step(p, ProcedureStage::Penalty).state == StepState::Done);
  CHECK(p.events.back().notified ==
        std::vector<std::string>{"c01.development_reform", "c01.housing"});
  CHECK(p.events.size() == 5);
  for (size_t i = 0; i < p.events.size(); ++i) CHECK(p.events[i].seq == static_cast<int>(i + 1));
  CHECK(p.events[1].stageFrom == "survey");
  CHECK(p.events[1].stageTo == "regrade");
  CHECK(pcs::availableProcedureActions(p, countyHead(), ctxAt(now)).empty());
  CHECK(pcs::procedureDaysText(p, D("2026-12-01"), cal()).empty());

  // The record survives its JSON form unchanged; enums travel as their keys.
  const std::string json = snapshot(p);
  CHECK(json.find(R"("kind":"grade_review")") != std::string::npos);
  CHECK(json.find(R"("stage":"closed")") != std::string::npos);
  CHECK(json.find(R"("state":"skipped")") == std::string::npos);
  CHECK(json.find(R"("state":"done")") != std::string::npos);
  CHECK(snapshot(pcs::fromJsonString<pcs::Procedure>(json, "procedure")) == json);
}

TEST_CASE("procedure: fee complied closes with a copy to housing; penalty skipped") {
  pcs::Procedure p = opened("2026-03-02 09:00");
  pcs::applyProcedure(p, surveyCommand(0.9, "2026-03-06"), countyHead(),
                      ctxAt(at("2026-03-06 10:00")));
  pcs::applyProcedure(p, regradeTo("五级"), countyHead(), ctxAt(at("2026-03-09 10:00")));
  pcs::applyProcedure(p, command(ProcedureAction::FeeComplied, "企业已按五级标准收费"), drc(),
                      ctxAt(at("2026-03-10 10:00")));
  CHECK(p.outcome == "fee_complied");
  CHECK(step(p, ProcedureStage::Fee).state == StepState::Done);
  CHECK(step(p, ProcedureStage::Penalty).state == StepState::Skipped);
  CHECK(p.events.back().notified == std::vector<std::string>{"c01.housing"});
}

TEST_CASE("procedure: no regrade when the survey is good, and against the proposal only with why") {
  SUBCASE("good survey") {
    pcs::Procedure p = opened("2026-03-02 09:00");
    pcs::applyProcedure(p, surveyCommand(0.82, "2026-03-06"), community(),
                        ctxAt(at("2026-03-06 10:00")));
    REQUIRE(p.nextProposal);
    CHECK(p.nextProposal->action == ProcedureAction::NoRegrade);
    CHECK(p.nextProposal->criteria.empty());
    CHECK(p.nextProposal->textZh.find("82.0%") != std::string::npos);
    const int64_t now = at("2026-03-09 10:00");
    refused(p, command(ProcedureAction::NoRegrade, " \u3000"), countyHead(), now,
            pcs::ErrorCode::InvalidInput);
    pcs::applyProcedure(p, command(ProcedureAction::NoRegrade, "满意率达标，维持二级"),
                        countyHead(), ctxAt(now));
    CHECK(p.outcome == "no_regrade");
    CHECK(std::string(pcs::procedureOutcomeZh(p.outcome)) == "无需降级");
    CHECK(step(p, ProcedureStage::Regrade).state == StepState::Done);
    CHECK(step(p, ProcedureStage::Fee).state == StepState::Skipped);
    CHECK(step(p, ProcedureStage::Penalty).state == StepState::Skipped);
    CHECK(p.events.back().detail == "决定不降级");
  }
  SUBCASE("against a regrade proposal") {
    pcs::Procedure p = opened("2026-03-02 09:00");
    pcs::ProcedureCommand s = surveyCommand(0.95, "2026-03-06");
    s.survey->refusedToFix = true;
    pcs::applyProcedure(p, s, countyHead(), ctxAt(at("2026-03-06 10:00")));
    REQUIRE(p.nextProposal->action == ProcedureAction::Regrade);
    CHECK(p.nextProposal->criteria[0].what == "refused_to_fix");
    const int64_t now = at("2026-03-09 10:00");
    const std::string why = refused(p, command(ProcedureAction::NoRegrade, ""), countyHead(), now,
                                    pcs::ErrorCode::InvalidInput);
    CHECK(why.find("理由") != std::string::npos);
    CHECK(why.find("符合重新核定等级的条件") != std::string::npos);
    pcs::applyProcedure(p,
                        command(ProcedureAction::NoRegrade, "企业已于调查后整改完毕，经复查属实"),
                        countyHead(), ctxAt(now));
    CHECK(p.outcome == "no_regrade");
    CHECK(p.events.back().detail.find("与系统建议不同") != std::string::npos);
  }
}

TEST_CASE("procedure: an exit from notice to handover, with a target date and no statutory limit") {
  pcs::Procedure p = opened("2026-03-02 09:00", pcs::ProcedureKind::Exit);
  CHECK(p.stage == ProcedureStage::NotifyOwners);
  REQUIRE(p.steps.size() == 2);
  CHECK(p.steps[0].ruleId.empty());
  CHECK_FALSE(p.steps[0].due);
  CHECK(p.steps[0].explanation == pcs::kNoStatutoryLimitZh);
  CHECK(pcs::procedureDaysText(p, D("2026-03-02"), cal()) == "通知未规定时限");
  CHECK_FALSE(pcs::procedureDaysLeft(p, D("2026-03-02"), cal()));

  int64_t now = at("2026-03-05 10:00");
  pcs::ProcedureCommand notify = command(ProcedureAction::NotifyOwners, "已书面告知业主委员会");
  notify.targetDate = D("2026-03-04");
  CHECK(refused(p, notify, street(), now, pcs::ErrorCode::InvalidInput).find("早于今天") !=
        std::string::npos);
  CHECK(refused(p, notify, community(), now, pcs::ErrorCode::Forbidden).size() > 0);
  notify.targetDate = D("2026-04-30");
  pcs::applyProcedure(p, notify, street(), ctxAt(now));
  CHECK(p.stage == ProcedureStage::Handover);
  CHECK(p.events.back().notified == std::vector<std::string>{"c01.housing"});
  const pcs::ProcedureStep& handover = step(p, ProcedureStage::Handover);
  CHECK(*handover.due == D("2026-04-30"));
  CHECK(handover.explanation.find("2026-04-30") != std::string::npos);
  CHECK(pcs::procedureDaysText(p, D("2026-04-28"), cal()) == "剩余2日（自定目标日期）");

  now = at("2026-04-10 10:00");
  CHECK(refused(p, command(ProcedureAction::Complete), countyHead(), now, pcs::ErrorCode::Conflict)
            .find("尚未登记交接") != std::string::npos);
  CHECK_FALSE(offers(p, countyHead(), ProcedureAction::Complete, now));
  pcs::applyProcedure(p, command(ProcedureAction::Handover, "移交物业服务用房和档案资料"),
                      countyHead(), ctxAt(now));
  pcs::applyProcedure(p, command(ProcedureAction::Handover, "移交共用设施设备"), street(),
                      ctxAt(now));
  CHECK(p.handovers == 2);
  CHECK(p.stage == ProcedureStage::Handover);
  CHECK(offers(p, countyHead(), ProcedureAction::Complete, now));
  // Past the target date is not "late": the notice sets no limit.
  now = at("2026-05-06 10:00");
  pcs::applyProcedure(p, command(ProcedureAction::Complete, "新物业服务企业已进场"), countyHead(),
                      ctxAt(now));
  CHECK(p.outcome == "exit_completed");
  CHECK(step(p, ProcedureStage::Handover).state == StepState::Done);
  CHECK_FALSE(step(p, ProcedureStage::Handover).late);
  CHECK(p.events.back().notified == std::vector<std::string>{"c01.s01"});
}

TEST_CASE("procedure: withdraw by a housing unit head only, with a reason") {
  pcs::Procedure p = opened("2026-03-02 09:00");
  const int64_t now = at("2026-03-03 09:00");
  refused(p, command(ProcedureAction::Withdraw), countyDisp(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Withdraw), otherHousing(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Withdraw), street(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Withdraw, ""), countyHead(), now,
          pcs::ErrorCode::InvalidInput);
  pcs::Procedure byCity = p;
  pcs::applyProcedure(byCity, command(ProcedureAction::Withdraw, "企业已更换"), cityHead(),
                      ctxAt(now));
  CHECK(byCity.outcome == "withdrawn");
  pcs::applyProcedure(p, command(ProcedureAction::Withdraw, "重复启动"), countyHead(), ctxAt(now));
  CHECK(p.outcome == "withdrawn");
  CHECK(p.stage == ProcedureStage::Closed);
  for (const pcs::ProcedureStep& s : p.steps) CHECK(s.state == StepState::Skipped);
  CHECK(p.events.back().notified == std::vector<std::string>{"c01.s01"});
  const std::string closed = refused(p, command(ProcedureAction::Withdraw, "再撤回"), countyHead(),
                                     now, pcs::ErrorCode::Conflict);
  CHECK(closed.find("已结束") != std::string::npos);
}

TEST_CASE("procedure: opening checks who, the estate's company and the reason") {
  const int64_t now = at("2026-03-02 09:00");
  auto openBy = [&](pcs::Procedure p, const pcs::Actor& a) {
    pcs::openProcedure(p, a, ctxAt(now));
    return p;
  };
  CHECK(openBy(fresh(), countyDisp()).stage == ProcedureStage::Survey);
  CHECK(openBy(fresh(), cityHead()).events[0].notified ==
        std::vector<std::string>{"c01.housing", "c01.s01"});
  CHECK(openBy(fresh(), admin()).events[0].role == "admin");
  for (const pcs::Actor& a :
       {otherHousing(), street(), drc(), countyClerkOnly(), discipline(), policeHandler()})
    CHECK_THROWS_AS(openBy(fresh(), a), pcs::Error);
  pcs::Procedure p = fresh();
  p.reason = "";
  CHECK_THROWS_WITH(openBy(p, countyHead()), doctest::Contains("启动理由"));
  p = fresh();
  p.companyId = "";
  CHECK_THROWS_WITH(openBy(p, countyHead()), doctest::Contains("失管"));
  p = fresh();
  p.countyId = "c09";
  CHECK_THROWS_WITH(openBy(p, admin()), doctest::Contains("c09"));
}

TEST_CASE("procedure: bad input, the wrong unit, role or stage are refused and change nothing") {
  pcs::Procedure p = opened("2026-03-02 09:00");
  const int64_t now = at("2026-03-06 10:00");

  // Wrong stage: the message says which stage the procedure is in.
  const std::string stage =
      refused(p, command(ProcedureAction::FeeComplied), drc(), now, pcs::ErrorCode::Conflict);
  CHECK(stage.find("调查并公示") != std::string::npos);
  refused(p, regradeTo("三级"), countyHead(), now, pcs::ErrorCode::Conflict);
  refused(p, command(ProcedureAction::NotifyOwners), countyHead(), now, pcs::ErrorCode::Conflict);
  refused(p, command(ProcedureAction::Open), countyHead(), now, pcs::ErrorCode::Conflict);

  // Wrong unit and role.
  refused(p, surveyCommand(0.5, "2026-03-05"), otherStreet(), now, pcs::ErrorCode::Forbidden);
  refused(p, surveyCommand(0.5, "2026-03-05"), drc(), now, pcs::ErrorCode::Forbidden);
  refused(p, surveyCommand(0.5, "2026-03-05"), countyClerkOnly(), now, pcs::ErrorCode::Forbidden);
  refused(p, surveyCommand(0.5, "2026-03-05"), otherHousing(), now, pcs::ErrorCode::Forbidden);
  refused(p, surveyCommand(0.5, "2026-03-05"), discipline(), now, pcs::ErrorCode::Forbidden);
  refused(p, surveyCommand(0.5, "2026-03-05"), cityHead(), now, pcs::ErrorCode::Forbidden);

  // Bad survey input and dates.
  CHECK(refused(p, surveyCommand(0.5, "2026-03-01"), street(), now, pcs::ErrorCode::InvalidInput)
            .find("早于启动日期") != std::string::npos);
  CHECK(refused(p, surveyCommand(0.5, "2026-03-07"), street(), now, pcs::ErrorCode::InvalidInput)
            .find("晚于今天") != std::string::npos);
  CHECK(refused(p, surveyCommand(0.5, "1970-01-01"), street(), now, pcs::ErrorCode::InvalidInput)
            .find("公示的日期") != std::string::npos);
  refused(p, surveyCommand(1.5, "2026-03-05"), street(), now, pcs::ErrorCode::InvalidInput);
  pcs::ProcedureCommand noSurvey = command(ProcedureAction::RecordSurvey);
  refused(p, noSurvey, street(), now, pcs::ErrorCode::InvalidInput);
  pcs::ProcedureCommand control = surveyCommand(0.5, "2026-03-05");
  control.text = "公示\x01";
  CHECK(refused(p, control, street(), now, pcs::ErrorCode::InvalidInput).find("控制字符") !=
        std::string::npos);
  control.text = std::string(4001, 'x');
  CHECK(refused(p, control, street(), now, pcs::ErrorCode::InvalidInput).find("过长") !=
        std::string::npos);

  // On to the regrade stage: grades only go down, and must be known.
  pcs::applyProcedure(p, surveyCommand(0.3, "2026-03-05"), street(), ctxAt(now));
  refused(p, regradeTo("一级"), countyHead(), now, pcs::ErrorCode::InvalidInput);
  CHECK(refused(p, regradeTo("二级"), countyHead(), now, pcs::ErrorCode::InvalidInput)
            .find("只能降低等级") != std::string::npos);
  CHECK(refused(p, regradeTo("特级"), countyHead(), now, pcs::ErrorCode::InvalidInput)
            .find("一级、二级") != std::string::npos);
  refused(p, regradeTo("三级"), street(), now, pcs::ErrorCode::Forbidden);
  refused(p, regradeTo("三级"), cityHead(), now, pcs::ErrorCode::Forbidden);

  // Fee stage: only this county's development and reform; missing text refused.
  pcs::applyProcedure(p, regradeTo("三级"), countyHead(), ctxAt(now));
  refused(p, command(ProcedureAction::Transfer), otherDrc(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Transfer), market(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Transfer), countyHead(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::Transfer, "\n\t"), drc(), now, pcs::ErrorCode::InvalidInput);
  refused(p, command(ProcedureAction::RecordPenalty), market(), now, pcs::ErrorCode::Conflict);

  // Penalty stage: only market regulation.
  pcs::applyProcedure(p, command(ProcedureAction::Transfer), drc(), ctxAt(now));
  refused(p, command(ProcedureAction::RecordPenalty), drc(), now, pcs::ErrorCode::Forbidden);
  refused(p, command(ProcedureAction::RecordPenalty, ""), market(), now,
          pcs::ErrorCode::InvalidInput);
}

namespace {

// Procedures in every reachable stage, made by the engine itself.
std::vector<pcs::Procedure> proceduresInEveryStage() {
  std::vector<pcs::Procedure> out;
  const int64_t t0 = at("2026-03-02 09:00");
  pcs::Procedure g = opened("2026-03-02 09:00");
  out.push_back(g);  // survey
  pcs::Procedure good = g;
  pcs::applyProcedure(good, surveyCommand(0.9, "2026-03-03"), street(), ctxAt(t0 + kDay));
  out.push_back(good);  // regrade, proposal: no regrade
  pcs::applyProcedure(g, surveyCommand(0.4, "2026-03-03"), street(), ctxAt(t0 + kDay));
  out.push_back(g);  // regrade, proposal: regrade
  pcs::Procedure lowest = g;
  lowest.gradeBefore = "五级";
  out.push_back(lowest);  // regrade from the lowest grade: only no_regrade
  pcs::applyProcedure(g, regradeTo("三级"), countyHead(), ctxAt(t0 + 2 * kDay));
  out.push_back(g);  // fee
  pcs::Procedure complied = g;
  pcs::applyProcedure(complied, command(ProcedureAction::FeeComplied), drc(), ctxAt(t0 + 3 * kDay));
  out.push_back(complied);  // closed
  pcs::applyProcedure(g, command(ProcedureAction::Transfer), drc(), ctxAt(t0 + 3 * kDay));
  out.push_back(g);  // penalty

  pcs::Procedure e = opened("2026-03-02 09:00", pcs::ProcedureKind::Exit);
  out.push_back(e);  // notify owners
  pcs::applyProcedure(e, command(ProcedureAction::NotifyOwners), countyHead(), ctxAt(t0 + kDay));
  out.push_back(e);  // handover, nothing handed over yet
  pcs::applyProcedure(e, command(ProcedureAction::Handover), street(), ctxAt(t0 + 2 * kDay));
  out.push_back(e);  // handover, one record
  pcs::Procedure withdrawn = e;
  pcs::applyProcedure(withdrawn, command(ProcedureAction::Withdraw), countyHead(),
                      ctxAt(t0 + 2 * kDay));
  out.push_back(withdrawn);  // closed
  return out;
}

std::vector<pcs::Actor> everyone() {
  return {countyHead(),
          countyDisp(),
          countyClerkOnly(),
          cityHead(),
          street(),
          community(),
          otherStreet(),
          drc(),
          market(),
          otherDrc(),
          otherHousing(),
          admin(),
          discipline(),
          policeHandler(),
          user("u-mr-head", "c01.market_regulation", {Role::UnitHead}),
          user("u-rev", "c01.housing", {Role::Reviewer})};
}

// Valid input for `a` on `p`, so refusals come from permissions and stages.
pcs::ProcedureCommand plausible(ProcedureAction a, const pcs::Procedure& p, int64_t now) {
  pcs::ProcedureCommand c = surveyCommand(0.5, "2026-03-05");
  c.action = a;
  c.survey->publishedOn = pcs::cstDate(now);
  c.newGrade = p.gradeBefore == "二级" ? "四级" : "五级";
  return c;
}

}  // namespace

TEST_CASE("procedure: every action by every user in every stage is recorded or refused whole") {
  int accepted = 0, refusedCount = 0;
  const int64_t now = at("2026-03-10 10:00");
  const std::vector<ProcedureAction> actions = {
      ProcedureAction::RecordSurvey, ProcedureAction::Regrade,  ProcedureAction::NoRegrade,
      ProcedureAction::FeeComplied,  ProcedureAction::Transfer, ProcedureAction::RecordPenalty,
      ProcedureAction::NotifyOwners, ProcedureAction::Handover, ProcedureAction::Complete,
      ProcedureAction::Withdraw};
  for (const pcs::Procedure& original : proceduresInEveryStage()) {
    for (const pcs::Actor& actor : everyone()) {
      const auto offered = pcs::availableProcedureActions(original, actor, ctxAt(now));
      for (ProcedureAction a : actions) {
        pcs::Procedure p = original;
        const std::string before = snapshot(p);
        bool ok = false;
        try {
          pcs::applyProcedure(p, plausible(a, original, now), actor, ctxAt(now));
          ok = true;
          ++accepted;
          REQUIRE(p.events.size() == original.events.size() + 1);
          const pcs::ProcedureEvent& e = p.events.back();
          CHECK(e.userId == actor.userId);
          CHECK(e.unitId == actor.unitId);
          CHECK(e.at == now);
          CHECK(e.action == pcs::procedureActionKey(a));
          CHECK(e.stageFrom == pcs::procedureStageKey(original.stage));
          CHECK(e.stageTo == pcs::procedureStageKey(p.stage));
          CHECK(actor.has(*pcs::roleFromKey(e.role)));
          CHECK(std::find(e.notified.begin(), e.notified.end(), actor.unitId) == e.notified.end());
        } catch (const pcs::Error& err) {
          ++refusedCount;
          CHECK_MESSAGE(snapshot(p) == before, "refused ", pcs::procedureActionKey(a), " by ",
                        actor.userId, " changed the procedure: ", err.what());
        }
        // What is offered is exactly what is accepted.
        const bool isOffered = std::find(offered.begin(), offered.end(), a) != offered.end();
        CHECK_MESSAGE(isOffered == ok, pcs::procedureActionKey(a), " by ", actor.userId,
                      " in stage ", pcs::procedureStageKey(original.stage));
      }
    }
  }
  CHECK(accepted > 20);
  CHECK(refusedCount > 1000);
  for (const pcs::Procedure& p : proceduresInEveryStage())
    CHECK(pcs::availableProcedureActions(p, discipline(), ctxAt(now)).empty());
}

TEST_CASE("procedure: a calendar change moves the current step's deadline") {
  pcs::Procedure p = opened("2026-09-24 10:00");
  CHECK(pcs::recomputeProcedureDeadline(p, cal(), rules()).empty());
  pcs::RuleSet longer = rules();
  longer.setAmount("T10", 15);
  // 15 days from 09-24 is Friday 10-09, a working day.
  CHECK(pcs::recomputeProcedureDeadline(p, cal(), longer) == "T10: 2026-10-08 -> 2026-10-09");
  CHECK(*step(p, ProcedureStage::Survey).due == D("2026-10-09"));
}
