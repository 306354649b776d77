#pragma once
// The joint meeting mechanism (联席会议, R16) and the city's dispatch meetings (R15): member
// units with the convener, the office and each unit's liaison (every change kept as history),
// meetings with agenda, attendees, minutes and decided items (议定事项), and the office's work
// bulletins (工作简报/通报) to member units.
//
// Who may do what (docs/api.md "Joint meeting"):
//   edit    the joint-meeting office: dispatchers and unit heads of the city housing authority,
//           and administrators;
//   read    editors, every user of the city housing authority or of a member unit, and
//           oversight users (discipline commissions);
//   others  403.
// A liaison's phone is personal data (R18): shown in full only to the office's dispatchers and
// unit heads, who contact liaisons, and each such view is audited (pii.view); masked for the
// rest, administrators included.
//
// Every write runs in one Database::write with its audit entry; bad input throws
// pcs::Error(InvalidInput) before anything is stored.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "auth.h"

namespace pcs::server {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// ---- access ---------------------------------------------------------------------------------

struct JointMeetingAccess {
  bool edit = false;       // the office (see above)
  bool read = false;       // edit, city housing, member units, oversight
  bool seePhones = false;  // liaison phones unmasked
  bool officeHead = false;  // may clear a listed matter (销号清零): city housing unit head, admin
};
JointMeetingAccess jointMeetingAccess(const CurrentUser& user, const Reference& ref,
                                      SQLite::Database& db);
// Throw pcs::Error(Forbidden) with a message naming who may.
void requireRead(const JointMeetingAccess& a);
void requireEdit(const JointMeetingAccess& a);

// True when `unitId` is a member unit of the joint meeting now.
bool isMemberUnit(SQLite::Database& db, const std::string& unitId);

// ---- membership -----------------------------------------------------------------------------

struct MemberChange {
  std::string unitId;
  std::optional<bool> convener, office;
  std::optional<std::string> liaisonName, liaisonPost, liaisonPhone;
};
// Adds a member unit or changes one; records one history row per changed field. The unit must
// exist and be active; at most one convener and one office (InvalidInput otherwise).
void saveMember(App& app, const CurrentUser& user, const MemberChange& change);
// Removes a member unit (NotFound when it is none), recording the removal in the history.
void removeMember(App& app, const CurrentUser& user, const std::string& unitId);
// {"members":[...]} and {"history":[...]} (phones masked unless access.seePhones).
void writeMembers(JsonWriter& w, App& app, const JointMeetingAccess& access);
void writeMemberHistory(JsonWriter& w, App& app, const JointMeetingAccess& access,
                        const std::string& unitId);
// Audits a full view of liaison phones (pii.view), before the answer leaves.
void auditPhoneView(App& app, const CurrentUser& user, const std::string& what);

// ---- meetings -------------------------------------------------------------------------------

struct MeetingInput {
  std::string kind;  // "joint" (联席会议) or "dispatch" (调度会)
  std::string title;
  Date date;
  std::vector<std::string> agenda;
  std::vector<std::string> attendees;  // unit ids
};
int64_t createMeeting(App& app, const CurrentUser& user, const MeetingInput& in);
// Replaces agenda and attendees (and title, date) while the meeting is a draft.
void editMeeting(App& app, const CurrentUser& user, int64_t id, const MeetingInput& in);
// draft -> held with the minutes; attendees replaced when given.
void holdMeeting(App& app, const CurrentUser& user, int64_t id, const std::string& minutes,
                 const std::optional<std::vector<std::string>>& attendees);
// held -> closed once every decided item is done (Conflict otherwise).
void closeMeeting(App& app, const CurrentUser& user, int64_t id);

struct ItemInput {
  std::string text;
  std::string ownerUnitId;
  std::optional<Date> due;         // a date, or
  std::optional<int> workingDays;  // working days from the meeting date (calendar)
};
// Adds a decided item to a held meeting.
int64_t addDecidedItem(App& app, const CurrentUser& user, int64_t meetingId, const ItemInput& in);
// Marks an open item done with a note.
void completeItem(App& app, const CurrentUser& user, int64_t meetingId, int64_t itemId,
                  const std::string& note);

// Applies an open decided item to cases through the case workflow, all or nothing:
//   effect "handler":  dispatches each case to `unitId` (default: the item's owner unit);
//   effect "deadline": sets the resolve deadline of each case's assignments still being
//                      handled to the item's due date (SetDecidedDeadline), recording every
//                      moved deadline in deadline_changes with the meeting as the cause.
// Each case gets its workflow event and audit entry; the links are kept in decided_item_cases.
void applyItemToCases(App& app, const CurrentUser& user, int64_t meetingId, int64_t itemId,
                      const std::vector<std::string>& caseIds, const std::string& effect,
                      const std::string& unitId);

void writeMeetingList(JsonWriter& w, App& app);
void writeMeeting(JsonWriter& w, App& app, int64_t id);

// ---- bulletins ------------------------------------------------------------------------------

struct BulletinInput {
  std::string title, body;
  std::vector<std::string> unitIds;  // empty: every member unit at publication
};
int64_t createBulletin(App& app, const CurrentUser& user, const BulletinInput& in);
// Changes a draft; a published bulletin is immutable (Conflict).
void editBulletin(App& app, const CurrentUser& user, int64_t id, const BulletinInput& in);
void publishBulletin(App& app, const CurrentUser& user, int64_t id);
// Marks a published bulletin read for the user's unit (NotFound when not addressed to it).
void markBulletinRead(App& app, const CurrentUser& user, int64_t id);
// The office sees every bulletin with its recipients; everyone else the published ones
// addressed to their unit, with the unit's read flag.
void writeBulletins(JsonWriter& w, App& app, const CurrentUser& user,
                    const JointMeetingAccess& access);

// ---- shared helpers -------------------------------------------------------------------------

void writeStr(JsonWriter& w, const char* key, const std::string& value);
// Refuses empty, blank or over-long text and control characters, naming `field`.
std::string requireText(const std::string& text, const char* field, size_t maxBytes);
// The unit, active, or InvalidInput naming `field`.
const OrgUnit& requireUnit(const Reference& ref, const std::string& id, const char* field);
// The owner of a listed matter or a decided item: an active unit that reads the joint meeting
// as a unit, i.e. a member unit or the city housing authority (home of the office); otherwise
// InvalidInput naming `field`. Call it inside the write, so membership cannot change meanwhile.
const OrgUnit& requireOwnerUnit(SQLite::Database& db, const Reference& ref, const std::string& id,
                                const char* field);
// A date of the joint meeting (meeting dates, due dates, start dates) lies in 2000..2100;
// otherwise InvalidInput naming `field` and the bound it crosses.
void requireDateInRange(Date d, const char* field);

}  // namespace pcs::server
