#pragma once
// 联席会议 (R15, R16): the joint meeting's screens for the office (city housing dispatchers and
// unit heads), member units and oversight. Four sub-views, one file each:
//   成员单位  joint_meeting_members.cpp   member units, convener and office, liaisons, history
//   会议      joint_meeting_meetings.cpp  meetings, minutes, decided items applied to cases
//   挂牌督办  joint_meeting_listed.cpp    listed supervision with monthly progress, 销号清零
//   工作简报  joint_meeting_bulletins.cpp the office's bulletins and their read state
// and the shared pieces in joint_meeting.cpp (access, unit pickers, dates, marks).
//
// What a user may do comes from GET /joint-meeting/access, asked once per sign-in: the tab is
// shown only to users who may read, and each form only to users the server lets send it. The
// server still decides; its refusal is shown in the form that was sent.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "json_util.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

// What GET /joint-meeting/access says this user may do.
struct JmAccess {
  bool known = false;  // the answer arrived
  bool read = false;   // the office, city housing staff, member units, oversight
  bool edit = false;   // the office (and administrators)
  bool seePhones = false;
  bool officeHead = false;  // may clear a listed matter (销号清零)
  bool memberUnit = false;  // the user's unit is a member unit
};

// Requests whose answers are dropped once the owner was replaced (a screen is reset by
// assigning a new one when another user signs in; the old one's answers must not land in it).
class JmRequests {
 public:
  void get(Session& session, const std::string& path, ResponseHandler done);
  void post(Session& session, const std::string& path, std::string body, ResponseHandler done);
  // A list screen's load: asks for `path` unless a request is in flight (`loading`); when the
  // answer comes, sets `loaded`, puts the server's refusal in `error` (cleared on success) and
  // hands a valid JSON answer to `read`. The flags are members of the owner of these requests.
  void load(Session& session, const std::string& path, bool& loading, bool& loaded,
            std::string& error, std::function<void(const JsonDoc&)> read);

 private:
  ResponseHandler guarded(ResponseHandler done) const;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

// Asks the server what this user may do; `into` is filled when the answer arrives.
void askJmAccess(Session& session, JmRequests& net, JmAccess& into);

namespace jm {

// Today and this month in Beijing time: "YYYY-MM-DD", "YYYY-MM".
std::string todayText();
std::string monthText();
bool blank(std::string_view text);
// The non-blank lines of `text`, trimmed.
std::vector<std::string> lines(std::string_view text);
// Case numbers typed or pasted: split on white space, commas, 、 and ；.
std::vector<std::string> caseNumbers(std::string_view text);

// A one-line text field with `label` on its left; the field is the last item drawn, so an
// exposeItem after it names the field alone.
void labelledField(const char* label, const char* id, const char* hint, std::string& text,
                   float width);

// A unit chosen from a filtered list. `among` (when given) limits the choice to those ids.
// Widgets: <name>.filter, <name>.option.<unit id>.
void unitPicker(const std::string& name, Session& session, std::string& filter, std::string& chosen,
                const std::vector<std::string>* among, float height);
// Several units ticked in a filtered list, with the chosen ones listed above it.
// Widgets: <name>.filter, <name>.unit.<unit id>.
void unitChecklist(const std::string& name, Session& session, std::string& filter,
                   std::vector<std::string>& chosen, const std::vector<std::string>* among,
                   float height);

// The mark of an open deadline, never colour alone: ▲ 逾期…, ● 剩余…（due soon）, 剩余…;
// √ 已办结 / 已销号 for closed ones. `unit` is 个工作日 or 天.
void dueMark(bool closed, bool overdue, bool hasLeft, int left, const char* unit,
             const char* closedText);

}  // namespace jm

class JmMembersView {
 public:
  void draw(Session& session, const JmAccess& access, float scale);
  void invalidate() { loaded_ = false; }

 private:
  struct Member {
    std::string unitId, unitName, liaisonName, liaisonPost, liaisonPhone, updatedAt;
    bool convener = false, office = false;
  };
  struct Change {
    std::string at, userName, field, oldValue, newValue;
  };
  void load(Session& session);
  void loadHistory(Session& session, const std::string& unitId);
  void beginEdit(const Member* member);
  void save(Session& session);
  void remove(Session& session, const std::string& unitId);
  void drawForm(Session& session, float scale);
  void drawHistory(Session& session);

  JmRequests net_;
  bool loaded_ = false, loading_ = false;
  std::string error_, notice_;
  std::vector<Member> members_;
  bool phonesMasked_ = true;
  std::string historyUnit_;
  std::vector<Change> history_;
  std::string historyError_;
  std::string confirmRemove_;  // the unit whose 移出 waits for confirmation

  // The add/change form.
  bool formOpen_ = false, adding_ = false, sending_ = false;
  std::string formUnit_, unitFilter_, name_, post_, phone_, phoneBefore_, formError_;
  bool convener_ = false, office_ = false;
};

class JmMeetingsView {
 public:
  void draw(Session& session, Navigator& nav, const JmAccess& access, float scale);
  void invalidate() { listLoaded_ = false; }

