// The joint meeting: access, membership with history, meetings and decided items, and the
// application of decided items to cases through the workflow.
//
// Sections: helpers | access | membership | meetings | decided items | applying to cases
#include "meetings.h"

#include <SQLiteCpp/Statement.h>
#include <rapidjson/document.h>

#include "audit.h"
#include "case_store.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/utf8.h"
#include "pcs/workflow.h"
#include "route_util.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr size_t kMaxTitleBytes = 400;
constexpr size_t kMaxItemBytes = 4000;
constexpr size_t kMaxMinutesBytes = 100000;
constexpr size_t kMaxCasesPerApply = 200;
constexpr int kMaxWorkingDays = 250;  // about a working year

std::string textOr(const SQLite::Column& c) {
  return c.isNull() ? "" : c.getString();
}

std::string jsonArray(const std::vector<std::string>& items) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartArray();
  for (const std::string& s : items)
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  return buf.GetString();
}

std::vector<std::string> parseArray(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  std::vector<std::string> out;
  if (!d.IsArray()) return out;
  for (const auto& v : d.GetArray())
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

void writeArray(JsonWriter& w, const char* key, const std::vector<std::string>& items) {
  w.Key(key);
  w.StartArray();
  for (const std::string& s : items)
    w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}

bool isCityHousing(const OrgUnit& u) {
  return u.kind == UnitKind::Department && u.handler == Handler::Housing &&
         u.level == OrgLevel::City;
}

void audit(SQLite::Database& tx, App& app, const CurrentUser& user, const std::string& action,
           const std::string& subject, const std::string& detail) {
  appendAudit(tx, {app.now(), user.id, user.unitId, action, subject, detail});
}

std::vector<std::string> checkedUnits(const Reference& ref, const std::vector<std::string>& ids,
                                      const char* field) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    requireUnit(ref, id, field);
    if (std::find(out.begin(), out.end(), id) != out.end())
      bad(std::string("'") + field + "' names unit '" + id + "' twice");
    out.push_back(id);
  }
  return out;
}

struct MeetingRow {
  std::string kind, title, date, state;
};

MeetingRow loadMeeting(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db, "SELECT kind, title, meeting_date, state FROM meetings WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no meeting " + std::to_string(id));
  return {st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
          st.getColumn(3).getString()};
}

const char* kindZh(const std::string& kind) {
  return kind == "joint" ? "联席会议" : "调度会";
}

}  // namespace

void writeStr(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

std::string requireText(const std::string& text, const char* field, size_t maxBytes) {
  if (text.size() > maxBytes)
    bad(std::string("'") + field + "' is longer than " + std::to_string(maxBytes) + " bytes");
  bool visible = false;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::decodeNext(text, pos);
    if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7F)
      bad(std::string("'") + field + "' contains control characters");
    visible |= !(cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000);
  }
  if (!visible) bad(std::string("'") + field + "' must not be empty");
  return text;
}

const OrgUnit& requireUnit(const Reference& ref, const std::string& id, const char* field) {
  const OrgUnit* u = ref.org.find(id);
  if (!u || !u->active) bad(std::string("'") + field + "': no active unit '" + id + "'");
  return *u;
}

const OrgUnit& requireOwnerUnit(SQLite::Database& db, const Reference& ref, const std::string& id,
                                const char* field) {
  const OrgUnit& u = requireUnit(ref, id, field);
  if (!isCityHousing(u) && !isMemberUnit(db, id))
    bad(std::string("'") + field + "': " + id + " (" + u.name +
        ") is not a member unit of the joint meeting; add it as a member unit first");
  return u;
}

void requireDateInRange(Date d, const char* field) {
  const Date first = Date::fromYmd(2000, 1, 1), last = Date::fromYmd(2100, 12, 31);
  if (d < first)
    bad(std::string("'") + field + "' " + d.toString() + " must not be before " + first.toString());
  if (last < d)
    bad(std::string("'") + field + "' " + d.toString() + " must not be after " + last.toString());
}

// ---- access ---------------------------------------------------------------------------------

