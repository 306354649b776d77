// The case workflow (R2-R8): the whole lifecycle, and every refusal with its reason.
#include <doctest/doctest.h>

#include "pcs/error.h"
#include "pcs/serialize.h"
#include "workflow_fixture.h"

using namespace fixture;
using pcs::Action;
using pcs::AssignmentState;
using pcs::CaseState;
using pcs::ErrorCode;

namespace {

pcs::Case registered(int64_t now = kMonday) {
  pcs::Case c = newCase();
  pcs::registerCase(c, countyClerk(), at(now));
  return c;
}

// Expects apply() to refuse with `code` and a message containing `words`, leaving the case as
// it was.
void refused(pcs::Case& c, const pcs::Command& command, const pcs::Actor& actor, ErrorCode code,
             const std::string& words, int64_t now = kMonday + kDay) {
  const size_t events = c.events.size();
  const CaseState state = c.state;
  const size_t assignments = c.assignments.size();
  try {
    pcs::apply(c, command, actor, at(now));
    FAIL("accepted: ", pcs::actionKey(command.action));
  } catch (const pcs::Error& e) {
    CHECK(e.code() == code);
    CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
  }
  CHECK(c.events.size() == events);
  CHECK(c.state == state);
  CHECK(c.assignments.size() == assignments);
}

}  // namespace

TEST_CASE("workflow: registration sets owner, T1 deadline and the first event") {
  pcs::Case c = registered();
  CHECK(c.state == CaseState::Registered);
  CHECK(c.ownerUnitId == "c01.housing");
  CHECK(c.intakeUnitId == "c01.housing");
  CHECK(c.dispatchDue.ruleId == "T1");
  CHECK(c.dispatchDue.due.toString() == "2025-03-12");
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].action == "register");
  CHECK(c.events[0].userId == "u-clerk");
  CHECK(c.events[0].at == kMonday);
}

TEST_CASE("workflow: registration refuses incomplete or foreign input") {
  pcs::Case c = newCase();
  c.content = "  ";
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, countyClerk(), at(kMonday)),
                       doctest::Contains("投诉内容不能为空"), pcs::Error);
  c = newCase();
  c.complainant = {};
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, countyClerk(), at(kMonday)),
                       doctest::Contains("至少填写一项"), pcs::Error);
  c = newCase();
  c.receivedAt = kMonday + kDay;
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, countyClerk(), at(kMonday)),
                       doctest::Contains("晚于当前时间"), pcs::Error);
  c = newCase();
  c.countyId = "c02";  // the clerk of 东湖区 may not register 青山县's complaints
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, countyClerk(), at(kMonday)),
                       doctest::Contains("本辖区"), pcs::Error);
  c = newCase();
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, policeHandler(), at(kMonday)),
                       doctest::Contains("受理登记员"), pcs::Error);
  c = newCase();
  c.urgent = true;
  CHECK_THROWS_WITH_AS(pcs::registerCase(c, countyClerk(), at(kMonday)),
                       doctest::Contains("紧急原因"), pcs::Error);
}

TEST_CASE("workflow: an urgent case is counted in hours (T2)") {
  pcs::Case c = newCase();
  c.urgent = true;
  c.urgentReason = "外墙瓷砖脱落，危及行人";
  pcs::registerCase(c, countyClerk(), at(kMonday));
  CHECK(c.dispatchDue.ruleId == "T2");
  CHECK(c.dispatchDueAt == kMonday + 2 * kHour);
  // Regression: the due date is the day the hours run out, not the day after.
  CHECK(c.dispatchDue.due == pcs::cstDate(kMonday));
  pcs::Command report = cmd(Action::ReportUrgent);
  pcs::apply(c, report, countyDispatcher(), at(kMonday + 600));
  CHECK(c.reportedUrgentAt == kMonday + 600);
  refused(c, report, countyDispatcher(), ErrorCode::Conflict, "已报告");
}