 private:
  enum class Form { None, Create, Agenda, Hold, Item, Apply, Done };
  struct Summary {
    int64_t id = 0;
    std::string kind, title, date, state;
    int items = 0, open = 0, overdue = 0;
  };
  struct AppliedCase {
    std::string caseId, effect, detail, appliedAt;
  };
  struct Item {
    int64_t id = 0;
    std::string text, ownerId, ownerName, due, dueRule, state, doneAt, doneNote;
    bool hasLeft = false;
    int left = 0;  // working days, negative when late
    std::vector<AppliedCase> cases;
  };
  struct Meeting {
    int64_t id = 0;
    std::string kind, title, date, state, minutes, heldAt, closedAt;
    std::vector<std::string> agenda, attendees;
    std::vector<Item> items;
  };

  void loadList(Session& session);
  void open(Session& session, int64_t id);
  void readMeeting(const JsonValue& root);
  void beginForm(Session& session, Form form, const Item* item = nullptr);
  void send(Session& session, Navigator& nav);
  void drawList(Session& session, const JmAccess& access, float scale);
  void drawMeeting(Session& session, Navigator& nav, const JmAccess& access, float scale);
  void drawItems(Session& session, Navigator& nav, const JmAccess& access);
  void drawForm(Session& session, Navigator& nav, float scale);
  void closeMeeting(Session& session);

  JmRequests net_;
  bool listLoaded_ = false, listLoading_ = false;
  std::string listError_, notice_;
  std::vector<Summary> meetings_;
  int64_t openId_ = 0;
  Meeting meeting_;
  std::string meetingError_;

  Form form_ = Form::None;
  int64_t formItem_ = 0;
  bool sending_ = false;
  std::string formError_;
  int kind_ = 0;  // 0 联席会议, 1 调度会
  std::string title_, date_, agenda_, attendeeFilter_, minutes_;
  std::vector<std::string> attendees_;
  std::string itemText_, ownerId_, ownerFilter_, itemDue_;
  bool dueByDate_ = false;
  int workingDays_ = 5;
  std::string applyCases_, applyUnit_, applyFilter_;
  int effect_ = 1;  // 0 改派承办单位, 1 按议定调整时限
  std::string doneNote_;
};

class JmListedView {
 public:
  void draw(Session& session, Navigator& nav, const JmAccess& access, float scale);
  void invalidate() { listLoaded_ = false; }

 private:
  enum class Form { None, Create, Progress, Close };
  struct Progress {
    std::string month, text, reportedAt;
    bool late = false;
  };
  struct Matter {
    int64_t id = 0;
    std::string title, ownerId, ownerName, startOn, dueOn, state;
    bool overdue = false, hasDaysLeft = false, hasLast = false;
    int daysLeft = 0;  // calendar days, negative when late
    Progress last;
    std::vector<std::string> missing;
    // Only in the answer for one matter:
    std::string description, plan, closedAt, closeReason;
    int64_t meetingId = 0;
    std::vector<std::string> caseIds;
    std::vector<Progress> progress;
  };
  static Matter readMatter(const JsonValue& v);
  void loadList(Session& session);
  void open(Session& session, int64_t id);
  void send(Session& session);
  void drawList(Session& session, const JmAccess& access, float scale);
  void drawMatter(Session& session, Navigator& nav, const JmAccess& access, float scale);
  void drawForm(Session& session, float scale);
  bool mayReport(const Session& session, const JmAccess& access) const;

  JmRequests net_;
  int filter_ = 0;  // 0 在办, 1 已销号, 2 全部
  bool listLoaded_ = false, listLoading_ = false;
  std::string listError_, notice_;
  std::vector<Matter> matters_;
  int64_t openId_ = 0;
  Matter matter_;
  std::string matterError_;

  Form form_ = Form::None;
  bool sending_ = false;
  std::string formError_;
  std::string title_, description_, plan_, ownerId_, ownerFilter_, startOn_, dueOn_, meetingId_,
      cases_;
  std::string month_, text_, reason_;
};

class JmBulletinsView {
 public:
  void draw(Session& session, const JmAccess& access, float scale);
  void invalidate() { loaded_ = false; }

 private:
  struct Recipient {
    std::string unitId;
    bool read = false;
  };
  struct Bulletin {
    int64_t id = 0;
    std::string title, body, state, createdAt, publishedAt;
    bool read = false;  // for a member unit: read by the unit
    std::vector<Recipient> recipients;
  };
  void load(Session& session, const JmAccess& access);
  void beginForm(const Bulletin* b);
  void send(Session& session);
  void drawForm(Session& session, float scale);
  void drawBulletin(Session& session, const JmAccess& access, const Bulletin& b);

  JmRequests net_;
  bool loaded_ = false, loading_ = false;
  std::string error_, notice_;
  std::vector<Bulletin> bulletins_;
  std::vector<std::string> memberUnits_;  // for the office's recipient list
  int64_t openId_ = 0;

  bool formOpen_ = false, sending_ = false;
  int64_t editing_ = 0;  // 0: a new bulletin
  std::string title_, body_, unitFilter_, formError_;
  std::vector<std::string> units_;
};

// The 联席会议 tab.
class JointMeeting {
 public:
  // Asks the server once per sign-in; true once it answered that this user may read.
  bool shownTo(Session& session);
  void draw(Session& session, Navigator& nav, float scale);

 private:
  JmRequests net_;
  JmAccess access_;
  bool asked_ = false;
  int tab_ = 1;  // 0 成员单位, 1 会议, 2 挂牌督办, 3 工作简报
  JmMembersView members_;
  JmMeetingsView meetings_;
  JmListedView listed_;
  JmBulletinsView bulletins_;
};

}  // namespace pcs::client