bool isMemberUnit(SQLite::Database& db, const std::string& unitId) {
  SQLite::Statement st(db, "SELECT 1 FROM jm_members WHERE unit_id = ?");
  st.bind(1, unitId);
  return st.executeStep();
}

JointMeetingAccess jointMeetingAccess(const CurrentUser& user, const Reference& ref,
                                      SQLite::Database& db) {
  JointMeetingAccess a;
  const OrgUnit* unit = ref.org.find(user.unitId);
  const bool cityHousing = unit && unit->active && isCityHousing(*unit);
  const bool office = cityHousing && (user.has(Role::Dispatcher) || user.has(Role::UnitHead));
  a.edit = office || user.has(Role::Admin);
  a.seePhones = office;
  a.officeHead = (cityHousing && user.has(Role::UnitHead)) || user.has(Role::Admin);
  a.read = a.edit || cityHousing || user.has(Role::Oversight) ||
           (unit && unit->active && isMemberUnit(db, unit->id));
  return a;
}

void requireRead(const JointMeetingAccess& a) {
  if (!a.read)
    throw Error(ErrorCode::Forbidden, "联席会议的内容仅限联席会议办公室、成员单位和监督单位查看");
}

void requireEdit(const JointMeetingAccess& a) {
  if (!a.edit)
    throw Error(ErrorCode::Forbidden,
                "只有联席会议办公室（市级住建部门的分转员、负责人）或系统管理员可以修改");
}

// ---- membership -----------------------------------------------------------------------------

void saveMember(App& app, const CurrentUser& user, const MemberChange& ch) {
  auto ref = app.reference();
  requireUnit(*ref, ch.unitId, "unit_id");
  auto checkField = [](const std::optional<std::string>& v, const char* field, size_t max) {
    if (!v) return;
    if (v->size() > max)
      bad(std::string("'") + field + "' is longer than " + std::to_string(max) + " bytes");
    for (size_t pos = 0; pos < v->size();)
      if (utf8::decodeNext(*v, pos) < 0x20)
        bad(std::string("'") + field + "' contains control characters");
  };
  checkField(ch.liaisonName, "liaison_name", 100);
  checkField(ch.liaisonPost, "liaison_post", 200);
  checkField(ch.liaisonPhone, "liaison_phone", 40);
  if (ch.liaisonPhone && !ch.liaisonPhone->empty() &&
      ch.liaisonPhone->find_first_not_of("0123456789-+ ()") != std::string::npos)
    bad("'liaison_phone' may hold digits, spaces and - + ( ) only");

  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    struct Row {
      bool convener = false, office = false;
      std::string name, post, phone;
    } before, after;
    bool exists = false;
    {
      SQLite::Statement st(tx,
                           "SELECT convener, office, liaison_name, liaison_post, liaison_phone "
                           "FROM jm_members WHERE unit_id = ?");
      st.bind(1, ch.unitId);
      if (st.executeStep()) {
        exists = true;
        before = {st.getColumn(0).getInt() != 0, st.getColumn(1).getInt() != 0,
                  st.getColumn(2).getString(), st.getColumn(3).getString(),
                  st.getColumn(4).getString()};
      }
    }
    after = before;
    if (ch.convener) after.convener = *ch.convener;
    if (ch.office) after.office = *ch.office;
    if (ch.liaisonName) after.name = *ch.liaisonName;
    if (ch.liaisonPost) after.post = *ch.liaisonPost;
    if (ch.liaisonPhone) after.phone = *ch.liaisonPhone;
    auto another = [&](const char* column) {
      SQLite::Statement st(tx, std::string("SELECT unit_id FROM jm_members WHERE ") + column +
                                   " = 1 AND unit_id <> ?");
      st.bind(1, ch.unitId);
      return st.executeStep() ? st.getColumn(0).getString() : std::string();
    };
    if (after.convener && !another("convener").empty())
      bad("召集单位已是 " + another("convener") + "，请先取消");
    if (after.office && !another("office").empty())
      bad("联席会议办公室已设在 " + another("office") + "，请先取消");

    SQLite::Statement hist(tx,
                           "INSERT INTO jm_member_history(at, user_id, unit_id, field, old_value, "
                           "new_value) VALUES(?,?,?,?,?,?)");
    int changes = 0;
    auto record = [&](const char* field, const std::string& o, const std::string& n) {
      if (exists && o == n) return;
      hist.reset();
      hist.bind(1, now);
      hist.bind(2, user.id);
      hist.bind(3, ch.unitId);
      hist.bind(4, field);
      hist.bind(5, exists ? o : std::string("-"));
      hist.bind(6, n);
      hist.exec();
      ++changes;
    };
    auto yn = [](bool b) { return std::string(b ? "是" : "否"); };
    if (!exists) record("member", "", "加入");
    record("convener", yn(before.convener), yn(after.convener));
    record("office", yn(before.office), yn(after.office));
    record("liaison_name", before.name, after.name);
    record("liaison_post", before.post, after.post);
    record("liaison_phone", before.phone, after.phone);
    if (changes == 0) return;

    SQLite::Statement up(tx,
                         "INSERT OR REPLACE INTO jm_members(unit_id, convener, office, "
                         "liaison_name, liaison_post, liaison_phone, updated_at, updated_by) "
                         "VALUES(?,?,?,?,?,?,?,?)");
    up.bind(1, ch.unitId);
    up.bind(2, after.convener ? 1 : 0);
    up.bind(3, after.office ? 1 : 0);
    up.bind(4, after.name);
    up.bind(5, after.post);
    up.bind(6, after.phone);
    up.bind(7, now);
    up.bind(8, user.id);
    up.exec();
    // The audit entry names the fields, never the phone number itself.
    audit(tx, app, user, exists ? "jm.member_update" : "jm.member_add", "unit:" + ch.unitId,
          exists ? "修改联席会议成员单位信息（" + std::to_string(changes) + "项）"
                 : "加入联席会议成员单位");
  });
}