TEST_CASE("workflow: a housing case and a police case go all the way to closure") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.s01", "c01.police"}), countyDispatcher(), at(kMonday + kHour));
  REQUIRE(c.assignments.size() == 2);
  CHECK(c.state == CaseState::Dispatched);
  CHECK(c.assignments[0].resolveDue->ruleId == "T3");
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-10");

  // Street office: accept, resolve with substantiation, then both co-signatures.
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + 2 * kHour));
  CHECK(c.state == CaseState::InProgress);
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已督促物业清理楼道，并电话答复投诉人";
  pcs::apply(c, resolve, streetHandler(), at(kMonday + kDay));
  CHECK(c.assignments[0].state == AssignmentState::Resolved);
  CHECK(c.substantiated() == true);

  pcs::Command sign = cmd(Action::CoSignStreet, 1);
  sign.text = "经现场核实已整改";
  pcs::apply(c, sign, streetHead(), at(kMonday + kDay + kHour));
  CHECK(c.assignments[0].state == AssignmentState::Resolved);  // one signature is not enough
  sign.action = Action::CoSignHousing;
  pcs::apply(c, sign, countyHousingSigner(), at(kMonday + kDay + 2 * kHour));
  CHECK(c.assignments[0].state == AssignmentState::CoSigned);
  pcs::apply(c, cmd(Action::SubmitReview, 1), countyDispatcher(), at(kMonday + kDay + 3 * kHour));
  CHECK(c.assignments[0].state == AssignmentState::UnderReview);

  // Police: accept, resolve and send for review to the city police (no co-signing).
  pcs::apply(c, cmd(Action::Accept, 2), policeHandler(), at(kMonday + 3 * kHour));
  resolve.assignmentId = 2;
  resolve.substantiated = false;
  resolve.text = "经查未发现违反治安管理行为，已答复";
  pcs::apply(c, resolve, policeHandler(), at(kMonday + 2 * kDay));
  pcs::apply(c, cmd(Action::SubmitReview, 2), policeHandler(), at(kMonday + 2 * kDay));

  // City housing reviews the housing side; the city police reviews its own.
  pcs::apply(c, cmd(Action::Approve, 1), cityReviewer(), at(kMonday + 3 * kDay));
  CHECK(c.state != CaseState::Closed);
  pcs::apply(c, cmd(Action::Approve, 2), cityPoliceReviewer(), at(kMonday + 3 * kDay + kHour));
  CHECK(c.state == CaseState::Closed);
  CHECK(c.closedAt == kMonday + 3 * kDay + kHour);

  // Every step is an event with who, when and what, in order.
  const char* expected[] = {"register",       "dispatch",        "accept",        "resolve",
                            "co_sign_street", "co_sign_housing", "submit_review", "accept",
                            "resolve",        "submit_review",   "approve",       "approve"};
  REQUIRE(c.events.size() == std::size(expected));
  for (size_t i = 0; i < c.events.size(); ++i) {
    CHECK(c.events[i].action == expected[i]);
    CHECK(c.events[i].seq == static_cast<int>(i) + 1);
    CHECK_FALSE(c.events[i].userId.empty());
    if (i) CHECK(c.events[i].at >= c.events[i - 1].at - kDay * 3);
  }
  CHECK(c.events.back().userId == "u-cpol");
  CHECK(c.events.back().toState == "closed");

  // Nothing more can happen to a closed case but a reopen.
  refused(c, cmd(Action::Accept, 1), streetHandler(), ErrorCode::Conflict, "已销号");
}

TEST_CASE("workflow: handlers act only on their own assignment, in the right state") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), at(kMonday + kHour));
  refused(c, cmd(Action::Accept, 1), policeHandler(), ErrorCode::Forbidden, "承办单位");
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已处理";
  refused(c, resolve, streetHandler(), ErrorCode::Conflict, "待签收");
  refused(c, cmd(Action::Accept, 9), streetHandler(), ErrorCode::InvalidInput, "没有承办编号");
  refused(c, cmd(Action::Accept, 1), discipline(), ErrorCode::Forbidden, "只能查看");
  refused(c, cmd(Action::Accept, 1), countyClerk(), ErrorCode::Forbidden, "承办人");

  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + kDay));
  refused(c, cmd(Action::Accept, 1), streetHandler(), ErrorCode::Conflict, "办理中");
  pcs::Command noVerdict = resolve;
  noVerdict.substantiated.reset();
  refused(c, noVerdict, streetHandler(), ErrorCode::InvalidInput, "是否属实");
  pcs::Command noAnswer = resolve;
  noAnswer.text = "";
  refused(c, noAnswer, streetHandler(), ErrorCode::InvalidInput, "办理结果");
  // Review before co-signing, and co-signing by the wrong units.
  pcs::apply(c, resolve, streetHandler(), at(kMonday + kDay));
  refused(c, cmd(Action::SubmitReview, 1), countyDispatcher(), ErrorCode::Conflict, "已办结答复");
  pcs::Command sign = cmd(Action::CoSignStreet, 1);
  sign.text = "同意";
  refused(c, sign, user("x", "c01.s02", {pcs::Role::Handler}), ErrorCode::Forbidden, "属地街道");
  sign.action = Action::CoSignHousing;
  refused(c, sign, user("x", "c02.housing", {pcs::Role::Dispatcher}), ErrorCode::Forbidden,
          "属地县（区）住建");
  refused(c, cmd(Action::Approve, 1), cityReviewer(), ErrorCode::Conflict, "不能审核通过");
}

