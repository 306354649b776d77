// The procedure engine: grade reviews and exit procedures (R11, R12).
//
// Sections: names | checks | steps | opening | actions | available actions | days left
#include "pcs/procedure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "name_table.h"
#include "pcs/error.h"
#include "pcs/text_check.h"
#include "pcs/utf8.h"

namespace pcs {

// ---- names ----------------------------------------------------------------------------------

namespace {

const EnumName<ProcedureAction> kActionNames[] = {
    {ProcedureAction::Open, "open", "启动"},
    {ProcedureAction::RecordSurvey, "record_survey", "登记调查结果"},
    {ProcedureAction::Regrade, "regrade", "重新核定等级"},
    {ProcedureAction::NoRegrade, "no_regrade", "决定不降级"},
    {ProcedureAction::FeeComplied, "fee_complied", "确认已执行收费标准"},
    {ProcedureAction::Transfer, "transfer", "移交市场监管部门"},
    {ProcedureAction::RecordPenalty, "record_penalty", "登记退费和处罚情况"},
    {ProcedureAction::NotifyOwners, "notify_owners", "登记告知业主和公示"},
    {ProcedureAction::Handover, "handover", "登记交接情况"},
    {ProcedureAction::Complete, "complete", "完成退出程序"},
    {ProcedureAction::Withdraw, "withdraw", "撤回"},
};

const EnumName<ProcedureStage> kStageNames[] = {
    {ProcedureStage::Survey, "survey", "调查并公示"},
    {ProcedureStage::Regrade, "regrade", "重新核定等级"},
    {ProcedureStage::Fee, "fee", "督促执行收费标准"},
    {ProcedureStage::Penalty, "penalty", "退费并处罚"},
    {ProcedureStage::NotifyOwners, "notify_owners", "告知业主并公示"},
    {ProcedureStage::Handover, "handover", "交接"},
    {ProcedureStage::Closed, "closed", "已结束"},
};

}  // namespace

const char* procedureKindKey(ProcedureKind k) {
  return k == ProcedureKind::GradeReview ? "grade_review" : "exit";
}

const char* procedureKindZh(ProcedureKind k) {
  return k == ProcedureKind::GradeReview ? "等级核查" : "退出程序";
}

std::optional<ProcedureKind> procedureKindFromKey(std::string_view key) {
  if (key == "grade_review") return ProcedureKind::GradeReview;
  if (key == "exit") return ProcedureKind::Exit;
  return std::nullopt;
}

const char* procedureStageKey(ProcedureStage s) {
  return enumKey<ProcedureStage>(kStageNames, s);
}
const char* procedureStageZh(ProcedureStage s) {
  return enumZh<ProcedureStage>(kStageNames, s);
}
std::optional<ProcedureStage> procedureStageFromKey(std::string_view key) {
  return enumFromKey<ProcedureStage>(kStageNames, key);
}

const char* procedureActionKey(ProcedureAction a) {
  return enumKey<ProcedureAction>(kActionNames, a);
}
const char* procedureActionZh(ProcedureAction a) {
  return enumZh<ProcedureAction>(kActionNames, a);
}
std::optional<ProcedureAction> procedureActionFromKey(std::string_view key) {
  return enumFromKey<ProcedureAction>(kActionNames, key);
}

const char* procedureOutcomeZh(std::string_view outcome) {
  if (outcome == "fee_complied") return "已执行收费标准";
  if (outcome == "penalised") return "已退费并处罚";
  if (outcome == "no_regrade") return "无需降级";
  if (outcome == "exit_completed") return "退出程序已完成";
  if (outcome == "withdrawn") return "已撤回";
  return "";
}

const char* stepStateKey(StepState s) {
  switch (s) {
    case StepState::Pending:
      return "pending";
    case StepState::Current:
      return "current";
    case StepState::Done:
      return "done";
    case StepState::Skipped:
      return "skipped";
  }
  return "";
}

const std::vector<std::string>& serviceGrades() {
  // 物业服务等级 as the demo city and most local standards name them, best first.
  static const std::vector<std::string> grades = {"一级", "二级", "三级", "四级", "五级"};
  return grades;
}

const ProcedureStep* Procedure::current() const {
  for (const ProcedureStep& s : steps)
    if (s.state == StepState::Current) return &s;
  return nullptr;
}

// ---- checks ---------------------------------------------------------------------------------

namespace {

// Free text of a step (what was done, why): generous for real use, small enough to refuse
// abuse. The same bound as a case's reasons.
constexpr size_t kMaxTextBytes = 4000;
// An exit's handover is recorded in parts (documents, facilities, premises, funds); more than
// this many records is not a handover but misuse.
constexpr int kMaxHandovers = 50;

using refuse::conflict;
using refuse::forbid;
using refuse::invalid;

// Checks `text` for length and control characters; with `required`, also that it shows
// something. `what` names the field in the message.
void checkText(const std::string& text, const std::string& what, bool required) {
  text_check::check(text, what, kMaxTextBytes, required);
}

const OrgUnit& actorUnit(const Actor& actor, const ProcedureContext& ctx) {
  const OrgUnit* u = ctx.org.find(actor.unitId);
  if (!u) forbid("用户所在单位不存在：" + actor.unitId);
  if (!u->active) forbid("用户所在单位已停用：" + u->name);
  return *u;
}

std::optional<Role> firstRole(const Actor& actor, std::initializer_list<Role> roles) {
  for (Role r : roles)
    if (actor.has(r)) return r;
  return std::nullopt;
}

std::string roleNames(std::initializer_list<Role> roles) {
  std::string names;
  for (Role r : roles) names += (names.empty() ? "" : "、") + std::string(roleZh(r));
  return names;
}

Role requireRole(const Actor& actor, std::initializer_list<Role> roles, ProcedureAction a) {
  if (auto r = firstRole(actor, roles)) return *r;
  forbid(std::string("“") + procedureActionZh(a) + "”需要以下角色之一：" + roleNames(roles));
}

bool isCityHousing(const OrgUnit& u) {
  return u.kind == UnitKind::Department && u.handler == Handler::Housing &&
         u.level == OrgLevel::City;
}

// The county's unit playing `h`, or nullptr.
const OrgUnit* countyUnit(const Procedure& p, Handler h, const ProcedureContext& ctx) {
  return p.countyId.empty() ? nullptr : ctx.org.handlerUnit(p.countyId, h);
}

std::string nameOf(const OrgUnit* u) {
  return u ? u->name : "（单位不存在）";
}

void requireStage(const Procedure& p, std::initializer_list<ProcedureStage> stages,
                  ProcedureAction a) {
  if (!p.open())
    conflict(std::string(procedureKindZh(p.kind)) + "已结束（" + procedureOutcomeZh(p.outcome) +
             "），不能" + procedureActionZh(a));
  for (ProcedureStage s : stages)
    if (p.stage == s) return;
  conflict(std::string("当前阶段为“") + procedureStageZh(p.stage) + "”，不能" +
           procedureActionZh(a));
}

// The county housing authority of the procedure's county, in the given roles.
Role requireCountyHousing(const Procedure& p, const Actor& actor, const OrgUnit& unit,
                          std::initializer_list<Role> roles, ProcedureAction a,
                          const ProcedureContext& ctx) {
  const OrgUnit* housing = countyUnit(p, Handler::Housing, ctx);
  if (!housing || unit.id != housing->id)
    forbid(std::string("“") + procedureActionZh(a) + "”由小区所在县（区）住建部门办理");
  return requireRole(actor, roles, a);
}

// County housing (unit head, dispatcher), or the estate's street office (and for the survey
// also its community) in the roles that handle cases there.
Role requireHousingOrLocal(const Procedure& p, const Actor& actor, const OrgUnit& unit,
                           bool communityToo, ProcedureAction a, const ProcedureContext& ctx) {
  const OrgUnit* housing = countyUnit(p, Handler::Housing, ctx);
  if (housing && unit.id == housing->id)
    return requireRole(actor, {Role::UnitHead, Role::Dispatcher}, a);
  const bool local = (!p.streetId.empty() && unit.id == p.streetId) ||
                     (communityToo && !p.communityId.empty() && unit.id == p.communityId);
  if (local) return requireRole(actor, {Role::Handler, Role::UnitHead}, a);
  forbid(std::string("“") + procedureActionZh(a) + "”由小区所在县（区）住建部门或属地街道（乡镇）" +
         (communityToo ? "、社区" : "") + "办理");
}

// A county department of the procedure's county (发改, 市场监管) as handler or unit head.
Role requireCountyDepartment(const Procedure& p, const Actor& actor, const OrgUnit& unit, Handler h,
                             const char* who, ProcedureAction a, const ProcedureContext& ctx) {
  const OrgUnit* dept = countyUnit(p, h, ctx);
  if (!dept || unit.id != dept->id)
    forbid(std::string("“") + procedureActionZh(a) + "”由小区所在县（区）" + who + "办理");
  return requireRole(actor, {Role::Handler, Role::UnitHead}, a);
}

std::string percent(double share) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", share * 100);
  return buf;
}

int gradeIndex(const std::string& grade) {
  const auto& g = serviceGrades();
  const auto it = std::find(g.begin(), g.end(), grade);
  return it == g.end() ? -1 : static_cast<int>(it - g.begin());
}

// ---- steps ----------------------------------------------------------------------------------

ProcedureStep makeStep(ProcedureStage stage, const char* ruleId, const std::string& unitId) {
  ProcedureStep s;
  s.stage = stage;
  s.ruleId = ruleId;
  s.unitId = unitId;
  return s;
}

ProcedureStep* stepOf(Procedure& p, ProcedureStage s) {
  for (ProcedureStep& step : p.steps)
    if (step.stage == s) return &step;
  return nullptr;
}

// Fills the step's deadline from its start: the rule's due date, or the target date a person
// set for a step without a rule.
void computeStepDue(ProcedureStep& step, const Calendar& cal, const RuleSet& rules,
                    std::optional<Date> target) {
  if (step.ruleId.empty()) {
    step.due = target;
    step.unit = RuleUnit::Days;
    step.provisional = false;
    step.explanation = std::string(kNoStatutoryLimitZh) +
                       (target ? "；经办人设定的目标日期为 " + target->toString() : "");
    return;
  }
  const Deadline d = computeDeadline(rules.get(step.ruleId), *step.from, cal);
  step.due = d.due;
  step.unit = d.unit;
  step.provisional = d.provisional;
  step.explanation = d.explanation;
}

void startStep(Procedure& p, ProcedureStage s, Date from, const ProcedureContext& ctx,
               std::optional<Date> target = std::nullopt) {
  ProcedureStep* step = stepOf(p, s);
  step->state = StepState::Current;
  step->from = from;
  computeStepDue(*step, ctx.cal, ctx.rules, target);
  p.stage = s;
}

void finishStep(Procedure& p, const Actor& actor, const ProcedureContext& ctx) {
  for (ProcedureStep& step : p.steps)
    if (step.state == StepState::Current) {
      step.state = StepState::Done;
      step.doneAt = ctx.now;
      step.doneBy = actor.userId;
      step.late = step.due && !step.ruleId.empty() && cstDate(ctx.now) > *step.due;
    }
}

// Closes the procedure: the current step is done (or skipped when withdrawn) and every step
// not reached is skipped.
void close(Procedure& p, const std::string& outcome, const Actor& actor,
           const ProcedureContext& ctx) {
  if (outcome == "withdrawn") {
    for (ProcedureStep& step : p.steps)
      if (step.state == StepState::Current) step.state = StepState::Skipped;
  } else {
    finishStep(p, actor, ctx);
  }
  for (ProcedureStep& step : p.steps)
    if (step.state == StepState::Pending) step.state = StepState::Skipped;
  p.stage = ProcedureStage::Closed;
  p.outcome = outcome;
  p.closedAt = ctx.now;
}

// Units to tell, without the actor's own and without repeats.
std::vector<std::string> others(std::initializer_list<const OrgUnit*> units, const Actor& actor) {
  std::vector<std::string> out;
  for (const OrgUnit* u : units)
    if (u && u->id != actor.unitId && std::find(out.begin(), out.end(), u->id) == out.end())
      out.push_back(u->id);
  return out;
}

void appendEvent(Procedure& p, const Actor& actor, Role role, ProcedureAction a,
                 const ProcedureContext& ctx, const std::string& stageFrom, std::string text,
                 std::string detail, std::vector<std::string> notified) {
  ProcedureEvent e;
  e.seq = static_cast<int>(p.events.size()) + 1;
  e.at = ctx.now;
  e.userId = actor.userId;
  e.unitId = actor.unitId;
  e.role = roleKey(role);
  e.action = procedureActionKey(a);
  e.text = std::move(text);
  e.stageFrom = stageFrom;
  e.stageTo = procedureStageKey(p.stage);
  e.detail = std::move(detail);
  e.notified = std::move(notified);
  p.events.push_back(std::move(e));
}

// What the survey calls for (R11): regrade with the criteria that held, or not.
ProcedureProposal proposeAfterSurvey(const Procedure& p, const ProcedureSurvey& s,
                                     const LedgerThresholds& t) {
  SurveyResult r;
  r.satisfaction = s.satisfaction;
  r.refusedToFix = s.refusedToFix;
  r.fixInadequate = s.fixInadequate;
  ProcedureProposal out;
  if (const auto lp = proposeRegrade(p.companyId, r, t)) {
    out.action = ProcedureAction::Regrade;
    out.textZh = "建议重新核定小区物业服务等级：" + lp->explanationZh;
    out.criteria = lp->criteria;
    return out;
  }
  out.action = ProcedureAction::NoRegrade;
  out.textZh = "调查结果未达到重新核定等级的条件：" +
               (s.satisfaction ? "满意率" + percent(*s.satisfaction) + "，不低于" +
                                     percent(t.regradeSatisfaction)
                               : std::string("未测得满意率")) +
               "，企业没有拒不整改或整改不到位。";
  return out;
}

}  // namespace