void removeMember(App& app, const CurrentUser& user, const std::string& unitId) {
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement del(tx, "DELETE FROM jm_members WHERE unit_id = ?");
    del.bind(1, unitId);
    if (del.exec() == 0) throw Error(ErrorCode::NotFound, unitId + " is not a member unit");
    SQLite::Statement hist(tx,
                           "INSERT INTO jm_member_history(at, user_id, unit_id, field, old_value, "
                           "new_value) VALUES(?,?,?,'member','成员单位','退出')");
    hist.bind(1, now);
    hist.bind(2, user.id);
    hist.bind(3, unitId);
    hist.exec();
    audit(tx, app, user, "jm.member_remove", "unit:" + unitId, "退出联席会议成员单位");
  });
}

void auditPhoneView(App& app, const CurrentUser& user, const std::string& what) {
  app.db().write([&](SQLite::Database& tx) {
    audit(tx, app, user, "pii.view", "joint-meeting:liaisons", what);
  });
}

void writeMembers(JsonWriter& w, App& app, const JointMeetingAccess& access) {
  auto ref = app.reference();
  SQLite::Statement st(app.db().reader(),
                       "SELECT unit_id, convener, office, liaison_name, liaison_post, "
                       "liaison_phone, updated_at FROM jm_members ORDER BY convener DESC, "
                       "office DESC, unit_id");
  w.StartObject();
  w.Key("members");
  w.StartArray();
  while (st.executeStep()) {
    const std::string id = st.getColumn(0).getString();
    const OrgUnit* u = ref->org.find(id);
    const std::string phone = st.getColumn(5).getString();
    w.StartObject();
    writeStr(w, "unit_id", id);
    writeStr(w, "unit_name", u ? u->name : id);
    w.Key("convener");
    w.Bool(st.getColumn(1).getInt() != 0);
    w.Key("office");
    w.Bool(st.getColumn(2).getInt() != 0);
    writeStr(w, "liaison_name", st.getColumn(3).getString());
    writeStr(w, "liaison_post", st.getColumn(4).getString());
    writeStr(w, "liaison_phone", access.seePhones ? phone : maskContact(phone));
    writeStr(w, "updated_at", formatCst(st.getColumn(6).getInt64()));
    w.EndObject();
  }
  w.EndArray();
  w.Key("phones_masked");
  w.Bool(!access.seePhones);
  w.EndObject();
}