TEST_CASE("workflow: dispatch stays inside the owner's reach") {
  pcs::Case c = registered();
  refused(c, dispatchTo({}), countyDispatcher(), ErrorCode::InvalidInput, "至少需要一个");
  refused(c, dispatchTo({"c02.police"}), countyDispatcher(), ErrorCode::InvalidInput, "分转范围");
  refused(c, dispatchTo({"city.police"}), countyDispatcher(), ErrorCode::InvalidInput, "分转范围");
  refused(c, dispatchTo({"c01.nowhere"}), countyDispatcher(), ErrorCode::InvalidInput, "不存在");
  refused(c, dispatchTo({"c01.discipline"}), countyDispatcher(), ErrorCode::InvalidInput,
          "不是承办单位");
  refused(c, dispatchTo({"c01.s01", "c01.s01"}), countyDispatcher(), ErrorCode::InvalidInput,
          "重复");
  refused(c, dispatchTo({"c01.s01"}), user("x", "c02.housing", {pcs::Role::Dispatcher}),
          ErrorCode::Forbidden, "负责该案件");
  // The community of the estate is in reach, and so is any same-level department.
  pcs::apply(c, dispatchTo({"c01.s01.m01", "c01.fire_rescue"}), countyDispatcher(),
             at(kMonday + kHour));
  refused(c, dispatchTo({"c01.fire_rescue"}), countyDispatcher(), ErrorCode::Conflict, "已在承办");
}

TEST_CASE("workflow: a return goes back to the dispatcher with its reason and is counted") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.police"}), countyDispatcher(), at(kMonday + kHour));
  refused(c, cmd(Action::Return, 1), policeHandler(), ErrorCode::InvalidInput, "必须说明理由");
  pcs::Command ret = cmd(Action::Return, 1);
  ret.reason = "不属于治安管理事项，应由街道办理";
  pcs::apply(c, ret, policeHandler(), at(kMonday + 2 * kHour));
  CHECK(c.state == CaseState::Registered);
  CHECK(c.returns == 1);
  CHECK(c.assignments[0].returnReason == ret.reason);
  CHECK(c.events.back().reason == ret.reason);
  CHECK(c.events.back().detail.find("东湖区住房和城乡建设局") != std::string::npos);
  // The dispatcher sends it on; the returned unit can be asked again, and a second return shows.
  pcs::apply(c, dispatchTo({"c01.s01", "c01.police"}), countyDispatcher(), at(kMonday + 3 * kHour));
  ret.assignmentId = 3;
  pcs::apply(c, ret, policeHandler(), at(kMonday + 4 * kHour));
  CHECK(c.returns == 2);
  CHECK(c.state == CaseState::Dispatched);
}

TEST_CASE("workflow: a rejected review sends the case back to the handler with the reason") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.police"}), countyDispatcher(), at(kMonday + kHour));
  pcs::apply(c, cmd(Action::Accept, 1), policeHandler(), at(kMonday + kHour));
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已处理";
  pcs::apply(c, resolve, policeHandler(), at(kMonday + kDay));
  pcs::apply(c, cmd(Action::SubmitReview, 1), policeHandler(), at(kMonday + kDay));
  refused(c, cmd(Action::Approve, 1), cityReviewer(), ErrorCode::Forbidden, "市级相关部门");
  refused(c, cmd(Action::Reject, 1), cityPoliceReviewer(), ErrorCode::InvalidInput, "理由");
  pcs::Command reject = cmd(Action::Reject, 1);
  reject.reason = "答复过于简单，未说明处理依据";
  pcs::apply(c, reject, cityPoliceReviewer(), at(kMonday + 2 * kDay));
  CHECK(c.assignments[0].state == AssignmentState::Accepted);
  CHECK(c.assignments[0].rejectReason == reject.reason);
  CHECK(c.state == CaseState::InProgress);
}