// ---- opening --------------------------------------------------------------------------------

void openProcedure(Procedure& p, const Actor& actor, const ProcedureContext& ctx) {
  const ProcedureAction a = ProcedureAction::Open;
  if (actor.has(Role::Oversight) && actor.roles.size() == 1) forbid("监督单位只能查看，不能办理");
  const OrgUnit& unit = actorUnit(actor, ctx);
  const OrgUnit* county = ctx.org.find(p.countyId);
  if (!county || county->kind != UnitKind::Area || county->level != OrgLevel::County)
    invalid("小区所属县（区）不存在：" + p.countyId);
  const OrgUnit* housing = countyUnit(p, Handler::Housing, ctx);

  // Who: the estate's county housing or the city housing (unit head, dispatcher); admins.
  Role role = Role::Admin;
  if (!actor.has(Role::Admin)) {
    if (!isCityHousing(unit) && !(housing && unit.id == housing->id))
      forbid(std::string("启动") + procedureKindZh(p.kind) +
             "由小区所在县（区）住建部门或市级住建部门办理");
    role = requireRole(actor, {Role::UnitHead, Role::Dispatcher}, a);
  }

  if (p.estateId.empty()) invalid("请指定小区");
  if (p.companyId.empty())
    invalid("小区没有物业服务企业（失管小区），不能启动" + std::string(procedureKindZh(p.kind)));
  checkText(p.reason, "启动理由", true);
  if (!housing) invalid(county->name + "没有住建部门，无法启动");

  // Every unit a step needs must exist before anything starts.
  p.steps.clear();
  p.events.clear();
  if (p.kind == ProcedureKind::GradeReview) {
    const OrgUnit* drc = countyUnit(p, Handler::DevelopmentReform, ctx);
    const OrgUnit* market = countyUnit(p, Handler::MarketRegulation, ctx);
    if (!drc) invalid(county->name + "没有发改部门，无法启动等级核查");
    if (!market) invalid(county->name + "没有市场监管部门，无法启动等级核查");
    p.steps = {
        makeStep(ProcedureStage::Survey, "T10", housing->id),
        makeStep(ProcedureStage::Regrade, "T11", housing->id),
        makeStep(ProcedureStage::Fee, "T12", drc->id),
        makeStep(ProcedureStage::Penalty, "T13", market->id),
    };
  } else {
    p.steps = {
        makeStep(ProcedureStage::NotifyOwners, "", housing->id),
        makeStep(ProcedureStage::Handover, "", housing->id),
    };
  }

  p.openedAt = ctx.now;
  p.openedBy = actor.userId;
  p.openedUnitId = actor.unitId;
  p.outcome.clear();
  p.closedAt = 0;
  p.gradeAfter.clear();
  p.survey.reset();
  p.nextProposal.reset();
  p.handovers = 0;
  startStep(p, p.steps.front().stage, cstDate(ctx.now), ctx);

  const OrgUnit* street = p.streetId.empty() ? nullptr : ctx.org.find(p.streetId);
  const ProcedureStep& first = p.steps.front();
  std::string detail =
      std::string("启动") + procedureKindZh(p.kind) + "；" + procedureStageZh(first.stage) + "由" +
      nameOf(ctx.org.find(first.unitId)) + "负责" +
      (first.due ? "，期限 " + first.due->toString() : "，" + std::string(kNoStatutoryLimitZh));
  if (p.proposalId) detail += "；依据提议" + std::to_string(p.proposalId);
  appendEvent(p, actor, role, a, ctx, "", p.reason, detail, others({housing, street}, actor));
}