void writeMemberHistory(JsonWriter& w, App& app, const JointMeetingAccess& access,
                        const std::string& unitId) {
  SQLite::Statement st(app.db().reader(),
                       "SELECT h.at, h.user_id, COALESCE(u.display_name, h.user_id), h.unit_id, "
                       "h.field, h.old_value, h.new_value FROM jm_member_history h "
                       "LEFT JOIN users u ON u.id = h.user_id "
                       "WHERE (? = '' OR h.unit_id = ?) ORDER BY h.id");
  st.bind(1, unitId);
  st.bind(2, unitId);
  w.StartObject();
  w.Key("history");
  w.StartArray();
  while (st.executeStep()) {
    const std::string field = st.getColumn(4).getString();
    auto value = [&](int col) {
      const std::string v = st.getColumn(col).getString();
      return field == "liaison_phone" && !access.seePhones && v != "-" ? maskContact(v) : v;
    };
    w.StartObject();
    writeStr(w, "at", formatCst(st.getColumn(0).getInt64()));
    writeStr(w, "user_id", st.getColumn(1).getString());
    writeStr(w, "user_name", st.getColumn(2).getString());
    writeStr(w, "unit_id", st.getColumn(3).getString());
    writeStr(w, "field", field);
    writeStr(w, "old", value(5));
    writeStr(w, "new", value(6));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// ---- meetings -------------------------------------------------------------------------------

namespace {

void checkMeetingInput(const Reference& ref, MeetingInput& in) {
  if (in.kind != "joint" && in.kind != "dispatch") bad("'kind' must be joint or dispatch");
  requireText(in.title, "title", kMaxTitleBytes);
  requireDateInRange(in.date, "date");
  for (const std::string& a : in.agenda) requireText(a, "agenda[]", kMaxItemBytes);
  in.attendees = checkedUnits(ref, in.attendees, "attendees");
}

}  // namespace

int64_t createMeeting(App& app, const CurrentUser& user, const MeetingInput& input) {
  MeetingInput in = input;
  checkMeetingInput(*app.reference(), in);
  return app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement st(tx,
                         "INSERT INTO meetings(kind, title, meeting_date, agenda, attendees, "
                         "created_at, created_by) VALUES(?,?,?,?,?,?,?)");
    st.bind(1, in.kind);
    st.bind(2, in.title);
    st.bind(3, in.date.toString());
    st.bind(4, jsonArray(in.agenda));
    st.bind(5, jsonArray(in.attendees));
    st.bind(6, app.now());
    st.bind(7, user.id);
    st.exec();
    const int64_t id = tx.getLastInsertRowid();
    audit(
        tx, app, user, "meeting.create", "meeting:" + std::to_string(id),
        std::string("新建") + kindZh(in.kind) + "：" + in.title + "（" + in.date.toString() + "）");
    return id;
  });
}

void editMeeting(App& app, const CurrentUser& user, int64_t id, const MeetingInput& input) {
  MeetingInput in = input;
  checkMeetingInput(*app.reference(), in);
  app.db().write([&](SQLite::Database& tx) {
    const MeetingRow m = loadMeeting(tx, id);
    if (m.state != "draft")
      throw Error(ErrorCode::Conflict, "会议已召开，议题和参会单位不能再修改");
    SQLite::Statement st(tx,
                         "UPDATE meetings SET kind=?, title=?, meeting_date=?, agenda=?, "
                         "attendees=? WHERE id=?");
    st.bind(1, in.kind);
    st.bind(2, in.title);
    st.bind(3, in.date.toString());
    st.bind(4, jsonArray(in.agenda));
    st.bind(5, jsonArray(in.attendees));
    st.bind(6, id);
    st.exec();
    audit(tx, app, user, "meeting.edit", "meeting:" + std::to_string(id),
          "修改会议议题：" + std::to_string(in.agenda.size()) + "项，参会单位" +
              std::to_string(in.attendees.size()) + "个");
  });
}

