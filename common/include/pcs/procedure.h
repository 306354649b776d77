#pragma once
// Grade-review case files and exit procedures (R11, R12; T10-T13): the procedure engine.
//
// A procedure is opened on one estate of a company, usually from a ledger proposal a person
// confirmed (pcs/ledger.h), and then moves stage by stage, each step confirmed by a person of
// the unit responsible for it. The system proposes; it never decides.
//
//   grade_review (等级核查), notice annex 三(三):
//     survey   调查并公示        T10 from the opening date    county housing, or the estate's
//                                                              street office or community
//              record_survey  -> the engine computes the regrade proposal (proposeRegrade)
//     regrade  重新核定等级      T11 from the publication     county housing
//              regrade        -> grade before -> after, pushed to the county's 发改 and 市场监管
//              no_regrade     -> closed, 无需降级 (text says why; always required)
//     fee      督促执行收费标准  T12 from the regrade         county development and reform
//              fee_complied   -> closed, 已执行收费标准, copied to housing
//              transfer       -> handed to market regulation, copied to housing
//     penalty  退费并处罚        T13 from the transfer        county market regulation
//              record_penalty -> closed, 已退费并处罚, copied to 发改 and 住建
//   exit (退出程序), annex 三(四), no statutory limit (steps show 通知未规定时限):
//     notify_owners 告知业主并公示   county housing or the estate's street office
//              notify_owners  -> handover (optional target date for the handover)
//     handover      交接            the same units
//              handover       -> one handover record (repeatable); complete -> closed
//   any open procedure: withdraw (text required) by a unit head of the county's or the city's
//   housing authority.
//
// applyProcedure() is the only way a procedure changes. It checks the actor's role and unit,
// the stage and the input, changes the procedure, computes the next step's deadline and appends
// an event with who, when, what and why. Anything not allowed throws pcs::Error and leaves the
// procedure unchanged: Forbidden (role or unit), Conflict (stage), InvalidInput (text, dates).
// Like the case workflow, nothing here touches storage; the server stores what changed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcs/calendar.h"
#include "pcs/date.h"
#include "pcs/deadline.h"
#include "pcs/ledger.h"
#include "pcs/org.h"
#include "pcs/workflow.h"

namespace pcs {

enum class ProcedureKind { GradeReview, Exit };
const char* procedureKindKey(ProcedureKind k);  // "grade_review", "exit"
const char* procedureKindZh(ProcedureKind k);   // 等级核查, 退出程序
std::optional<ProcedureKind> procedureKindFromKey(std::string_view key);

enum class ProcedureStage { Survey, Regrade, Fee, Penalty, NotifyOwners, Handover, Closed };
const char* procedureStageKey(ProcedureStage s);  // "survey", ..., "closed"
const char* procedureStageZh(ProcedureStage s);   // 调查并公示, ..., 已结束
std::optional<ProcedureStage> procedureStageFromKey(std::string_view key);

enum class ProcedureAction {
  Open,
  RecordSurvey,
  Regrade,
  NoRegrade,
  FeeComplied,
  Transfer,
  RecordPenalty,
  NotifyOwners,
  Handover,
  Complete,
  Withdraw,
};
const char* procedureActionKey(ProcedureAction a);  // "open", "record_survey", ...
const char* procedureActionZh(ProcedureAction a);   // 启动, 登记调查结果, ...
std::optional<ProcedureAction> procedureActionFromKey(std::string_view key);

// How a procedure ended: "fee_complied", "penalised", "no_regrade", "exit_completed",
// "withdrawn"; "" while open.
const char* procedureOutcomeZh(std::string_view outcome);

enum class StepState { Pending, Current, Done, Skipped };
const char* stepStateKey(StepState s);  // "pending", "current", "done", "skipped"

// The service grades an estate may be rated, best first. Re-grading after a survey may only go
// down this list (the notice speaks of 降级).
const std::vector<std::string>& serviceGrades();

// One step of a procedure. `from`, `due` and the explanation are set when the step becomes
// current; an exit step has no rule and at most a target date a person set.
struct ProcedureStep {
  ProcedureStage stage = ProcedureStage::Survey;
  std::string ruleId;  // "T10".."T13"; "" when the notice sets no limit
  std::string unitId;  // the responsible unit
  StepState state = StepState::Pending;
  std::optional<Date> from;
  std::optional<Date> due;  // rule deadline, or the target date of a step without a rule
  RuleUnit unit = RuleUnit::Days;
  bool provisional = false;  // counted across a year with no published holiday arrangement
  std::string explanation;   // how the due date was reached, in Chinese
  int64_t doneAt = 0;
  std::string doneBy;  // user id
  bool late = false;   // done after its due date
};

// The survey result a grade review records (read from a closed survey by the server).
struct ProcedureSurvey {
  int64_t surveyId = 0;
  std::optional<double> satisfaction;  // share satisfied, 0..1
  int counted = 0;                     // counted responses
  bool refusedToFix = false;
  bool fixInadequate = false;
  Date publishedOn;  // the result published in the estate
};

// What the engine proposes after the survey: regrade or not, with the evidence.
struct ProcedureProposal {
  ProcedureAction action = ProcedureAction::NoRegrade;  // Regrade or NoRegrade
  std::string textZh;
  std::vector<LedgerCriterion> criteria;  // every condition that held (empty for no_regrade)
};

struct ProcedureEvent {
  int seq = 0;  // 1-based within the procedure
  int64_t at = 0;
  std::string userId;
  std::string unitId;
  std::string role;    // roleKey() acted in
  std::string action;  // procedureActionKey()
  std::string text;    // the person's words
  std::string stageFrom, stageTo;
  std::string detail;                 // what changed, in Chinese
  std::vector<std::string> notified;  // units told of this step (next unit, pushes, copies)
};

struct Procedure {
  int64_t id = 0;  // set by storage
  ProcedureKind kind = ProcedureKind::GradeReview;
  std::string companyId, estateId, countyId, streetId, communityId;
  ProcedureStage stage = ProcedureStage::Survey;
  std::string outcome;  // see procedureOutcomeZh
  int64_t openedAt = 0;
  std::string openedBy;      // user id
  std::string openedUnitId;  // the unit acted in
  std::string reason;
  int64_t proposalId = 0;                  // the ledger proposal confirmed, 0 if none
  std::optional<LedgerProposal> evidence;  // that proposal as the rules produced it
  std::string gradeBefore, gradeAfter;     // the estate's service grade
  std::optional<ProcedureSurvey> survey;
  std::optional<ProcedureProposal> nextProposal;  // after the survey
  int handovers = 0;                              // exit: handover records
  int64_t closedAt = 0;
  std::vector<ProcedureStep> steps;
  std::vector<ProcedureEvent> events;

