#pragma once
// Listed supervision (挂牌督办, R16): a major or difficult matter the joint-meeting office lists
// with an owner unit, a plan, start and due dates; the owner reports progress once a month
// until the office clears it (销号清零) with a reason. A month's report filed after that month
// has ended is flagged late; months without a report are listed as missing.
//
// Access follows meetings.h: the office lists and clears (clearing needs the city housing
// authority's unit head or an administrator), the owner unit or the office reports progress,
// readers of the joint meeting read. The meeting board carries no personal data at all.

#include <optional>
#include <string>
#include <vector>

#include "meetings.h"

namespace pcs::server {

struct ListedMatterInput {
  std::string title, description, ownerUnitId, plan;
  Date startOn, dueOn;
  std::optional<int64_t> meetingId;  // the meeting that listed it
  std::vector<std::string> caseIds;  // cases it concerns
};
int64_t createListedMatter(App& app, const CurrentUser& user, const ListedMatterInput& in);

// Files the progress report of `month` ("YYYY-MM"): one per month, not before the start month
// nor after the current month; late when filed after `month` ended. Only the owner unit's staff
// (handler, unit head, dispatcher) or the office may file (Forbidden otherwise).
void reportProgress(App& app, const CurrentUser& user, const JointMeetingAccess& access,
                    int64_t matterId, const std::string& month, const std::string& text);

// Clears an open matter (销号清零) with a reason; access.officeHead required.
void closeListedMatter(App& app, const CurrentUser& user, const JointMeetingAccess& access,
                       int64_t matterId, const std::string& reason);

// {"matters":[...]} (state "open", "closed" or "" for all) and one matter with its reports.
void writeListedMatters(JsonWriter& w, App& app, const std::string& state);
void writeListedMatter(JsonWriter& w, App& app, int64_t id);

// What the projector shows at a meeting: open listed matters with owner, due date, days left
// or late, the last progress report, and open and overdue decided items per owner unit.
void writeMeetingBoard(JsonWriter& w, App& app);

}  // namespace pcs::server
