// The case workflow: permissions, transitions, deadlines and the event log.
//
// Sections: names | permission helpers | deadlines | registration | transitions |
//           available actions | transition table
#include "pcs/workflow.h"

#include <algorithm>

#include "name_table.h"
#include "pcs/error.h"
#include "pcs/text_check.h"
#include "pcs/utf8.h"

namespace pcs {

// ---- names ----------------------------------------------------------------------------------

namespace {

const EnumName<Action> kActionNames[] = {
    {Action::Register, "register", "受理登记"},
    {Action::MarkUrgent, "mark_urgent", "标记紧急"},
    {Action::ReportUrgent, "report_urgent", "报告党委政府"},
    {Action::PushToCounty, "push_to_county", "推送县（区）"},
    {Action::Dispatch, "dispatch", "分转"},
    {Action::Accept, "accept", "签收"},
    {Action::Return, "return", "退回"},
    {Action::SubmitPlan, "submit_plan", "报送解决方案"},
    {Action::ReportProgress, "report_progress", "反馈进展"},
    {Action::Resolve, "resolve", "办结答复"},
    {Action::CoSignStreet, "co_sign_street", "街道（社区）签署办结意见"},
    {Action::CoSignHousing, "co_sign_housing", "住建部门签署办结意见"},
    {Action::SubmitReview, "submit_review", "提交审核"},
    {Action::Approve, "approve", "审核通过并销号"},
    {Action::Reject, "reject", "审核退回"},
    {Action::RecordSatisfaction, "record_satisfaction", "登记回访结果"},
    {Action::Reopen, "reopen", "重新办理"},
    {Action::Merge, "merge", "合并重复件"},
    {Action::RequestSuspension, "request_suspension", "申请暂停计时"},
    {Action::ApproveSuspension, "approve_suspension", "批准暂停计时"},
    {Action::RequestExtension, "request_extension", "申请延期"},
    {Action::ApproveExtension, "approve_extension", "批准延期"},
    {Action::OpenPenalty, "open_penalty", "立处罚线索"},
    {Action::VerifyPenalty, "verify_penalty", "完成核查"},
    {Action::ExtendPenalty, "extend_penalty", "批准延长处罚期限"},
    {Action::DecidePenalty, "decide_penalty", "作出处罚决定"},
    {Action::SetDecidedDeadline, "set_decided_deadline", "按会议议定调整时限"},
};

}  // namespace

const char* actionKey(Action a) {
  return enumKey<Action>(kActionNames, a);
}
const char* actionZh(Action a) {
  return enumZh<Action>(kActionNames, a);
}
std::optional<Action> actionFromKey(std::string_view key) {
  return enumFromKey<Action>(kActionNames, key);
}

const char* roleKey(Role r) {
  switch (r) {
    case Role::IntakeClerk:
      return "intake_clerk";
    case Role::Dispatcher:
      return "dispatcher";
    case Role::Handler:
      return "handler";
    case Role::Reviewer:
      return "reviewer";
    case Role::UnitHead:
      return "unit_head";
    case Role::Oversight:
      return "oversight";
    case Role::Admin:
      return "admin";
  }
  return "";
}

const char* roleZh(Role r) {
  switch (r) {
    case Role::IntakeClerk:
      return "受理登记员";
    case Role::Dispatcher:
      return "分转员";
    case Role::Handler:
      return "承办人";
    case Role::Reviewer:
      return "审核人";
    case Role::UnitHead:
      return "单位负责人";
    case Role::Oversight:
      return "监督（只读）";
    case Role::Admin:
      return "系统管理员";
  }
  return "";
}

std::optional<Role> roleFromKey(std::string_view key) {
  for (Role r : {Role::IntakeClerk, Role::Dispatcher, Role::Handler, Role::Reviewer, Role::UnitHead,
                 Role::Oversight, Role::Admin})
    if (key == roleKey(r)) return r;
  return std::nullopt;
}

bool Actor::has(Role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

// ---- permission helpers -----------------------------------------------------------------------

namespace {

// Limits on free text, generous for real use and small enough to refuse abuse.
constexpr size_t kMaxContentBytes = 20000;
constexpr size_t kMaxReasonBytes = 4000;
constexpr int kMaxTargets = 14;
constexpr int kMaxExtensionDays = 90;

using refuse::conflict;
using refuse::forbid;
using refuse::invalid;

bool isPropertyAuthority(const OrgUnit& u) {
  return u.kind == UnitKind::Department && u.handler == Handler::Housing &&
         (u.level == OrgLevel::City || u.level == OrgLevel::County);
}

bool isCityHousing(const OrgUnit& u) {
  return isPropertyAuthority(u) && u.level == OrgLevel::City;
}

// Picks the first of `roles` the actor holds, or throws Forbidden naming the roles needed.
Role requireRole(const Actor& actor, std::initializer_list<Role> roles, Action a) {
  for (Role r : roles)
    if (actor.has(r)) return r;
  std::string names;
  for (Role r : roles) names += (names.empty() ? "" : "、") + std::string(roleZh(r));
  forbid(std::string("“") + actionZh(a) + "”需要以下角色之一：" + names);
}

const OrgUnit& actorUnit(const Actor& actor, const WorkflowContext& ctx) {
  const OrgUnit* u = ctx.org.find(actor.unitId);
  if (!u) forbid("用户所在单位不存在：" + actor.unitId);
  if (!u->active) forbid("用户所在单位已停用：" + u->name);
  return *u;
}

// The dispatcher side: the owning property authority, or the city housing authority, which
// supervises every case in the city.
void requireOwnerSide(const Case& c, const OrgUnit& unit, Action a) {
  if (unit.id == c.ownerUnitId || isCityHousing(unit)) return;
  forbid(std::string("“") + actionZh(a) + "”只能由负责该案件的物业主管部门办理");
}

Assignment& requireAssignment(Case& c, int id) {
  Assignment* a = c.assignment(id);
  if (!a) invalid("案件 " + c.id + " 没有承办编号 " + std::to_string(id));
  return *a;
}

void requireAssignedUnit(const Assignment& a, const OrgUnit& unit, Action act) {
  if (a.unitId != unit.id) forbid(std::string("“") + actionZh(act) + "”只能由承办单位办理");
}

void requireState(const Assignment& a, std::initializer_list<AssignmentState> states, Action act) {
  for (AssignmentState s : states)
    if (a.state == s) return;
  conflict(std::string("承办") + std::to_string(a.id) + "当前状态为“" + assignmentStateZh(a.state) +
           "”，不能" + actionZh(act));
}

void requireCaseOpen(const Case& c, Action act) {
  if (c.state == CaseState::Closed || c.state == CaseState::Merged)
    conflict(std::string("案件已") + (c.state == CaseState::Closed ? "销号" : "合并") + "，不能" +
             actionZh(act));
}

void requireReason(const Command& cmd, Action act) {
  if (cmd.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    invalid(std::string("“") + actionZh(act) + "”必须说明理由");
  if (cmd.reason.size() > kMaxReasonBytes) invalid("理由过长（不超过4000字节）");
}

void requireText(const std::string& text, const char* what) {
  text_check::check(text, what, kMaxContentBytes, true);
}

using text_check::isForbiddenControl;
using text_check::trimmed;

// The reviewing unit of an assignment (R8): city housing for the housing side, otherwise the
// city-level counterpart of the handling department.
const OrgUnit* reviewerUnit(const Assignment& a, const WorkflowContext& ctx) {
  if (a.needsCoSign()) {
    for (const OrgUnit* u : ctx.org.all())
      if (isCityHousing(*u) && u->active) return u;
    return nullptr;
  }
  return ctx.org.cityCounterpart(a.unitId);
}

// ---- deadlines --------------------------------------------------------------------------------

Rule extended(const Rule& r, int extraDays) {
  Rule copy = r;
  copy.amount += extraDays;
  return copy;
}

bool sameDeadline(const std::optional<Deadline>& a, const std::optional<Deadline>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->due == b->due && a->provisional == b->provisional);
}

void note(std::vector<std::string>& out, const std::string& what,
          const std::optional<Deadline>& before, const std::optional<Deadline>& after) {
  if (sameDeadline(before, after)) return;
  out.push_back(what + ": " + (before ? before->due.toString() : "-") + " -> " +
                (after ? after->due.toString() : "-"));
}

}  // namespace

std::vector<std::string> recomputeDeadlines(Case& c, const Calendar& cal, const RuleSet& rules) {
  std::vector<std::string> changes;

  const std::optional<Deadline> oldDispatch = c.dispatchDue;
  c.dispatchDue = computeDeadline(rules.get(c.urgent ? "T2" : "T1"), cstDate(c.registeredAt), cal);
  if (c.urgent) {
    // Counted in hours: the due date is the CST date of the due instant.
    c.dispatchDueAt = computeDueInstant(rules.get("T2"), c.registeredAt);
    c.dispatchDue.due = cstDate(c.dispatchDueAt);
  }
  note(changes, "分转 " + c.dispatchDue.ruleId, oldDispatch, c.dispatchDue);

  for (Assignment& a : c.assignments) {
    const std::string label = "承办" + std::to_string(a.id) + " ";
    const Date received = cstDate(a.dispatchedAt);

    const std::optional<Deadline> oldResolve = a.resolveDue;
    const Rule& resolveRule = rules.get(c.major ? "T4" : "T3");
    a.resolveDue =
        computeDeadline(extended(resolveRule, a.extensionDays), received, cal, a.suspensions);
    if (a.decidedDue) {
      // A meeting's date is final: no rule, extension or pause moves it.
      a.resolveDue->ruleId = "D";
      a.resolveDue->due = *a.decidedDue;
      a.resolveDue->provisional = false;
      a.resolveDue->explanation = "联席会议议定时限";
    }
    note(changes, label + (a.decidedDue ? std::string("D") : resolveRule.id), oldResolve,
         a.resolveDue);

    const std::optional<Deadline> oldPlan = a.planDue;
    a.planDue.reset();
    if (c.major) a.planDue = computeDeadline(rules.get("T5"), received, cal, a.suspensions);
    note(changes, label + "T5", oldPlan, a.planDue);

    const std::optional<Deadline> oldProgress = a.progressDue;
    a.progressDue.reset();
    if (a.state == AssignmentState::PlanSubmitted && a.lastProgressAt)
      a.progressDue = computeDeadline(rules.get("T6"), cstDate(a.lastProgressAt), cal);
    note(changes, label + "T6", oldProgress, a.progressDue);

    if (a.penalty && a.penalty->lawReference.empty()) {
      PenaltyClock& p = *a.penalty;
      const std::optional<Deadline> oldVerify = p.verifyDue, oldDecide = p.decideDue;
      p.verifyDue = computeDeadline(rules.get("T7"), p.discoveredOn, cal);
      p.decideDue = computeDeadline(rules.get("T8"), p.discoveredOn, cal);
      if (p.extended) p.decideDue = computeDeadline(rules.get("T9"), p.decideDue->due, cal);
      note(changes, label + "T7", oldVerify, p.verifyDue);
      note(changes, label + (p.extended ? "T9" : "T8"), oldDecide, p.decideDue);
    }
  }
  return changes;
}

namespace {

// The case's state follows from its live assignments, except the terminal ones.
void deriveCaseState(Case& c, int64_t now) {
  if (c.state == CaseState::Merged) return;
  std::vector<const Assignment*> live;
  for (const Assignment& a : c.assignments)
    if (a.live()) live.push_back(&a);
  auto all = [&](std::initializer_list<AssignmentState> states) {
    return std::all_of(live.begin(), live.end(), [&](const Assignment* a) {
      return std::find(states.begin(), states.end(), a->state) != states.end();
    });
  };
  CaseState next;
  if (live.empty())
    next = CaseState::Registered;
  else if (all({AssignmentState::Closed}))
    next = CaseState::Closed;
  else if (all({AssignmentState::UnderReview, AssignmentState::Closed}))
    next = CaseState::UnderReview;
  else if (all({AssignmentState::Resolved, AssignmentState::CoSigned, AssignmentState::UnderReview,
                AssignmentState::Closed}))
    next = CaseState::Resolved;
  else if (all({AssignmentState::Dispatched}))
    next = CaseState::Dispatched;
  else
    next = CaseState::InProgress;
  if (next == CaseState::Closed && c.state != CaseState::Closed) c.closedAt = now;
  if (next != CaseState::Closed) c.closedAt = 0;
  c.state = next;
}

Event& appendEvent(Case& c, const Actor& actor, Role role, Action action,
                   const WorkflowContext& ctx, int assignmentId, std::string from, std::string to,
                   std::string reason, std::string detail) {
  Event e;
  e.seq = static_cast<int>(c.events.size()) + 1;
  e.at = ctx.now;
  e.userId = actor.userId;
  e.unitId = actor.unitId;
  e.role = roleKey(role);
  e.action = actionKey(action);
  e.assignmentId = assignmentId;
  e.fromState = std::move(from);
  e.toState = std::move(to);
  e.reason = std::move(reason);
  e.detail = std::move(detail);
  c.events.push_back(std::move(e));
  return c.events.back();
}

}  // namespace

// ---- registration -----------------------------------------------------------------------------

void registerCase(Case& c, const Actor& actor, const WorkflowContext& ctx) {
  const Role role = requireRole(actor, {Role::IntakeClerk, Role::Dispatcher}, Action::Register);
  const OrgUnit& unit = actorUnit(actor, ctx);
  if (!isPropertyAuthority(unit)) forbid("只有市、县（区）物业主管部门可以受理登记投诉");

  requireText(c.content, "投诉内容");
  c.complainant.name = trimmed(c.complainant.name);
  c.complainant.contact = trimmed(c.complainant.contact);
  for (const std::string* field : {&c.complainant.name, &c.complainant.contact, &c.location})
    for (size_t pos = 0; pos < field->size();)
      if (isForbiddenControl(utf8::decodeNext(*field, pos)))
        invalid("投诉人信息或地点含有控制字符，请删除后重试");
  if (c.complainant.name.empty() && c.complainant.contact.empty())
    invalid("投诉人姓名和联系方式至少填写一项");
  if (c.complainant.name.size() > 200 || c.complainant.contact.size() > 200)
    invalid("投诉人姓名或联系方式过长");
  if (c.location.size() > 1000) invalid("投诉地点过长");
  if (c.receivedAt <= 0) invalid("必须填写投诉时间");
  if (cstDate(c.receivedAt).year() < 2000)
    invalid("投诉时间 " + formatCst(c.receivedAt) + " 早于2000年，请检查");
  // A complaint cannot arrive in the future; a few minutes of clock skew are tolerated.
  constexpr int64_t kClockSkew = 10 * 60;
  if (c.receivedAt > ctx.now + kClockSkew)
    invalid("投诉时间晚于当前时间：" + formatCst(c.receivedAt));
  if (c.urgent) requireText(c.urgentReason, "紧急原因");
  if (!c.countyId.empty()) {
    const OrgUnit* county = ctx.org.find(c.countyId);
    if (!county || county->kind != UnitKind::Area || county->level != OrgLevel::County)
      invalid("所属县（区）不存在：" + c.countyId);
    if (unit.level == OrgLevel::County && !ctx.org.within(c.countyId, unit.parentId))
      forbid("县（区）物业主管部门只能登记本辖区的投诉");
  }

  c.registeredAt = ctx.now;
  c.intakeUnitId = unit.id;
  c.ownerUnitId = unit.id;
  c.state = CaseState::Registered;
  c.events.clear();
  c.assignments.clear();
  recomputeDeadlines(c, ctx.cal, ctx.rules);
  appendEvent(
      c, actor, role, Action::Register, ctx, 0, "", caseStateKey(c.state), "",
      std::string("渠道：") + channelZh(c.channel) + (c.urgent ? "；紧急：" + c.urgentReason : ""));
}

// ---- transitions ------------------------------------------------------------------------------

namespace {

void dispatch(Case& c, const Command& cmd, const Actor& actor, Role role, const OrgUnit& unit,
              const WorkflowContext& ctx) {
  requireCaseOpen(c, Action::Dispatch);
  if (cmd.targets.empty()) invalid("分转至少需要一个承办单位");
  if (static_cast<int>(cmd.targets.size()) > kMaxTargets) invalid("一次分转的承办单位过多");
  const OrgUnit& owner = ctx.org.get(c.ownerUnitId);
  const OrgUnit& ownerArea = ctx.org.areaOf(owner.id);

  // Validate every target before changing anything.
  std::vector<const OrgUnit*> units;
  for (const DispatchTarget& t : cmd.targets) {
    const OrgUnit* u = ctx.org.find(t.unitId);
    if (!u || !u->active) invalid("承办单位不存在或已停用：" + t.unitId);
    if (!u->handler) invalid(u->name + " 不是承办单位");
    // Same-level departments, or a lower housing authority / street office / community
    // inside the owner's area (R4).
    const bool sameLevelDept = u->kind == UnitKind::Department && u->parentId == ownerArea.id;
    const bool lowerHousing =
        isPropertyAuthority(*u) && u->level > owner.level && ctx.org.within(u->id, ownerArea.id);
    const bool lowerArea = u->kind == UnitKind::Area && u->level > ownerArea.level &&
                           ctx.org.within(u->id, ownerArea.id);
    if (!sameLevelDept && !lowerHousing && !lowerArea)
      invalid(u->name + " 不在" + owner.name + "的分转范围内（同级部门或下级住建、街道、社区）");
    if (u->id == owner.id) invalid("不能分转给本单位");
    for (const Assignment& a : c.assignments)
      if (a.unitId == u->id && a.live() && a.state != AssignmentState::Closed)
        conflict(u->name + " 已在承办本案件");
    for (const OrgUnit* seen : units)
      if (seen == u) invalid(u->name + " 重复");
    units.push_back(u);
  }

  std::string detail;
  if (cmd.major) c.major = true;
  for (size_t i = 0; i < units.size(); ++i) {
    Assignment a;
    a.id = static_cast<int>(c.assignments.size()) + 1;
    a.handler = *units[i]->handler;
    a.unitId = units[i]->id;
    a.catalogueCodes = cmd.targets[i].catalogueCodes;
    a.dispatchedAt = ctx.now;
    for (const std::string& code : a.catalogueCodes)
      if (std::find(c.categories.begin(), c.categories.end(), code) == c.categories.end())
        c.categories.push_back(code);
    c.assignments.push_back(a);
    detail += (detail.empty() ? "" : "、") + units[i]->name;
  }
  if (!c.dispatchedAt) c.dispatchedAt = ctx.now;
  const std::string before = caseStateKey(c.state);
  recomputeDeadlines(c, ctx.cal, ctx.rules);
  deriveCaseState(c, ctx.now);
  appendEvent(c, actor, role, Action::Dispatch, ctx, 0, before, caseStateKey(c.state), cmd.reason,
              "分转至：" + detail + (c.major ? "（重大复杂问题）" : ""));
}

}  // namespace

void apply(Case& c, const Command& cmd, const Actor& actor, const WorkflowContext& ctx) {
  const Action act = cmd.action;
  if (act == Action::Register) conflict("登记请使用受理登记");
  if (actor.has(Role::Oversight) && actor.roles.size() == 1) forbid("监督单位只能查看，不能办理");
  const OrgUnit& unit = actorUnit(actor, ctx);
  const std::string caseBefore = caseStateKey(c.state);

  // Case-level actions of the dispatching side.
  switch (act) {
    case Action::Dispatch: {
      const Role role = requireRole(actor, {Role::Dispatcher}, act);
      requireOwnerSide(c, unit, act);
      dispatch(c, cmd, actor, role, unit, ctx);
      return;
    }
    case Action::MarkUrgent: {
      const Role role = requireRole(actor, {Role::Dispatcher, Role::IntakeClerk}, act);
      requireOwnerSide(c, unit, act);
      requireCaseOpen(c, act);
      if (c.urgent) conflict("案件已标记为紧急");
      requireReason(cmd, act);
      c.urgent = true;
      c.urgentReason = cmd.reason;
      recomputeDeadlines(c, ctx.cal, ctx.rules);
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseBefore, cmd.reason, "");
      return;
    }
    case Action::ReportUrgent: {
      const Role role = requireRole(actor, {Role::Dispatcher, Role::UnitHead}, act);
      requireOwnerSide(c, unit, act);
      if (!c.urgent) conflict("只有紧急案件需要报告同级党委、政府");
      if (c.reportedUrgentAt) conflict("已报告同级党委、政府");
      c.reportedUrgentAt = ctx.now;
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseBefore, cmd.reason,
                  cmd.text.empty() ? "已报告同级党委、政府" : cmd.text);
      return;
    }
    case Action::PushToCounty: {
      const Role role = requireRole(actor, {Role::Dispatcher}, act);
      if (!isCityHousing(unit) || c.ownerUnitId != unit.id)
        forbid("只有市级物业主管部门可以将本级受理的案件推送县（区）");
      requireCaseOpen(c, act);
      if (c.state != CaseState::Registered) conflict("已分转的案件不能再推送县（区）");
      if (c.countyId.empty()) invalid("案件未填写所属县（区），无法推送");
      const OrgUnit* county = ctx.org.handlerUnit(c.countyId, Handler::Housing);
      if (!county) invalid("该县（区）没有物业主管部门：" + c.countyId);
      c.ownerUnitId = county->id;
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseBefore, cmd.reason,
                  "推送至：" + county->name);
      return;
    }
    case Action::Reopen: {
      const Role role = requireRole(actor, {Role::Dispatcher, Role::Reviewer}, act);
      requireOwnerSide(c, unit, act);
      if (c.state != CaseState::Closed) conflict("只有已销号的案件可以重新办理");
      requireReason(cmd, act);
      for (Assignment& a : c.assignments)
        if (a.state == AssignmentState::Closed) {
          a.state = AssignmentState::Accepted;
          a.closedAt = 0;
          a.coSignStreet.reset();
          a.coSignHousing.reset();
        }
      ++c.reopens;
      c.satisfaction.reset();
      deriveCaseState(c, ctx.now);
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseStateKey(c.state), cmd.reason, "");
      return;
    }
    case Action::Merge: {
      const Role role = requireRole(actor, {Role::Dispatcher}, act);
      requireOwnerSide(c, unit, act);
      requireCaseOpen(c, act);
      requireReason(cmd, act);
      if (cmd.targetCaseId.empty() || cmd.targetCaseId == c.id)
        invalid("请指定要合并到的另一个案件");
      c.mergedInto = cmd.targetCaseId;
      c.state = CaseState::Merged;
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseStateKey(c.state), cmd.reason,
                  "合并至：" + cmd.targetCaseId);
      return;
    }
    case Action::RecordSatisfaction: {
      const Role role = requireRole(actor, {Role::Handler, Role::Reviewer, Role::Dispatcher}, act);
      if (unit.handler != Handler::Hotline12345) forbid("回访结果由12345热线登记");
      if (c.channel != Channel::Hotline12345) conflict("只有12345转办的案件登记回访结果");
      if (c.state != CaseState::Resolved && c.state != CaseState::UnderReview &&
          c.state != CaseState::Closed)
        conflict("案件尚未办结答复，不能回访");
      if (!cmd.satisfaction) invalid("请选择回访结果");
      c.satisfaction = cmd.satisfaction;
      appendEvent(c, actor, role, act, ctx, 0, caseBefore, caseBefore, cmd.reason,
                  std::string("回访结果：") + satisfactionZh(*cmd.satisfaction));
      return;
    }
    default:
      break;
  }

  // Assignment-level actions.
  requireCaseOpen(c, act);
  Assignment& a = requireAssignment(c, cmd.assignmentId);
  const std::string before = assignmentStateKey(a.state);
  std::string detail;
  Role role = Role::Handler;

  switch (act) {
    case Action::Accept:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Dispatched}, act);
      a.state = AssignmentState::Accepted;
      a.acceptedAt = ctx.now;
      break;

    case Action::Return:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Dispatched, AssignmentState::Accepted}, act);
      requireReason(cmd, act);
      a.state = AssignmentState::Returned;
      a.returnReason = cmd.reason;
      ++c.returns;
      detail = "退回" + ctx.org.get(c.ownerUnitId).name;
      break;

    case Action::SubmitPlan: {
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Accepted}, act);
      if (cmd.plan.empty()) invalid("解决方案至少需要一个时间节点");
      if (cmd.plan.size() > 50) invalid("解决方案的时间节点过多");
      for (const PlanMilestone& m : cmd.plan) {
        requireText(m.text, "时间节点的内容");
        if (m.due < cstDate(ctx.now)) invalid("时间节点 " + m.due.toString() + " 早于今天");
      }
      a.plan = cmd.plan;
      std::sort(a.plan.begin(), a.plan.end(),
                [](const PlanMilestone& x, const PlanMilestone& y) { return x.due < y.due; });
      a.state = AssignmentState::PlanSubmitted;
      a.lastProgressAt = ctx.now;
      c.major = true;
      detail = "解决方案：" + std::to_string(a.plan.size()) + "个时间节点，最后 " +
               a.plan.back().due.toString();
      break;
    }

    case Action::ReportProgress:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::PlanSubmitted}, act);
      requireText(cmd.text, "进展情况");
      ++a.progressReports;
      a.lastProgressAt = ctx.now;
      detail = cmd.text;
      break;

    case Action::Resolve:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Accepted, AssignmentState::PlanSubmitted}, act);
      if (!cmd.substantiated) invalid("办结时必须认定投诉是否属实");
      requireText(cmd.text, "答复投诉人的办理结果");
      a.substantiated = cmd.substantiated;
      a.answer = cmd.text;
      a.resolvedAt = ctx.now;
      a.rejectReason.clear();
      a.state = AssignmentState::Resolved;
      detail = std::string(*cmd.substantiated ? "属实" : "不属实") + "；" + cmd.text;
      break;

    case Action::CoSignStreet: {
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      if (!a.needsCoSign()) conflict("转办其他部门的案件不需要会签");
      requireState(a, {AssignmentState::Resolved}, act);
      const bool street = unit.kind == UnitKind::Area && unit.level == OrgLevel::Street &&
                          !c.streetId.empty() && unit.id == c.streetId;
      const bool community = unit.kind == UnitKind::Area && unit.level == OrgLevel::Community &&
                             !c.communityId.empty() && unit.id == c.communityId;
      if (!street && !community) forbid("办结意见由属地街道办（乡镇）或其委托的社区签署");
      if (a.coSignStreet) conflict("属地街道（社区）已签署办结意见");
      requireText(cmd.text, "办结意见");
      a.coSignStreet = Signature{actor.userId, unit.id, ctx.now, cmd.text};
      if (a.coSignHousing) a.state = AssignmentState::CoSigned;
      detail = cmd.text;
      break;
    }

    case Action::CoSignHousing: {
      role = requireRole(actor, {Role::Dispatcher, Role::UnitHead, Role::Reviewer}, act);
      if (!a.needsCoSign()) conflict("转办其他部门的案件不需要会签");
      requireState(a, {AssignmentState::Resolved}, act);
      const OrgUnit* countyHousing =
          c.countyId.empty() ? nullptr : ctx.org.handlerUnit(c.countyId, Handler::Housing);
      if (!countyHousing || unit.id != countyHousing->id)
        forbid("办结意见由属地县（区）住建部门签署");
      if (a.coSignHousing) conflict("县（区）住建部门已签署办结意见");
      requireText(cmd.text, "办结意见");
      a.coSignHousing = Signature{actor.userId, unit.id, ctx.now, cmd.text};
      if (a.coSignStreet) a.state = AssignmentState::CoSigned;
      detail = cmd.text;
      break;
    }

    case Action::SubmitReview:
      if (a.needsCoSign()) {
        role = requireRole(actor, {Role::Dispatcher, Role::UnitHead}, act);
        requireOwnerSide(c, unit, act);
        requireState(a, {AssignmentState::CoSigned}, act);
      } else {
        role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
        requireAssignedUnit(a, unit, act);
        requireState(a, {AssignmentState::Resolved}, act);
      }
      if (!reviewerUnit(a, ctx)) conflict("没有可审核该承办的市级部门");
      a.state = AssignmentState::UnderReview;
      detail = "提交" + reviewerUnit(a, ctx)->name + "审核";
      break;

    case Action::Approve:
    case Action::Reject: {
      role = requireRole(actor, {Role::Reviewer}, act);
      requireState(a, {AssignmentState::UnderReview}, act);
      const OrgUnit* reviewer = reviewerUnit(a, ctx);
      // A city-level department reviews its own assignments too.
      if (!reviewer || unit.id != reviewer->id) forbid("审核由市级住建部门或市级相关部门负责");
      if (act == Action::Approve) {
        a.state = AssignmentState::Closed;
        a.closedAt = ctx.now;
      } else {
        requireReason(cmd, act);
        a.state = AssignmentState::Accepted;
        a.rejectReason = cmd.reason;
        a.coSignStreet.reset();
        a.coSignHousing.reset();
      }
      break;
    }

    case Action::RequestSuspension:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Accepted, AssignmentState::PlanSubmitted}, act);
      requireReason(cmd, act);
      if (!(cmd.from < cmd.to)) invalid("暂停计时的结束日期必须晚于开始日期");
      if (cmd.to - cmd.from > 366) invalid("暂停计时不能超过一年");
      if (a.pendingSuspension) conflict("已有待批准的暂停申请");
      a.pendingSuspension = SuspensionRequest{cmd.from, cmd.to, cmd.reason, actor.userId, ctx.now};
      detail = cmd.from.toString() + " 至 " + cmd.to.addDays(-1).toString();
      break;

    case Action::ApproveSuspension:
      role = requireRole(actor, {Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      if (!a.pendingSuspension) conflict("没有待批准的暂停申请");
      a.suspensions.push_back({a.pendingSuspension->from, a.pendingSuspension->to});
      detail = a.pendingSuspension->from.toString() + " 至 " +
               a.pendingSuspension->to.addDays(-1).toString();
      a.pendingSuspension.reset();
      break;

    case Action::RequestExtension:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Accepted, AssignmentState::PlanSubmitted}, act);
      requireReason(cmd, act);
      if (cmd.days < 1 || cmd.days > kMaxExtensionDays) invalid("延期天数应为1至90");
      if (a.pendingExtension) conflict("已有待批准的延期申请");
      a.pendingExtension = ExtensionRequest{cmd.days, cmd.reason, actor.userId, ctx.now};
      detail = "申请延期" + std::to_string(cmd.days) + "日";
      break;

    case Action::ApproveExtension:
      role = requireRole(actor, {Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      if (!a.pendingExtension) conflict("没有待批准的延期申请");
      a.extensionDays += a.pendingExtension->days;
      detail = "批准延期" + std::to_string(a.pendingExtension->days) + "日";
      a.pendingExtension.reset();
      break;

    case Action::OpenPenalty: {
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireState(a, {AssignmentState::Accepted, AssignmentState::PlanSubmitted}, act);
      if (a.penalty) conflict("该承办已有处罚线索");
      if (cmd.from > cstDate(ctx.now)) invalid("发现线索的日期不能晚于今天");
      // An unset date arrives as 1970-01-01; no lead of this system is that old.
      if (cmd.from.year() < 2000) invalid("请填写发现线索或收到材料的日期");
      PenaltyClock p;
      p.discoveredOn = cmd.from;
      p.lawReference = cmd.text;  // when a law sets its own periods, they are tracked by hand
      a.penalty = p;
      detail = "发现线索：" + cmd.from.toString() + (cmd.text.empty() ? "" : "；依据：" + cmd.text);
      break;
    }

    case Action::VerifyPenalty:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      if (!a.penalty || !a.penalty->outcome.empty()) conflict("没有待核查的处罚线索");
      if (a.penalty->verified) conflict("处罚线索已核查");
      a.penalty->verified = true;
      detail = cmd.text;
      break;

    case Action::ExtendPenalty:
      role = requireRole(actor, {Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      requireReason(cmd, act);
      if (!a.penalty || !a.penalty->outcome.empty()) conflict("没有进行中的处罚线索");
      if (a.penalty->extended) conflict("处罚期限只能延长一次");
      a.penalty->extended = true;
      break;

    case Action::DecidePenalty:
      role = requireRole(actor, {Role::Handler, Role::UnitHead}, act);
      requireAssignedUnit(a, unit, act);
      if (!a.penalty || !a.penalty->outcome.empty()) conflict("没有进行中的处罚线索");
      requireText(cmd.text, "处罚决定");
      a.penalty->outcome = cmd.text;
      a.penalty->decidedAt = ctx.now;
      detail = cmd.text;
      break;

    case Action::SetDecidedDeadline: {
      role = requireRole(actor, {Role::Dispatcher, Role::UnitHead}, act);
      if (!isCityHousing(unit)) forbid("会议议定的时限由联席会议办公室（市级住建部门）调整");
      requireState(
          a,
          {AssignmentState::Dispatched, AssignmentState::Accepted, AssignmentState::PlanSubmitted},
          act);
      requireReason(cmd, act);
      if (cmd.to < cstDate(ctx.now)) invalid("议定时限 " + cmd.to.toString() + " 早于今天");
      const std::string old = a.resolveDue ? a.resolveDue->due.toString() : "-";
      a.decidedDue = cmd.to;
      detail = "办结时限 " + old + " -> " + cmd.to.toString();
      break;
    }

    default:
      conflict(std::string("未知操作：") + actionKey(act));
  }

  recomputeDeadlines(c, ctx.cal, ctx.rules);
  deriveCaseState(c, ctx.now);
  appendEvent(c, actor, role, act, ctx, a.id, before, assignmentStateKey(a.state), cmd.reason,
              detail);
}

void recordMergedInto(Case& target, const Case& duplicate, const Actor& actor,
                      const WorkflowContext& ctx) {
  if (duplicate.mergedInto != target.id)
    conflict("案件 " + duplicate.id + " 未合并到 " + target.id);
  if (std::find(target.mergedFrom.begin(), target.mergedFrom.end(), duplicate.id) ==
      target.mergedFrom.end())
    target.mergedFrom.push_back(duplicate.id);
  const std::string s = caseStateKey(target.state);
  appendEvent(target, actor, Role::Dispatcher, Action::Merge, ctx, 0, s, s, "",
              "合并重复件：" + duplicate.id);
}

// ---- available actions ------------------------------------------------------------------------

std::vector<AvailableAction> availableActions(const Case& c, const Actor& actor,
                                              const WorkflowContext& ctx) {
  // Ask apply() itself on a copy with plausible input, so the list can never disagree with
  // what the server will accept.
  std::vector<AvailableAction> out;
  Command probe;
  probe.reason = "probe";
  probe.text = "probe";
  probe.substantiated = false;
  probe.satisfaction = Satisfaction::Satisfied;
  probe.targetCaseId = c.id + "-other";
  probe.from = cstDate(ctx.now);
  probe.to = probe.from.addDays(1);
  probe.days = 1;
  probe.plan = {{cstDate(ctx.now).addDays(30), "probe"}};

  auto tryOne = [&](Action a, int assignmentId) {
    Case copy = c;
    Command cmd = probe;
    cmd.action = a;
    cmd.assignmentId = assignmentId;
    try {
      apply(copy, cmd, actor, ctx);
      out.push_back({a, assignmentId});
    } catch (const Error& e) {
      // Dispatch needs real targets; it is offered when only the missing targets failed.
      if (a == Action::Dispatch && e.code() == ErrorCode::InvalidInput) out.push_back({a, 0});
    }
  };
  for (Action a : {Action::Dispatch, Action::MarkUrgent, Action::ReportUrgent, Action::PushToCounty,
                   Action::Reopen, Action::Merge, Action::RecordSatisfaction})
    tryOne(a, 0);
  for (const Assignment& as : c.assignments)
    for (Action a :
         {Action::Accept, Action::Return, Action::SubmitPlan, Action::ReportProgress,
          Action::Resolve, Action::CoSignStreet, Action::CoSignHousing, Action::SubmitReview,
          Action::Approve, Action::Reject, Action::RequestSuspension, Action::ApproveSuspension,
          Action::RequestExtension, Action::ApproveExtension, Action::OpenPenalty,
          Action::VerifyPenalty, Action::ExtendPenalty, Action::DecidePenalty})
      tryOne(a, as.id);
  return out;
}

// ---- transition table -------------------------------------------------------------------------

const std::vector<TransitionDoc>& transitionTable() {
  using R = Role;
  static const std::vector<TransitionDoc> table = {
      {Action::Register, {R::IntakeClerk, R::Dispatcher}, "市、县（区）物业主管部门", "-"},
      {Action::MarkUrgent,
       {R::Dispatcher, R::IntakeClerk},
       "负责的物业主管部门或市级住建",
       "未销号"},
      {Action::ReportUrgent,
       {R::Dispatcher, R::UnitHead},
       "负责的物业主管部门或市级住建",
       "紧急案件"},
      {Action::PushToCounty, {R::Dispatcher}, "市级住建（本级受理的案件）", "待分转"},
      {Action::Dispatch, {R::Dispatcher}, "负责的物业主管部门或市级住建", "未销号"},
      {Action::Accept, {R::Handler, R::UnitHead}, "承办单位", "待签收"},
      {Action::Return, {R::Handler, R::UnitHead}, "承办单位", "待签收、办理中"},
      {Action::SubmitPlan, {R::Handler, R::UnitHead}, "承办单位", "办理中"},
      {Action::ReportProgress, {R::Handler, R::UnitHead}, "承办单位", "按方案推进"},
      {Action::Resolve, {R::Handler, R::UnitHead}, "承办单位", "办理中、按方案推进"},
      {Action::CoSignStreet,
       {R::Handler, R::UnitHead},
       "属地街道办（乡镇）或受委托社区",
       "已办结答复"},
      {Action::CoSignHousing,
       {R::Dispatcher, R::UnitHead, R::Reviewer},
       "属地县（区）住建部门",
       "已办结答复"},
      {Action::SubmitReview,
       {R::Dispatcher, R::Handler, R::UnitHead},
       "住建侧：负责的物业主管部门；其他部门：承办单位",
       "已会签 / 已办结答复"},
      {Action::Approve, {R::Reviewer}, "市级住建部门（住建侧）或市级相关部门", "待审核"},
      {Action::Reject, {R::Reviewer}, "市级住建部门（住建侧）或市级相关部门", "待审核"},
      {Action::RecordSatisfaction,
       {R::Handler, R::Reviewer, R::Dispatcher},
       "12345热线",
       "已办结以后"},
      {Action::Reopen, {R::Dispatcher, R::Reviewer}, "负责的物业主管部门或市级住建", "已销号"},
      {Action::Merge, {R::Dispatcher}, "负责的物业主管部门或市级住建", "未销号"},
      {Action::RequestSuspension, {R::Handler, R::UnitHead}, "承办单位", "办理中、按方案推进"},
      {Action::ApproveSuspension, {R::UnitHead}, "承办单位负责人", "有待批准申请"},
      {Action::RequestExtension, {R::Handler, R::UnitHead}, "承办单位", "办理中、按方案推进"},
      {Action::ApproveExtension, {R::UnitHead}, "承办单位负责人", "有待批准申请"},
      {Action::OpenPenalty, {R::Handler, R::UnitHead}, "承办单位", "办理中、按方案推进"},
      {Action::VerifyPenalty, {R::Handler, R::UnitHead}, "承办单位", "处罚线索未核查"},
      {Action::ExtendPenalty, {R::UnitHead}, "承办单位负责人", "处罚未决定，未延长"},
      {Action::DecidePenalty, {R::Handler, R::UnitHead}, "承办单位", "处罚未决定"},
      {Action::SetDecidedDeadline,
       {R::Dispatcher, R::UnitHead},
       "联席会议办公室（市级住建部门）",
       "待签收、办理中、按方案推进"},
  };
  return table;
}

}  // namespace pcs