void holdMeeting(App& app, const CurrentUser& user, int64_t id, const std::string& minutes,
                 const std::optional<std::vector<std::string>>& attendees) {
  requireText(minutes, "minutes", kMaxMinutesBytes);
  std::optional<std::vector<std::string>> units;
  if (attendees) units = checkedUnits(*app.reference(), *attendees, "attendees");
  app.db().write([&](SQLite::Database& tx) {
    const MeetingRow m = loadMeeting(tx, id);
    if (m.state != "draft") throw Error(ErrorCode::Conflict, "会议已召开，不能重复登记纪要");
    if (cstDate(app.now()) < *Date::parse(m.date))
      throw Error(ErrorCode::Conflict, "会议日期 " + m.date + " 尚未到，不能登记纪要");
    SQLite::Statement st(tx,
                         "UPDATE meetings SET state='held', minutes=?, held_at=?, "
                         "attendees=COALESCE(?, attendees) WHERE id=?");
    st.bind(1, minutes);
    st.bind(2, app.now());
    if (units)
      st.bind(3, jsonArray(*units));
    else
      st.bind(3);
    st.bind(4, id);
    st.exec();
    audit(tx, app, user, "meeting.hold", "meeting:" + std::to_string(id), "登记会议纪要");
  });
}

void closeMeeting(App& app, const CurrentUser& user, int64_t id) {
  app.db().write([&](SQLite::Database& tx) {
    const MeetingRow m = loadMeeting(tx, id);
    if (m.state != "held") throw Error(ErrorCode::Conflict, "只有已召开的会议可以关闭");
    SQLite::Statement open(
        tx, "SELECT COUNT(*) FROM decided_items WHERE meeting_id=? AND state='open'");
    open.bind(1, id);
    open.executeStep();
    if (const int n = open.getColumn(0).getInt(); n > 0)
      throw Error(ErrorCode::Conflict,
                  "还有" + std::to_string(n) + "项议定事项未办结，不能关闭会议");
    SQLite::Statement st(tx, "UPDATE meetings SET state='closed', closed_at=? WHERE id=?");
    st.bind(1, app.now());
    st.bind(2, id);
    st.exec();
    audit(tx, app, user, "meeting.close", "meeting:" + std::to_string(id),
          "议定事项全部办结，关闭会议");
  });
}

// ---- decided items --------------------------------------------------------------------------

int64_t addDecidedItem(App& app, const CurrentUser& user, int64_t meetingId, const ItemInput& in) {
  auto ref = app.reference();
  requireText(in.text, "text", kMaxItemBytes);
  requireUnit(*ref, in.ownerUnitId, "owner_unit_id");
  if (in.due) requireDateInRange(*in.due, "due");
  if (in.due.has_value() == in.workingDays.has_value())
    bad("give either 'due' (a date) or 'working_days', not both or neither");
  if (in.workingDays && (*in.workingDays < 1 || *in.workingDays > kMaxWorkingDays))
    bad("'working_days' must be 1 to " + std::to_string(kMaxWorkingDays));
  return app.db().write([&](SQLite::Database& tx) {
    const MeetingRow m = loadMeeting(tx, meetingId);
    if (m.state != "held")
      throw Error(ErrorCode::Conflict,
                  "议定事项在会议召开后（登记纪要后）录入，会议已关闭的不能再增加");
    requireOwnerUnit(tx, *ref, in.ownerUnitId, "owner_unit_id");
    const Date meetingDate = *Date::parse(m.date);
    Date due;
    std::string rule;
    if (in.workingDays) {
      Rule r;
      r.id = "D";
      r.unit = RuleUnit::WorkingDays;
      r.amount = *in.workingDays;
      due = computeDeadline(r, meetingDate, ref->calendar).due;
      rule = "自会议之日起" + std::to_string(*in.workingDays) + "个工作日";
    } else {
      due = *in.due;
      if (due < meetingDate) bad("'due' " + due.toString() + " is before the meeting " + m.date);
      rule = "指定日期";
    }
    SQLite::Statement st(tx,
                         "INSERT INTO decided_items(meeting_id, text, owner_unit_id, due, "
                         "due_rule) VALUES(?,?,?,?,?)");
    st.bind(1, meetingId);
    st.bind(2, in.text);
    st.bind(3, in.ownerUnitId);
    st.bind(4, due.toString());
    st.bind(5, rule);
    st.exec();
    const int64_t id = tx.getLastInsertRowid();
    audit(tx, app, user, "meeting.item_add", "meeting:" + std::to_string(meetingId),
          "议定事项" + std::to_string(id) + "：责任单位 " + ref->org.get(in.ownerUnitId).name +
              "，时限 " + due.toString());
    return id;
  });
}

