#pragma once
// The case (投诉线索/案件) and its assignments (承办), from intake to closure (R2-R8).
//
// A case is registered by a property authority, dispatched to one or more handler units (one
// assignment each, with its own deadlines), handled, co-signed where housing handled it,
// reviewed and closed. Every change is an Event appended to the case; the workflow
// (workflow.h) is the only code that changes a case.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pcs/deadline.h"
#include "pcs/handler.h"

namespace pcs {

enum class Channel { Phone, Mailbox, Hotline12345, Visit, Online, HigherLevel, Open311 };
const char* channelKey(Channel c);  // "phone", "mailbox", "hotline_12345", "visit", ...
const char* channelZh(Channel c);  // 电话, 邮箱, 12345热线, 来访, 网上, 上级转办, 系统对接
std::optional<Channel> channelFromKey(std::string_view key);

enum class CaseState {
  Registered,   // 已登记: waiting to be dispatched (or every assignment was returned)
  Dispatched,   // 已分转: sent, no handler has accepted yet
  InProgress,   // 办理中
  Resolved,     // 已办结: every live assignment resolved, closure pending
  UnderReview,  // 待审核
  Closed,       // 已销号
  Merged,       // 已合并: a duplicate folded into another case
};
const char* caseStateKey(CaseState s);
const char* caseStateZh(CaseState s);

enum class AssignmentState {
  Dispatched,     // 待签收
  Accepted,       // 办理中
  Returned,       // 已退回 (to the dispatcher, with a reason)
  PlanSubmitted,  // 方案推进中: major case with a plan, reporting monthly
  Resolved,       // 已办结并答复投诉人
  CoSigned,       // 已签署办结意见 (housing: street office and county housing)
  UnderReview,    // 待审核 (city-level review)
  Closed,         // 已销号
};
const char* assignmentStateKey(AssignmentState s);
const char* assignmentStateZh(AssignmentState s);

enum class Satisfaction { Satisfied, BasicallySatisfied, Unsatisfied, Unreachable };
const char* satisfactionKey(Satisfaction s);
const char* satisfactionZh(Satisfaction s);
std::optional<Satisfaction> satisfactionFromKey(std::string_view key);

struct Complainant {
  std::string name;     // raw, personal data (R18)
  std::string contact;  // raw, personal data (R18)
  std::string key;      // identity for counting (identity.h complainantKey), never shown
};

struct Attachment {
  std::string id;
  std::string fileName;
  std::string mimeType;
  int64_t size = 0;
  std::string sha256;
  int64_t addedAt = 0;
  std::string addedBy;
};

// Who did something: a user acting in a unit with one of their roles.
struct Signature {
  std::string userId;
  std::string unitId;
  int64_t at = 0;
  std::string opinion;
};

struct PlanMilestone {
  Date due;
  std::string text;
};

struct SuspensionRequest {
  Date from;
  Date to;  // exclusive
  std::string reason;
  std::string requestedBy;
  int64_t requestedAt = 0;
};

struct ExtensionRequest {
  int days = 0;
  std::string reason;
  std::string requestedBy;
  int64_t requestedAt = 0;
};

// R7: verify in T7, decide in T8, extend once by T9 with the unit head's approval.
struct PenaltyClock {
  Date discoveredOn;
  std::string
      lawReference;  // a law's own period, when one applies; then its due dates are set by hand
  std::optional<Deadline> verifyDue;  // T7
  std::optional<Deadline> decideDue;  // T8, then T9 once extended
  bool extended = false;
  bool verified = false;
  std::string outcome;  // empty until decided
  int64_t decidedAt = 0;
};

struct Assignment {
  int id = 0;  // 1-based within the case
  Handler handler = Handler::Housing;
  std::string unitId;
  AssignmentState state = AssignmentState::Dispatched;
  std::vector<std::string> catalogueCodes;  // the matters this unit is asked to handle
  int64_t dispatchedAt = 0;
  int64_t acceptedAt = 0;
  int64_t resolvedAt = 0;
  int64_t closedAt = 0;