TEST_CASE("workflow: a major case files a plan in T5 and reports monthly (T6)") {
  pcs::Case c = registered();
  pcs::Command d = dispatchTo({"c01.s01"});
  d.major = true;
  pcs::apply(c, d, countyDispatcher(), at(kMonday + kHour));
  CHECK(c.assignments[0].resolveDue->ruleId == "T4");
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-04-03");
  CHECK(c.assignments[0].planDue->due.toString() == "2025-03-10");
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + kHour));
  pcs::Command plan = cmd(Action::SubmitPlan, 1);
  refused(c, plan, streetHandler(), ErrorCode::InvalidInput, "时间节点");
  plan.plan = {{*pcs::Date::parse("2025-05-30"), "完成外墙修缮"},
               {*pcs::Date::parse("2025-04-15"), "确定施工单位"}};
  pcs::apply(c, plan, streetHandler(), at(kMonday + 2 * kDay));
  CHECK(c.assignments[0].state == AssignmentState::PlanSubmitted);
  CHECK(c.assignments[0].plan.front().text == "确定施工单位");          // kept in date order
  CHECK(c.assignments[0].progressDue->due.toString() == "2025-04-07");  // 03-05 + 1 month
  pcs::Command report = cmd(Action::ReportProgress, 1);
  report.text = "已确定施工单位，下周进场";
  pcs::apply(c, report, streetHandler(), at(*pcs::parseCst("2025-04-03 10:00")));
  CHECK(c.assignments[0].progressReports == 1);
  CHECK(c.assignments[0].progressDue->due.toString() == "2025-05-06");  // 05-03 is a holiday
}

TEST_CASE("workflow: suspension and extension need the unit head's approval") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), at(kMonday + kHour));
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + kHour));
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-10");

  pcs::Command pause = cmd(Action::RequestSuspension, 1);
  pause.reason = "等待司法鉴定结果";
  pause.from = *pcs::Date::parse("2025-03-05");
  pause.to = *pcs::Date::parse("2025-03-08");
  pcs::apply(c, pause, streetHandler(), at(kMonday + kDay));
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-10");  // not yet approved
  refused(c, cmd(Action::ApproveSuspension, 1), streetHandler(), ErrorCode::Forbidden,
          "单位负责人");
  pcs::apply(c, cmd(Action::ApproveSuspension, 1), streetHead(), at(kMonday + kDay));
  // 03-03 + 7 days with 03-05..03-07 not counted: 03-13.
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-13");

  pcs::Command ext = cmd(Action::RequestExtension, 1);
  ext.reason = "需协调多个部门";
  ext.days = 100;
  refused(c, ext, streetHandler(), ErrorCode::InvalidInput, "1至90");
  ext.days = 5;
  pcs::apply(c, ext, streetHandler(), at(kMonday + kDay));
  pcs::apply(c, cmd(Action::ApproveExtension, 1), streetHead(), at(kMonday + kDay));
  CHECK(c.assignments[0].extensionDays == 5);
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-18");
  refused(c, cmd(Action::ApproveExtension, 1), streetHead(), ErrorCode::Conflict, "没有待批准");
}

TEST_CASE("workflow: penalty clocks T7 and T8, extended once by T9") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.urban_management"}), countyDispatcher(), at(kMonday));
  pcs::Actor officer = user("u-cg", "c01.urban_management", {pcs::Role::Handler});
  pcs::Actor head = user("u-cgh", "c01.urban_management", {pcs::Role::UnitHead});
  pcs::apply(c, cmd(Action::Accept, 1), officer, at(kMonday));
  pcs::Command open = cmd(Action::OpenPenalty, 1);
  open.from = *pcs::Date::parse("2025-03-03");
  pcs::apply(c, open, officer, at(kMonday + kHour));
  const pcs::PenaltyClock& p = *c.assignments[0].penalty;
  CHECK(p.verifyDue->due.toString() == "2025-03-24");
  CHECK(p.decideDue->due.toString() == "2025-06-03");
  pcs::Command extend = cmd(Action::ExtendPenalty, 1);
  extend.reason = "案情复杂，需补充调查取证";
  refused(c, extend, officer, ErrorCode::Forbidden, "单位负责人");
  pcs::apply(c, extend, head, at(kMonday + 80 * kDay));
  CHECK(c.assignments[0].penalty->decideDue->ruleId == "T9");
  CHECK(c.assignments[0].penalty->decideDue->due.toString() == "2025-07-03");
  refused(c, extend, head, ErrorCode::Conflict, "只能延长一次");
  // Regression: a lead without its discovery date is refused, not dated 1970-01-01.
  pcs::Case other = registered();
  pcs::apply(other, dispatchTo({"c01.urban_management"}), countyDispatcher(), at(kMonday));
  pcs::apply(other, cmd(Action::Accept, 1), officer, at(kMonday));
  refused(other, cmd(Action::OpenPenalty, 1), officer, ErrorCode::InvalidInput, "发现线索");
  pcs::Command decide = cmd(Action::DecidePenalty, 1);
  decide.text = "责令限期改正，罚款人民币五千元";
  pcs::apply(c, decide, officer, at(kMonday + 100 * kDay));
  CHECK(c.assignments[0].penalty->outcome == decide.text);
}