namespace {

struct ItemRow {
  std::string text, ownerUnitId, due, state;
};

ItemRow loadItem(SQLite::Database& db, int64_t meetingId, int64_t itemId) {
  SQLite::Statement st(db,
                       "SELECT text, owner_unit_id, due, state FROM decided_items "
                       "WHERE id=? AND meeting_id=?");
  st.bind(1, itemId);
  st.bind(2, meetingId);
  if (!st.executeStep())
    throw Error(ErrorCode::NotFound, "meeting " + std::to_string(meetingId) +
                                         " has no decided item " + std::to_string(itemId));
  return {st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString(),
          st.getColumn(3).getString()};
}

}  // namespace

void completeItem(App& app, const CurrentUser& user, int64_t meetingId, int64_t itemId,
                  const std::string& note) {
  requireText(note, "note", kMaxItemBytes);
  app.db().write([&](SQLite::Database& tx) {
    const ItemRow item = loadItem(tx, meetingId, itemId);
    if (item.state != "open") throw Error(ErrorCode::Conflict, "该议定事项已办结");
    SQLite::Statement st(tx,
                         "UPDATE decided_items SET state='done', done_at=?, done_by=?, "
                         "done_note=? WHERE id=?");
    st.bind(1, app.now());
    st.bind(2, user.id);
    st.bind(3, note);
    st.bind(4, itemId);
    st.exec();
    audit(tx, app, user, "meeting.item_done", "meeting:" + std::to_string(meetingId),
          "议定事项" + std::to_string(itemId) + "办结：" + note);
  });
}

// ---- applying to cases ----------------------------------------------------------------------