  std::optional<Deadline> resolveDue;   // T3, or T4 for a major case
  std::optional<Deadline> planDue;      // T5, major cases
  std::optional<Deadline> progressDue;  // T6, after a plan
  std::vector<PlanMilestone> plan;
  int progressReports = 0;
  int64_t lastProgressAt = 0;  // the plan or the latest progress report: T6 counts from it

  std::vector<Suspension> suspensions;  // approved pauses
  std::optional<SuspensionRequest> pendingSuspension;
  int extensionDays = 0;  // approved extensions of resolveDue, in its own unit
  std::optional<ExtensionRequest> pendingExtension;

  std::optional<bool> substantiated;       // 属实
  std::string answer;                      // 答复投诉人 / 办理结果
  std::optional<Signature> coSignStreet;   // street office or the community it authorised
  std::optional<Signature> coSignHousing;  // county housing authority
  std::string returnReason;
  std::string rejectReason;  // the last review rejection
  std::optional<PenaltyClock> penalty;
  // A resolve deadline a joint meeting decided (SetDecidedDeadline): replaces T3/T4 and every
  // extension until the assignment is resolved; a later decision replaces it.
  std::optional<Date> decidedDue;

  bool live() const { return state != AssignmentState::Returned; }
  // Cases handled on the housing side (the housing authority, a street office or a community)
  // are co-signed by the street office and county housing before the city reviews them (R8);
  // cases transferred to other departments go straight to review.
  bool needsCoSign() const {
    return handler == Handler::Housing || handler == Handler::StreetOffice ||
           handler == Handler::Community;
  }
};

struct Event {
  int seq = 0;  // 1-based within the case
  int64_t at = 0;
  std::string userId;
  std::string unitId;
  std::string role;      // roleKey() of the role acted in
  std::string action;    // actionKey()
  int assignmentId = 0;  // 0 for the case as a whole
  std::string fromState;
  std::string toState;
  std::string reason;  // why, in the actor's words
  std::string detail;  // what changed, for the timeline
};

struct Case {
  std::string id;            // case number, e.g. "2025-001234"
  int64_t receivedAt = 0;    // when the complaint came in
  int64_t registeredAt = 0;  // when it was entered
  Channel channel = Channel::Phone;
  std::string externalRef;  // 12345 work-order number or other system's id

  Complainant complainant;
  std::string content;
  std::string location;  // building, unit, room
  std::string estateId, companyId;
  std::string countyId, streetId, communityId;  // area units of the estate
  std::vector<std::string> categories;          // catalogue codes confirmed at dispatch

  bool urgent = false;  // R3: endangers building use or personal safety
  std::string urgentReason;
  bool major = false;  // 重大或复杂问题: T4/T5/T6 apply

  std::string intakeUnitId;  // the property authority that registered it
  std::string ownerUnitId;   // the property authority responsible now (the county, normally)
  CaseState state = CaseState::Registered;
  Deadline dispatchDue;          // T1 (general)
  int64_t dispatchDueAt = 0;     // T2 instant (urgent)
  int64_t dispatchedAt = 0;      // first dispatch
  int64_t reportedUrgentAt = 0;  // when the party committee and government were told (R3)

  std::vector<Assignment> assignments;
  std::optional<Satisfaction> satisfaction;  // 12345 call-back result (R8)
  std::string mergedInto;
  std::vector<std::string> mergedFrom;
  std::vector<Attachment> attachments;
  int returns = 0;  // assignments returned so far: back-and-forth shows here (R6)
  int reopens = 0;
  int64_t closedAt = 0;
  std::vector<Event> events;

  const Assignment* assignment(int id) const;
  Assignment* assignment(int id);
  // Substantiated when any live assignment found it so; nullopt until one decided.
  std::optional<bool> substantiated() const;
};

}  // namespace pcs