// ---- actions --------------------------------------------------------------------------------

void applyProcedure(Procedure& p, const ProcedureCommand& cmd, const Actor& actor,
                    const ProcedureContext& ctx) {
  const ProcedureAction a = cmd.action;
  if (a == ProcedureAction::Open) conflict("启动请使用“启动程序”");
  if (actor.has(Role::Oversight) && actor.roles.size() == 1) forbid("监督单位只能查看，不能办理");
  const OrgUnit& unit = actorUnit(actor, ctx);
  const std::string stageFrom = procedureStageKey(p.stage);
  const OrgUnit* housing = countyUnit(p, Handler::Housing, ctx);
  const OrgUnit* drc = countyUnit(p, Handler::DevelopmentReform, ctx);
  const OrgUnit* market = countyUnit(p, Handler::MarketRegulation, ctx);
  const OrgUnit* street = p.streetId.empty() ? nullptr : ctx.org.find(p.streetId);
  const Date today = cstDate(ctx.now);

  // Everything is checked against a copy; `p` changes only once the action is accepted whole.
  Procedure next = p;
  Role role = Role::Handler;
  std::string detail;
  std::vector<std::string> notified;

  switch (a) {
    case ProcedureAction::RecordSurvey: {
      requireStage(p, {ProcedureStage::Survey}, a);
      role = requireHousingOrLocal(p, actor, unit, /*communityToo=*/true, a, ctx);
      if (!cmd.survey) invalid("请选择已结束的满意度测评");
      const ProcedureSurvey& s = *cmd.survey;
      if (s.surveyId <= 0) invalid("请选择已结束的满意度测评");
      if (s.satisfaction &&
          (!std::isfinite(*s.satisfaction) || *s.satisfaction < 0 || *s.satisfaction > 1))
        invalid("满意率应在0至1之间");
      if (s.counted < 0) invalid("有效答卷数不能为负数");
      // An unset date arrives as 1970-01-01; no survey of this system is that old.
      if (s.publishedOn.year() < 2000) invalid("请填写调查结果在小区公示的日期");
      if (s.publishedOn < cstDate(p.openedAt))
        invalid("公示日期 " + s.publishedOn.toString() + " 早于启动日期 " +
                cstDate(p.openedAt).toString());
      if (s.publishedOn > today) invalid("公示日期 " + s.publishedOn.toString() + " 晚于今天");
      checkText(cmd.text, "调查和公示情况", false);

      next.survey = s;
      next.nextProposal = proposeAfterSurvey(p, s, ctx.thresholds);
      finishStep(next, actor, ctx);
      startStep(next, ProcedureStage::Regrade, s.publishedOn, ctx);
      detail = "测评" + std::to_string(s.surveyId) + "：有效答卷" + std::to_string(s.counted) +
               "份，满意率" + (s.satisfaction ? percent(*s.satisfaction) : "未测得") +
               (s.refusedToFix ? "，企业拒不整改" : "") + (s.fixInadequate ? "，整改不到位" : "") +
               "；" + s.publishedOn.toString() + "在小区公示；" + next.nextProposal->textZh;
      notified = others({housing}, actor);
      break;
    }

    case ProcedureAction::Regrade: {
      requireStage(p, {ProcedureStage::Regrade}, a);
      role = requireCountyHousing(p, actor, unit, {Role::UnitHead, Role::Dispatcher}, a, ctx);
      const int after = gradeIndex(cmd.newGrade);
      if (after < 0) {
        std::string names;
        for (const std::string& g : serviceGrades()) names += (names.empty() ? "" : "、") + g;
        invalid("新的服务等级应为以下之一：" + names);
      }
      const int before = gradeIndex(p.gradeBefore);
      if (before >= 0 && after <= before)
        invalid("重新核定只能降低等级：原等级为" + p.gradeBefore + "，不能核定为" + cmd.newGrade +
                "；不降级请选择“决定不降级”");
      checkText(cmd.text, "核定说明", false);
      if (!drc || !market) conflict("小区所在县（区）的发改或市场监管部门已停用，无法推送降级情况");

      next.gradeAfter = cmd.newGrade;
      finishStep(next, actor, ctx);
      startStep(next, ProcedureStage::Fee, today, ctx);
      notified = others({drc, market}, actor);
      detail = "服务等级：" + (p.gradeBefore.empty() ? std::string("（未登记）") : p.gradeBefore) +
               " -> " + cmd.newGrade + "；降级情况推送" + nameOf(drc) + "、" + nameOf(market);
      break;
    }

    case ProcedureAction::NoRegrade: {
      requireStage(p, {ProcedureStage::Regrade}, a);
      role = requireCountyHousing(p, actor, unit, {Role::UnitHead, Role::Dispatcher}, a, ctx);
      const bool againstProposal =
          p.nextProposal && p.nextProposal->action == ProcedureAction::Regrade;
      checkText(
          cmd.text,
          againstProposal ? "调查结果符合重新核定等级的条件，决定不降级的理由" : "不降级的理由",
          true);
      close(next, "no_regrade", actor, ctx);
      detail = againstProposal ? "决定不降级（与系统建议不同）" : "决定不降级";
      break;
    }

    case ProcedureAction::FeeComplied:
    case ProcedureAction::Transfer: {
      requireStage(p, {ProcedureStage::Fee}, a);
      role =
          requireCountyDepartment(p, actor, unit, Handler::DevelopmentReform, "发改部门", a, ctx);
      if (a == ProcedureAction::FeeComplied) {
        checkText(cmd.text, "督促执行收费标准的情况", true);
        close(next, "fee_complied", actor, ctx);
        notified = others({housing}, actor);
        detail = "企业已执行核级后的收费标准；抄送" + nameOf(housing);
      } else {
        checkText(cmd.text, "移交说明", true);
        finishStep(next, actor, ctx);
        startStep(next, ProcedureStage::Penalty, today, ctx);
        notified = others({market, housing}, actor);
        detail = "企业拒不执行核级后的收费标准，移交" + nameOf(market) + "；抄送" + nameOf(housing);
      }
      break;
    }

    case ProcedureAction::RecordPenalty: {
      requireStage(p, {ProcedureStage::Penalty}, a);
      role = requireCountyDepartment(p, actor, unit, Handler::MarketRegulation, "市场监管部门", a,
                                     ctx);
      checkText(cmd.text, "退费和处罚情况", true);
      close(next, "penalised", actor, ctx);
      notified = others({drc, housing}, actor);
      detail = "处罚情况抄送" + nameOf(drc) + "、" + nameOf(housing);
      break;
    }

    case ProcedureAction::NotifyOwners: {
      requireStage(p, {ProcedureStage::NotifyOwners}, a);
      role = requireHousingOrLocal(p, actor, unit, /*communityToo=*/false, a, ctx);
      checkText(cmd.text, "告知业主和公示情况", true);
      if (cmd.targetDate && *cmd.targetDate < today)
        invalid("交接目标日期 " + cmd.targetDate->toString() + " 早于今天");
      if (cmd.targetDate && *cmd.targetDate > today.addDays(3660))
        invalid("交接目标日期 " + cmd.targetDate->toString() + " 过远");
      finishStep(next, actor, ctx);
      startStep(next, ProcedureStage::Handover, today, ctx, cmd.targetDate);
      notified = others({housing, street}, actor);
      detail = "已告知业主并公示" +
               (cmd.targetDate ? "；交接目标日期 " + cmd.targetDate->toString() : std::string());
      break;
    }

    case ProcedureAction::Handover: {
      requireStage(p, {ProcedureStage::Handover}, a);
      role = requireHousingOrLocal(p, actor, unit, /*communityToo=*/false, a, ctx);
      checkText(cmd.text, "交接情况", true);
      if (p.handovers >= kMaxHandovers)
        conflict("交接记录已达" + std::to_string(kMaxHandovers) + "条，请完成退出程序");
      ++next.handovers;
      notified = others({housing, street}, actor);
      detail = "交接记录" + std::to_string(next.handovers);
      break;
    }

    case ProcedureAction::Complete: {
      requireStage(p, {ProcedureStage::Handover}, a);
      role = requireHousingOrLocal(p, actor, unit, /*communityToo=*/false, a, ctx);
      if (p.handovers == 0) conflict("尚未登记交接情况，不能完成退出程序");
      checkText(cmd.text, "退出程序完成情况", true);
      close(next, "exit_completed", actor, ctx);
      notified = others({housing, street}, actor);
      detail = "退出程序完成，交接记录" + std::to_string(p.handovers) + "条";
      break;
    }

    case ProcedureAction::Withdraw: {
      requireStage(
          p,
          {ProcedureStage::Survey, ProcedureStage::Regrade, ProcedureStage::Fee,
           ProcedureStage::Penalty, ProcedureStage::NotifyOwners, ProcedureStage::Handover},
          a);
      if (!isCityHousing(unit) && !(housing && unit.id == housing->id))
        forbid("撤回由小区所在县（区）住建部门或市级住建部门的负责人办理");
      role = requireRole(actor, {Role::UnitHead}, a);
      checkText(cmd.text, "撤回理由", true);
      const ProcedureStep* cur = p.current();
      close(next, "withdrawn", actor, ctx);
      if (cur) notified = others({ctx.org.find(cur->unitId), street}, actor);
      detail = std::string("撤回于“") + procedureStageZh(p.stage) + "”阶段";
      break;
    }

    case ProcedureAction::Open:
      break;  // refused above
  }

  appendEvent(next, actor, role, a, ctx, stageFrom, cmd.text, detail, std::move(notified));
  p = std::move(next);
}

