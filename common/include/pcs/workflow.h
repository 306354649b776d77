#pragma once
// The case workflow (R2-R8): who may do what, at which level, from which state.
//
// apply() is the only way a case changes. It checks the actor's role and unit against the
// transition table, checks the state, changes the case, recomputes deadlines and appends an
// Event with who, when, what and why. Anything not allowed throws pcs::Error with a message
// that says why: Forbidden (role or unit), Conflict (state), InvalidInput (missing reason...).

#include <string>
#include <vector>

#include "pcs/calendar.h"
#include "pcs/case.h"
#include "pcs/deadline.h"
#include "pcs/org.h"

namespace pcs {

enum class Role { IntakeClerk, Dispatcher, Handler, Reviewer, UnitHead, Oversight, Admin };
const char* roleKey(Role r);  // "intake_clerk", "dispatcher", "handler", "reviewer", ...
const char* roleZh(
    Role r);  // 受理登记员, 分转员, 承办人, 审核人, 单位负责人, 监督（只读）, 系统管理员
std::optional<Role> roleFromKey(std::string_view key);

struct Actor {
  std::string userId;
  std::string unitId;
  std::vector<Role> roles;
  bool has(Role r) const;
};

enum class Action {
  Register,
  MarkUrgent,          // flag as endangering building use or safety (R3)
  ReportUrgent,        // record the report to the party committee and government (R3)
  PushToCounty,        // city intake handed to the county of the estate (R2)
  Dispatch,            // send to one or more handler units (R4)
  Accept,              // 签收
  Return,              // 退回 with a reason, to the dispatcher (R6)
  SubmitPlan,          // 解决方案 with dates (T5)
  ReportProgress,      // 进展反馈 (T6)
  Resolve,             // 办结并答复投诉人, with 属实 or not
  CoSignStreet,        // 街道（社区）签署办结意见
  CoSignHousing,       // 县级住建签署办结意见
  SubmitReview,        // 提交审核
  Approve,             // 审核通过并销号
  Reject,              // 审核退回 with a reason
  RecordSatisfaction,  // 12345 回访结果
  Reopen,              // 重新办理
  Merge,               // 合并重复件 into another case
  RequestSuspension,   // 申请暂停计时
  ApproveSuspension,
  RequestExtension,  // 申请延期
  ApproveExtension,
  OpenPenalty,  // 处罚线索 (T7, T8)
  VerifyPenalty,
  ExtendPenalty,  // T9, unit head
  DecidePenalty,
  // 按会议议定调整时限: the joint-meeting office (city housing) sets an assignment's resolve
  // deadline to a date a meeting decided (R16). Needs the reason (the meeting and item) and
  // Command::to, the new due date (today or later).
  SetDecidedDeadline,
};
const char* actionKey(Action a);
const char* actionZh(Action a);
std::optional<Action> actionFromKey(std::string_view key);

struct DispatchTarget {
  std::string unitId;
  std::vector<std::string> catalogueCodes;
};

// One request to change a case. Only the fields the action uses are read.
struct Command {
  Action action = Action::Accept;
  int assignmentId = 0;
  std::string reason;  // why: required for Return, Reject, Reopen, Merge, requests, MarkUrgent
  std::vector<DispatchTarget> targets;  // Dispatch
  bool major = false;                   // Dispatch: 重大或复杂问题
  std::vector<PlanMilestone> plan;      // SubmitPlan
  std::optional<bool> substantiated;    // Resolve
  std::string text;  // Resolve: answer; ReportProgress: report; co-sign: opinion; penalty outcome
  std::optional<Satisfaction> satisfaction;  // RecordSatisfaction
  std::string targetCaseId;                  // Merge
  Date from, to;  // RequestSuspension [from, to); OpenPenalty: from; SetDecidedDeadline: to
  int days = 0;   // RequestExtension
};

struct WorkflowContext {
  const OrgTree& org;
  const Calendar& cal;
  const RuleSet& rules;
  int64_t now = 0;
};

// Validates a newly filled case (intake fields of R2), sets state, owner, dispatch deadline
// (T1, or T2 in hours when urgent) and the first event. The case's id and area fields are set
// by the caller.
void registerCase(Case& c, const Actor& actor, const WorkflowContext& ctx);

// Applies one command. See the file comment for the errors.
void apply(Case& c, const Command& cmd, const Actor& actor, const WorkflowContext& ctx);

// After `duplicate` was merged into `target`, records it on the target.
void recordMergedInto(Case& target, const Case& duplicate, const Actor& actor,
                      const WorkflowContext& ctx);

// An action the actor may take now, with the assignment it applies to (0 = the case).
struct AvailableAction {
  Action action;
  int assignmentId = 0;
};
// Exactly what the UI should offer: every action apply() would accept from this actor now,
// given valid input.
std::vector<AvailableAction> availableActions(const Case& c, const Actor& actor,
                                              const WorkflowContext& ctx);

// Recomputes every deadline of the case from its stored start points (after a calendar or
// rule change). Returns a line per deadline that moved, e.g. "承办1 T3: 2025-10-07 -> 2025-10-09".
std::vector<std::string> recomputeDeadlines(Case& c, const Calendar& cal, const RuleSet& rules);

// The rule table as documentation: who may take each action, in Chinese, for the UI and docs.
struct TransitionDoc {
  Action action;
  std::vector<Role> roles;
  const char* who;   // which unit, e.g. 承办单位; 市级住建部门
  const char* from;  // from which states
};
const std::vector<TransitionDoc>& transitionTable();

}  // namespace pcs