void applyItemToCases(App& app, const CurrentUser& user, int64_t meetingId, int64_t itemId,
                      const std::vector<std::string>& caseIds, const std::string& effect,
                      const std::string& unitId) {
  if (effect != "handler" && effect != "deadline") bad("'effect' must be handler or deadline");
  if (caseIds.empty()) bad("'case_ids' must name at least one case");
  if (caseIds.size() > kMaxCasesPerApply)
    bad("'case_ids' names more than " + std::to_string(kMaxCasesPerApply) + " cases");
  for (size_t i = 0; i < caseIds.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (caseIds[i] == caseIds[j]) bad("'case_ids' names " + caseIds[i] + " twice");
  auto ref = app.reference();
  const OrgUnit* me = ref->org.find(user.unitId);
  if (!me) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  const Visibility visibility = visibilityFor(*me, ref->org);
  const int64_t now = app.now();
  const WorkflowContext ctx{ref->org, ref->calendar, ref->rules, now};
  const Actor actor = user.actor();

  app.db().write([&](SQLite::Database& tx) {
    const MeetingRow m = loadMeeting(tx, meetingId);
    const ItemRow item = loadItem(tx, meetingId, itemId);
    if (m.state != "held")
      throw Error(ErrorCode::Conflict, "只有已召开、未关闭的会议的议定事项可以落实到案件");
    if (item.state != "open") throw Error(ErrorCode::Conflict, "该议定事项已办结");
    const std::string target = unitId.empty() ? item.ownerUnitId : unitId;
    if (effect == "handler") requireUnit(*ref, target, "unit_id");
    const std::string reason = std::string(kindZh(m.kind)) + "“" + m.title + "”（" + m.date +
                               "）议定事项" + std::to_string(itemId) + "：" + item.text;

    SQLite::Statement link(tx,
                           "INSERT INTO decided_item_cases(item_id, case_id, effect, detail, "
                           "applied_at, applied_by) VALUES(?,?,?,?,?,?)");
    SQLite::Statement moved(tx,
                            "INSERT INTO deadline_changes(at, case_id, change, cause) "
                            "VALUES(?,?,?,?)");
    for (const std::string& id : caseIds) {
      // A case outside the user's scope does not exist for them, as everywhere else.
      if (!CaseStore::visible(tx, id, visibility)) bad("no case " + id);
      auto stored = CaseStore::load(tx, id);
      if (!stored) bad("no case " + id);
      Case c = stored->value;
      const size_t eventsBefore = c.events.size();
      std::vector<std::string> deadlineMoves;
      // The workflow's refusal names no case; with several cases the office must see which.
      auto applyToCase = [&](const Command& cmd) {
        try {
          apply(c, cmd, actor, ctx);
        } catch (const Error& e) {
          throw Error(e.code(), "案件 " + id + "：" + e.what());
        }
      };

      if (effect == "handler") {
        Command cmd;
        cmd.action = Action::Dispatch;
        cmd.reason = reason;
        cmd.targets = {{target, {}}};
        applyToCase(cmd);
      } else {
        for (const Assignment& a : stored->value.assignments) {
          if (a.state != AssignmentState::Dispatched && a.state != AssignmentState::Accepted &&
              a.state != AssignmentState::PlanSubmitted)
            continue;
          const std::string before = a.resolveDue ? a.resolveDue->due.toString() : "-";
          Command cmd;
          cmd.action = Action::SetDecidedDeadline;
          cmd.assignmentId = a.id;
          cmd.reason = reason;
          cmd.to = *Date::parse(item.due);
          applyToCase(cmd);
          const Assignment& after = *c.assignment(a.id);
          const std::string nowDue = after.resolveDue ? after.resolveDue->due.toString() : "-";
          if (nowDue != before)
            deadlineMoves.push_back("承办" + std::to_string(a.id) + " D: " + before + " -> " +
                                    nowDue);
        }
        if (c.events.size() == eventsBefore)
          throw Error(ErrorCode::Conflict, "案件 " + id + " 没有正在办理的承办，无法调整时限");
      }

      CaseStore::update(tx, c, stored->version, now);
      std::string summary;
      for (size_t i = eventsBefore; i < c.events.size(); ++i) {
        const Event& e = c.events[i];
        const Action act = *actionFromKey(e.action);
        audit(tx, app, user, std::string("case.") + e.action, "case:" + id,
              std::string(actionZh(act)) +
                  (e.assignmentId ? "（承办" + std::to_string(e.assignmentId) + "）" : "") +
                  "；理由：" + e.reason + (e.detail.empty() ? "" : "；" + e.detail));
        summary += (summary.empty() ? "" : "；") + e.detail;
      }
      for (const std::string& change : deadlineMoves) {
        moved.reset();
        moved.bind(1, now);
        moved.bind(2, id);
        moved.bind(3, change);
        moved.bind(4, reason);
        moved.exec();
      }
      link.reset();
      link.bind(1, itemId);
      link.bind(2, id);
      link.bind(3, effect);
      link.bind(4, summary);
      link.bind(5, now);
      link.bind(6, user.id);
      try {
        link.exec();
      } catch (const SQLite::Exception&) {
        throw Error(ErrorCode::Conflict,
                    "议定事项" + std::to_string(itemId) + "已按同一方式落实到案件 " + id);
      }
    }
    audit(tx, app, user, "meeting.item_apply", "meeting:" + std::to_string(meetingId),
          "议定事项" + std::to_string(itemId) + "落实到" + std::to_string(caseIds.size()) +
              "件案件（" + (effect == "handler" ? "调整承办单位" : "调整办结时限") + "）");
  });
}

// ---- views ----------------------------------------------------------------------------------

void writeMeetingList(JsonWriter& w, App& app) {
  const std::string today = cstDate(app.now()).toString();
  SQLite::Statement st(app.db().reader(),
                       "SELECT m.id, m.kind, m.title, m.meeting_date, m.state, "
                       "(SELECT COUNT(*) FROM decided_items d WHERE d.meeting_id = m.id), "
                       "(SELECT COUNT(*) FROM decided_items d WHERE d.meeting_id = m.id AND "
                       " d.state = 'open'), "
                       "(SELECT COUNT(*) FROM decided_items d WHERE d.meeting_id = m.id AND "
                       " d.state = 'open' AND d.due < ?) "
                       "FROM meetings m ORDER BY m.meeting_date DESC, m.id DESC LIMIT 500");
  st.bind(1, today);
  w.StartObject();
  w.Key("meetings");
  w.StartArray();
  while (st.executeStep()) {
    w.StartObject();
    w.Key("id");
    w.Int64(st.getColumn(0).getInt64());
    writeStr(w, "kind", st.getColumn(1).getString());
    writeStr(w, "title", st.getColumn(2).getString());
    writeStr(w, "date", st.getColumn(3).getString());
    writeStr(w, "state", st.getColumn(4).getString());
    w.Key("items");
    w.Int(st.getColumn(5).getInt());
    w.Key("items_open");
    w.Int(st.getColumn(6).getInt());
    w.Key("items_overdue");
    w.Int(st.getColumn(7).getInt());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void writeMeeting(JsonWriter& w, App& app, int64_t id) {
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  const Date today = cstDate(app.now());
  SQLite::Statement st(db,
                       "SELECT kind, title, meeting_date, agenda, attendees, minutes, state, "
                       "created_at, held_at, closed_at FROM meetings WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no meeting " + std::to_string(id));
  w.StartObject();
  w.Key("id");
  w.Int64(id);
  writeStr(w, "kind", st.getColumn(0).getString());
  writeStr(w, "title", st.getColumn(1).getString());
  writeStr(w, "date", st.getColumn(2).getString());
  writeArray(w, "agenda", parseArray(st.getColumn(3).getString()));
  writeArray(w, "attendees", parseArray(st.getColumn(4).getString()));
  writeStr(w, "minutes", st.getColumn(5).getString());
  writeStr(w, "state", st.getColumn(6).getString());
  writeStr(w, "created_at", formatCst(st.getColumn(7).getInt64()));
  writeStr(w, "held_at", st.getColumn(8).isNull() ? "" : formatCst(st.getColumn(8).getInt64()));
  writeStr(w, "closed_at", st.getColumn(9).isNull() ? "" : formatCst(st.getColumn(9).getInt64()));

  SQLite::Statement items(db,
                          "SELECT id, text, owner_unit_id, due, due_rule, state, done_at, "
                          "done_note FROM decided_items WHERE meeting_id = ? ORDER BY id");
  items.bind(1, id);
  SQLite::Statement cases(db,
                          "SELECT case_id, effect, detail, applied_at FROM decided_item_cases "
                          "WHERE item_id = ? ORDER BY applied_at, case_id");
  w.Key("items");
  w.StartArray();
  while (items.executeStep()) {
    const int64_t itemId = items.getColumn(0).getInt64();
    const std::string owner = items.getColumn(2).getString();
    const Date due = *Date::parse(items.getColumn(3).getString());
    const std::string state = items.getColumn(5).getString();
    const OrgUnit* u = ref->org.find(owner);
    w.StartObject();
    w.Key("id");
    w.Int64(itemId);
    writeStr(w, "text", items.getColumn(1).getString());
    writeStr(w, "owner_unit_id", owner);
    writeStr(w, "owner_unit_name", u ? u->name : owner);
    writeStr(w, "due", due.toString());
    writeStr(w, "due_rule", items.getColumn(4).getString());
    // Overdue is computed, never stored: an open item past its due date.
    writeStr(w, "state", state == "open" && due < today ? "overdue" : state);
    if (state == "open") {
      w.Key("working_days_left");
      w.Int(workingDaysLeft(due, today, ref->calendar));
    }
    writeStr(w, "done_at",
             items.getColumn(6).isNull() ? "" : formatCst(items.getColumn(6).getInt64()));
    writeStr(w, "done_note", textOr(items.getColumn(7)));
    cases.reset();
    cases.bind(1, itemId);
    w.Key("cases");
    w.StartArray();
    while (cases.executeStep()) {
      w.StartObject();
      writeStr(w, "case_id", cases.getColumn(0).getString());
      writeStr(w, "effect", cases.getColumn(1).getString());
      writeStr(w, "detail", cases.getColumn(2).getString());
      writeStr(w, "applied_at", formatCst(cases.getColumn(3).getInt64()));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace pcs::server