  bool open() const { return stage != ProcedureStage::Closed; }
  const ProcedureStep* current() const;  // the step in progress, nullptr when closed
};

struct ProcedureContext {
  const OrgTree& org;
  const Calendar& cal;
  const RuleSet& rules;
  int64_t now = 0;
  LedgerThresholds thresholds{};
};

// One request to change a procedure. Only the fields the action uses are read.
struct ProcedureCommand {
  ProcedureAction action = ProcedureAction::Withdraw;
  std::string text;
  std::optional<ProcedureSurvey> survey;  // RecordSurvey
  std::string newGrade;                   // Regrade
  std::optional<Date> targetDate;         // NotifyOwners: target date for the handover
};

// Opens `p`: the caller fills kind, companyId, the estate's area fields (estateId, countyId,
// streetId, communityId), reason, gradeBefore and, when opened from a proposal, proposalId and
// evidence. Checks who may open (a unit head or dispatcher of the estate's county housing or
// of the city housing; administrators), that the units the steps need exist, and the reason;
// sets the steps, the first deadline and the first event.
void openProcedure(Procedure& p, const Actor& actor, const ProcedureContext& ctx);

// Applies one command; see the file comment for the errors.
void applyProcedure(Procedure& p, const ProcedureCommand& cmd, const Actor& actor,
                    const ProcedureContext& ctx);

// Exactly what the UI should offer: every action applyProcedure() would accept from this
// actor now, given valid input.
std::vector<ProcedureAction> availableProcedureActions(const Procedure& p, const Actor& actor,
                                                       const ProcedureContext& ctx);

// The current step's due date counted as days left (calendar days; negative when late), and
// its text ("剩余4日", "今日到期", "逾期2日", or "通知未规定时限" without a due date).
std::optional<int> procedureDaysLeft(const Procedure& p, Date today, const Calendar& cal);
std::string procedureDaysText(const Procedure& p, Date today, const Calendar& cal);

// Recomputes the deadline of the current step from its start (after a calendar or rule
// change); returns "T11: 2026-10-14 -> 2026-10-15" when it moved, "" otherwise.
std::string recomputeProcedureDeadline(Procedure& p, const Calendar& cal, const RuleSet& rules);

// The notice's text for a stage without a time limit.
inline constexpr const char* kNoStatutoryLimitZh = "通知未规定时限";

}  // namespace pcs