// ---- available actions ----------------------------------------------------------------------

std::vector<ProcedureAction> availableProcedureActions(const Procedure& p, const Actor& actor,
                                                       const ProcedureContext& ctx) {
  // Ask applyProcedure() itself with plausible input, so the list cannot disagree with it.
  ProcedureCommand probe;
  probe.text = "probe";
  ProcedureSurvey s;
  s.surveyId = 1;
  s.satisfaction = 1.0;
  s.counted = 1;
  s.publishedOn = cstDate(ctx.now);
  probe.survey = s;
  // The next grade down, when there is one (the lowest grade cannot be lowered).
  const int before = gradeIndex(p.gradeBefore);
  const auto& grades = serviceGrades();
  if (before + 1 < static_cast<int>(grades.size()))
    probe.newGrade = before < 0 ? grades.back() : grades[before + 1];

  std::vector<ProcedureAction> out;
  for (const EnumName<ProcedureAction>& n : kActionNames) {
    if (n.value == ProcedureAction::Open) continue;
    Procedure copy = p;
    ProcedureCommand c = probe;
    c.action = n.value;
    try {
      applyProcedure(copy, c, actor, ctx);
      out.push_back(n.value);
    } catch (const Error&) {
    }
  }
  return out;
}

// ---- days left ------------------------------------------------------------------------------

std::optional<int> procedureDaysLeft(const Procedure& p, Date today, const Calendar& cal) {
  const ProcedureStep* s = p.current();
  if (!s || !s->due) return std::nullopt;
  Deadline d;
  d.unit = s->unit;
  d.due = *s->due;
  return daysLeft(d, today, cal);
}

std::string procedureDaysText(const Procedure& p, Date today, const Calendar& cal) {
  const ProcedureStep* s = p.current();
  if (!s) return "";
  if (!s->due) return kNoStatutoryLimitZh;
  Deadline d;
  d.unit = s->unit;
  d.due = *s->due;
  const std::string text = describeDaysLeft(d, today, cal);
  return s->ruleId.empty() ? text + "（自定目标日期）" : text;
}

std::string recomputeProcedureDeadline(Procedure& p, const Calendar& cal, const RuleSet& rules) {
  for (ProcedureStep& s : p.steps) {
    if (s.state != StepState::Current || s.ruleId.empty() || !s.from) continue;
    const std::optional<Date> before = s.due;
    computeStepDue(s, cal, rules, std::nullopt);
    if (before != s.due)
      return s.ruleId + ": " + (before ? before->toString() : "-") + " -> " + s.due->toString();
  }
  return "";
}

}  // namespace pcs