TEST_CASE("workflow: 12345 cases record the call-back result") {
  pcs::Case c = newCase();
  c.channel = pcs::Channel::Hotline12345;
  c.externalRef = "GD20250303001";
  pcs::registerCase(c, countyClerk(), at(kMonday));
  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), at(kMonday));
  pcs::Actor hotline = user("u-12345", "c01.hotline_12345", {pcs::Role::Handler});
  pcs::Command sat = cmd(Action::RecordSatisfaction);
  sat.satisfaction = pcs::Satisfaction::Unsatisfied;
  refused(c, sat, hotline, ErrorCode::Conflict, "尚未办结");
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday));
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已处理";
  pcs::apply(c, resolve, streetHandler(), at(kMonday + kDay));
  refused(c, sat, streetHandler(), ErrorCode::Forbidden, "12345");
  pcs::apply(c, sat, hotline, at(kMonday + 2 * kDay));
  CHECK(c.satisfaction == pcs::Satisfaction::Unsatisfied);
  CHECK(c.events.back().detail.find("不满意") != std::string::npos);
}

TEST_CASE("workflow: city intake is pushed to the county of the estate") {
  pcs::Case c = newCase();
  pcs::registerCase(c, user("u-cclerk", "city.housing", {pcs::Role::IntakeClerk}), at(kMonday));
  CHECK(c.ownerUnitId == "city.housing");
  refused(c, cmd(Action::PushToCounty), countyDispatcher(), ErrorCode::Forbidden, "市级");
  pcs::apply(c, cmd(Action::PushToCounty), cityDispatcher(), at(kMonday + kHour));
  CHECK(c.ownerUnitId == "c01.housing");
  // Now the county dispatches it; the city housing still may (it supervises everything).
  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), at(kMonday + 2 * kHour));
  CHECK(c.state == CaseState::Dispatched);
}

TEST_CASE("workflow: reopen and merge") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.police"}), countyDispatcher(), at(kMonday));
  pcs::apply(c, cmd(Action::Accept, 1), policeHandler(), at(kMonday));
  pcs::Command resolve = cmd(Action::Resolve, 1);
  resolve.substantiated = true;
  resolve.text = "已处理";
  pcs::apply(c, resolve, policeHandler(), at(kMonday));
  refused(c, cmd(Action::Reopen), countyDispatcher(), ErrorCode::Conflict, "已销号");
  pcs::apply(c, cmd(Action::SubmitReview, 1), policeHandler(), at(kMonday));
  pcs::apply(c, cmd(Action::Approve, 1), cityPoliceReviewer(), at(kMonday + kDay));
  REQUIRE(c.state == CaseState::Closed);
  refused(c, cmd(Action::Reopen), countyDispatcher(), ErrorCode::InvalidInput, "理由");
  pcs::Command reopen = cmd(Action::Reopen);
  reopen.reason = "投诉人反映问题复发";
  pcs::apply(c, reopen, countyDispatcher(), at(kMonday + 2 * kDay));
  CHECK(c.state == CaseState::InProgress);
  CHECK(c.reopens == 1);
  CHECK(c.closedAt == 0);
  CHECK(c.assignments[0].state == AssignmentState::Accepted);

  pcs::Case dup = registered();
  dup.id = "2025-000002";
  pcs::Command merge = cmd(Action::Merge);
  merge.reason = "同一投诉人就同一问题重复投诉";
  merge.targetCaseId = dup.id;
  refused(dup, merge, countyDispatcher(), ErrorCode::InvalidInput, "另一个案件");
  merge.targetCaseId = c.id;
  pcs::apply(dup, merge, countyDispatcher(), at(kMonday + 2 * kDay));
  CHECK(dup.state == CaseState::Merged);
  pcs::recordMergedInto(c, dup, countyDispatcher(), at(kMonday + 2 * kDay));
  CHECK(c.mergedFrom == std::vector<std::string>{"2025-000002"});
  refused(dup, dispatchTo({"c01.s01"}), countyDispatcher(), ErrorCode::Conflict, "合并");
}

TEST_CASE("workflow: available actions are exactly what the actor may do now") {
  pcs::Case c = registered();
  auto now = at(kMonday + kHour);
  CHECK(offers(pcs::availableActions(c, countyDispatcher(), now), Action::Dispatch));
  CHECK(offers(pcs::availableActions(c, countyDispatcher(), now), Action::MarkUrgent));
  CHECK_FALSE(offers(pcs::availableActions(c, countyDispatcher(), now), Action::Reopen));
  CHECK(pcs::availableActions(c, discipline(), now).empty());
  CHECK(pcs::availableActions(c, policeHandler(), now).empty());

  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), now);
  auto street = pcs::availableActions(c, streetHandler(), now);
  CHECK(offers(street, Action::Accept, 1));
  CHECK(offers(street, Action::Return, 1));
  CHECK_FALSE(offers(street, Action::Resolve, 1));
  CHECK(pcs::availableActions(c, discipline(), now).empty());
  // Asking must not change the case.
  CHECK(c.events.size() == 2);
}

TEST_CASE("workflow: the transition table documents every action") {
  for (const pcs::TransitionDoc& t : pcs::transitionTable()) {
    CHECK_FALSE(t.roles.empty());
    CHECK(std::string(pcs::actionZh(t.action)).size() > 0);
    CHECK(pcs::actionFromKey(pcs::actionKey(t.action)) == t.action);
  }
  CHECK(pcs::transitionTable().size() == 27);
}

TEST_CASE("workflow: loading a new calendar recomputes open deadlines and reports each move") {
  pcs::Calendar calendar = pcs::Calendar::builtin();
  pcs::Case c = newCase();
  c.receivedAt = *pcs::parseCst("2026-12-24 09:00");
  pcs::registerCase(c, countyClerk(),
                    {org(), calendar, rules(), *pcs::parseCst("2026-12-24 09:00")});
  CHECK(c.dispatchDue.due.toString() == "2027-01-05");
  CHECK(c.dispatchDue.provisional);
  // A made-up 2027 notice with a three-day New Year break.
  calendar.load(
      pcs::parseArrangement("arrangement 2027\nholiday 2027-01-01 2027-01-03 元旦\n"
                            "holiday 2027-01-04 元旦\n"));
  std::vector<std::string> moved = pcs::recomputeDeadlines(c, calendar, rules());
  CHECK(c.dispatchDue.due.toString() == "2027-01-06");
  CHECK_FALSE(c.dispatchDue.provisional);
  REQUIRE(moved.size() == 1);
  CHECK(moved[0] == "分转 T1: 2027-01-05 -> 2027-01-06");
}

TEST_CASE("workflow: a meeting's decided deadline replaces the rule and survives recomputation") {
  pcs::Case c = registered();
  pcs::apply(c, dispatchTo({"c01.s01"}), countyDispatcher(), at(kMonday + kHour));
  pcs::Command set = cmd(Action::SetDecidedDeadline, 1);
  set.to = *pcs::Date::parse("2025-03-20");
  // The reason (the meeting) is required, and only the city housing office may set it.
  refused(c, set, cityDispatcher(), ErrorCode::InvalidInput, "理由");
  set.reason = "联席会议议定事项1";
  refused(c, set, countyDispatcher(), ErrorCode::Forbidden, "联席会议办公室");
  refused(c, set, streetHead(), ErrorCode::Forbidden, "联席会议办公室");
  pcs::Command past = set;
  past.to = *pcs::Date::parse("2025-03-01");
  refused(c, past, cityDispatcher(), ErrorCode::InvalidInput, "早于今天");

  pcs::apply(c, set, cityDispatcher(), at(kMonday + kDay));
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-20");
  CHECK(c.assignments[0].resolveDue->ruleId == "D");
  CHECK(c.events.back().action == "set_decided_deadline");
  CHECK(c.events.back().detail == "办结时限 2025-03-10 -> 2025-03-20");
  // Later actions recompute deadlines; the meeting's date stays.
  pcs::apply(c, cmd(Action::Accept, 1), streetHandler(), at(kMonday + 2 * kDay));
  CHECK(c.assignments[0].resolveDue->due.toString() == "2025-03-20");
  CHECK(pcs::recomputeDeadlines(c, cal(), rules()).empty());
  // And the record keeps it.
  const pcs::Case back = pcs::fromBinary<pcs::Case>(pcs::toBinary(c));
  CHECK(back.assignments[0].decidedDue == c.assignments[0].decidedDue);
}
