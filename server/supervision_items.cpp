// Listed supervision (挂牌督办): listing, monthly progress, clearing, and the meeting board.
//
// Sections: helpers | listing | progress | clearing | views | board
#include "supervision_items.h"

#include <SQLiteCpp/Statement.h>

#include <cstdio>

#include "audit.h"
#include "case_store.h"
#include "pcs/error.h"
#include "route_util.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr size_t kMaxTitle = 400;
constexpr size_t kMaxText = 20000;
constexpr size_t kMaxLinkedCases = 200;

// "YYYY-MM" of a date.
std::string monthOf(Date d) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04d-%02d", d.year(), d.month());
  return buf;
}

// The first day of "YYYY-MM", or nullopt when the text is not a month.
std::optional<Date> parseMonth(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  return Date::parse(text + "-01");
}

struct MatterRow {
  std::string ownerUnitId, state, startOn;
};

MatterRow loadMatter(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db, "SELECT owner_unit_id, state, start_on FROM listed_matters WHERE id=?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no listed matter " + std::to_string(id));
  return {st.getColumn(0).getString(), st.getColumn(1).getString(), st.getColumn(2).getString()};
}

// Months from the start month up to, not including, the current month that have no report:
// each of them is over and its report is missing.
std::vector<std::string> missingMonths(SQLite::Database& db, int64_t id, Date start, Date today) {
  std::vector<std::string> out;
  SQLite::Statement has(db, "SELECT 1 FROM listed_progress WHERE matter_id=? AND month=?");
  const Date thisMonth = Date::fromYmd(today.year(), today.month(), 1);
  for (Date m = Date::fromYmd(start.year(), start.month(), 1); m < thisMonth; m = m.addMonths(1)) {
    has.reset();
    has.bind(1, id);
    has.bind(2, monthOf(m));
    if (!has.executeStep()) out.push_back(monthOf(m));
  }
  return out;
}

}  // namespace

// ---- listing --------------------------------------------------------------------------------

int64_t createListedMatter(App& app, const CurrentUser& user, const ListedMatterInput& in) {
  auto ref = app.reference();
  requireText(in.title, "title", kMaxTitle);
  requireText(in.description, "description", kMaxText);
  requireText(in.plan, "plan", kMaxText);
  requireUnit(*ref, in.ownerUnitId, "owner_unit_id");
  requireDateInRange(in.startOn, "start_on");
  requireDateInRange(in.dueOn, "due_on");
  if (!(in.startOn < in.dueOn)) bad("'due_on' must be after 'start_on'");
  if (in.caseIds.size() > kMaxLinkedCases) bad("'case_ids' names more than 200 cases");
  const OrgUnit* me = ref->org.find(user.unitId);
  if (!me) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  const Visibility visibility = visibilityFor(*me, ref->org);

  return app.db().write([&](SQLite::Database& tx) {
    // The owner reads what it reports on: a member unit (or the office's own authority).
    const OrgUnit& owner = requireOwnerUnit(tx, *ref, in.ownerUnitId, "owner_unit_id");
    if (in.meetingId) {
      SQLite::Statement m(tx, "SELECT 1 FROM meetings WHERE id=?");
      m.bind(1, *in.meetingId);
      if (!m.executeStep()) bad("'meeting_id': no meeting " + std::to_string(*in.meetingId));
    }
    SQLite::Statement st(tx,
                         "INSERT INTO listed_matters(title, description, owner_unit_id, plan, "
                         "start_on, due_on, meeting_id, created_at, created_by) "
                         "VALUES(?,?,?,?,?,?,?,?,?)");
    st.bind(1, in.title);
    st.bind(2, in.description);
    st.bind(3, in.ownerUnitId);
    st.bind(4, in.plan);
    st.bind(5, in.startOn.toString());
    st.bind(6, in.dueOn.toString());
    if (in.meetingId)
      st.bind(7, *in.meetingId);
    else
      st.bind(7);
    st.bind(8, app.now());
    st.bind(9, user.id);
    st.exec();
    const int64_t id = tx.getLastInsertRowid();
    SQLite::Statement link(tx, "INSERT INTO listed_matter_cases(matter_id, case_id) VALUES(?,?)");
    for (const std::string& c : in.caseIds) {
      if (!CaseStore::visible(tx, c, visibility)) bad("'case_ids': no case " + c);
      link.reset();
      link.bind(1, id);
      link.bind(2, c);
      try {
        link.exec();
      } catch (const SQLite::Exception&) {
        bad("'case_ids' names " + c + " twice");
      }
    }
    appendAudit(
        tx, {app.now(), user.id, user.unitId, "listed.create", "listed:" + std::to_string(id),
             "挂牌督办：" + in.title + "；责任单位 " + owner.name + "；" + in.startOn.toString() +
                 " 至 " + in.dueOn.toString()});
    return id;
  });
}

// ---- progress -------------------------------------------------------------------------------

void reportProgress(App& app, const CurrentUser& user, const JointMeetingAccess& access,
                    int64_t matterId, const std::string& month, const std::string& text) {
  requireText(text, "text", kMaxText);
  const std::optional<Date> first = parseMonth(month);
  if (!first) bad("'month' must be a month YYYY-MM, got '" + month + "'");
  const Date today = cstDate(app.now());
  app.db().write([&](SQLite::Database& tx) {
    const MatterRow m = loadMatter(tx, matterId);
    const bool ownerStaff =
        user.unitId == m.ownerUnitId &&
        (user.has(Role::Handler) || user.has(Role::UnitHead) || user.has(Role::Dispatcher));
    if (!ownerStaff && !access.edit)
      throw Error(ErrorCode::Forbidden, "进展情况由责任单位或联席会议办公室报送");
    // The owner reports only while it may read the matter: an owner unit that has left the
    // joint meeting since the listing reports through the office.
    if (!access.edit && !access.read)
      throw Error(ErrorCode::Forbidden,
                  "贵单位已不是联席会议成员单位，进展情况请由联席会议办公室报送");
    if (m.state != "open") throw Error(ErrorCode::Conflict, "该事项已销号清零");
    const Date start = *Date::parse(m.startOn);
    if (month < monthOf(start)) bad("'month' " + month + " is before the matter started");
    if (month > monthOf(today)) bad("'month' " + month + " has not begun yet");
    // Late: filed after the month it reports on had ended.
    const bool late = today >= first->addMonths(1);
    SQLite::Statement st(tx,
                         "INSERT INTO listed_progress(matter_id, month, text, reported_at, "
                         "reported_by, late) VALUES(?,?,?,?,?,?)");
    st.bind(1, matterId);
    st.bind(2, month);
    st.bind(3, text);
    st.bind(4, app.now());
    st.bind(5, user.id);
    st.bind(6, late ? 1 : 0);
    try {
      st.exec();
    } catch (const SQLite::Exception&) {
      throw Error(ErrorCode::Conflict, month + " 的进展情况已报送，每月一次");
    }
    appendAudit(tx, {app.now(), user.id, user.unitId, "listed.progress",
                     "listed:" + std::to_string(matterId),
                     month + " 进展情况" + (late ? "（逾期报送）" : "")});
  });
}

// ---- clearing -------------------------------------------------------------------------------

void closeListedMatter(App& app, const CurrentUser& user, const JointMeetingAccess& access,
                       int64_t matterId, const std::string& reason) {
  if (!access.officeHead)
    throw Error(ErrorCode::Forbidden, "销号清零须由联席会议办公室负责人（市级住建部门负责人）办理");
  requireText(reason, "reason", kMaxText);
  app.db().write([&](SQLite::Database& tx) {
    const MatterRow m = loadMatter(tx, matterId);
    if (m.state != "open") throw Error(ErrorCode::Conflict, "该事项已销号清零");
    SQLite::Statement st(tx,
                         "UPDATE listed_matters SET state='closed', closed_at=?, closed_by=?, "
                         "close_reason=? WHERE id=?");
    st.bind(1, app.now());
    st.bind(2, user.id);
    st.bind(3, reason);
    st.bind(4, matterId);
    st.exec();
    appendAudit(tx, {app.now(), user.id, user.unitId, "listed.close",
                     "listed:" + std::to_string(matterId), "销号清零：" + reason});
  });
}

// ---- views ----------------------------------------------------------------------------------

namespace {

// The fields a list, a matter and the board share. No personal data: names of units only.
void writeMatterSummary(JsonWriter& w, SQLite::Database& db, const Reference& ref, Date today,
                        SQLite::Statement& row) {
  const int64_t id = row.getColumn(0).getInt64();
  const std::string owner = row.getColumn(2).getString();
  const Date start = *Date::parse(row.getColumn(3).getString());
  const Date due = *Date::parse(row.getColumn(4).getString());
  const std::string state = row.getColumn(5).getString();
  const OrgUnit* u = ref.org.find(owner);
  w.Key("id");
  w.Int64(id);
  writeStr(w, "title", row.getColumn(1).getString());
  writeStr(w, "owner_unit_id", owner);
  writeStr(w, "owner_unit_name", u ? u->name : owner);
  writeStr(w, "start_on", start.toString());
  writeStr(w, "due_on", due.toString());
  writeStr(w, "state", state);
  const bool open = state == "open";
  w.Key("overdue");
  w.Bool(open && due < today);
  if (open) {
    // Calendar days: the due date is a date the meeting set, not a rule in working days.
    w.Key("days_left");
    w.Int(due - today);
  }
  SQLite::Statement last(db,
                         "SELECT month, text, reported_at, late FROM listed_progress "
                         "WHERE matter_id=? ORDER BY month DESC LIMIT 1");
  last.bind(1, id);
  w.Key("last_progress");
  if (last.executeStep()) {
    w.StartObject();
    writeStr(w, "month", last.getColumn(0).getString());
    writeStr(w, "text", last.getColumn(1).getString());
    writeStr(w, "reported_at", formatCst(last.getColumn(2).getInt64()));
    w.Key("late");
    w.Bool(last.getColumn(3).getInt() != 0);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("missing_months");
  w.StartArray();
  if (open)
    for (const std::string& m : missingMonths(db, id, start, today)) w.String(m.c_str());
  w.EndArray();
}

constexpr const char* kMatterColumns =
    "SELECT id, title, owner_unit_id, start_on, due_on, state FROM listed_matters ";

}  // namespace

void writeListedMatters(JsonWriter& w, App& app, const std::string& state) {
  if (!state.empty() && state != "open" && state != "closed") bad("'state' must be open or closed");
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  const Date today = cstDate(app.now());
  SQLite::Statement st(db, std::string(kMatterColumns) +
                               "WHERE (? = '' OR state = ?) ORDER BY due_on, id LIMIT 1000");
  st.bind(1, state);
  st.bind(2, state);
  w.StartObject();
  w.Key("matters");
  w.StartArray();
  while (st.executeStep()) {
    w.StartObject();
    writeMatterSummary(w, db, *ref, today, st);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void writeListedMatter(JsonWriter& w, App& app, int64_t id) {
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  const Date today = cstDate(app.now());
  SQLite::Statement st(db, std::string(kMatterColumns) + "WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no listed matter " + std::to_string(id));
  w.StartObject();
  writeMatterSummary(w, db, *ref, today, st);

  SQLite::Statement more(db,
                         "SELECT description, plan, meeting_id, closed_at, close_reason "
                         "FROM listed_matters WHERE id = ?");
  more.bind(1, id);
  more.executeStep();
  writeStr(w, "description", more.getColumn(0).getString());
  writeStr(w, "plan", more.getColumn(1).getString());
  w.Key("meeting_id");
  if (more.getColumn(2).isNull())
    w.Null();
  else
    w.Int64(more.getColumn(2).getInt64());
  writeStr(w, "closed_at",
           more.getColumn(3).isNull() ? "" : formatCst(more.getColumn(3).getInt64()));
  writeStr(w, "close_reason", more.getColumn(4).isNull() ? "" : more.getColumn(4).getString());

  SQLite::Statement cases(
      db, "SELECT case_id FROM listed_matter_cases WHERE matter_id=? ORDER BY case_id");
  cases.bind(1, id);
  w.Key("case_ids");
  w.StartArray();
  while (cases.executeStep()) w.String(cases.getColumn(0).getString().c_str());
  w.EndArray();

  SQLite::Statement reports(db,
                            "SELECT month, text, reported_at, late FROM listed_progress "
                            "WHERE matter_id=? ORDER BY month");
  reports.bind(1, id);
  w.Key("progress");
  w.StartArray();
  while (reports.executeStep()) {
    w.StartObject();
    writeStr(w, "month", reports.getColumn(0).getString());
    writeStr(w, "text", reports.getColumn(1).getString());
    writeStr(w, "reported_at", formatCst(reports.getColumn(2).getInt64()));
    w.Key("late");
    w.Bool(reports.getColumn(3).getInt() != 0);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// ---- board ----------------------------------------------------------------------------------

void writeMeetingBoard(JsonWriter& w, App& app) {
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  const Date today = cstDate(app.now());
  w.StartObject();
  writeStr(w, "today", today.toString());

  SQLite::Statement st(
      db, std::string(kMatterColumns) + "WHERE state = 'open' ORDER BY due_on, id LIMIT 1000");
  w.Key("listed_matters");
  w.StartArray();
  while (st.executeStep()) {
    w.StartObject();
    writeMatterSummary(w, db, *ref, today, st);
    w.EndObject();
  }
  w.EndArray();

  SQLite::Statement items(db,
                          "SELECT owner_unit_id, COUNT(*), SUM(due < ?) FROM decided_items "
                          "WHERE state = 'open' GROUP BY owner_unit_id "
                          "ORDER BY SUM(due < ?) DESC, owner_unit_id");
  items.bind(1, today.toString());
  items.bind(2, today.toString());
  w.Key("decided_items_by_owner");
  w.StartArray();
  while (items.executeStep()) {
    const std::string owner = items.getColumn(0).getString();
    const OrgUnit* u = ref->org.find(owner);
    w.StartObject();
    writeStr(w, "owner_unit_id", owner);
    writeStr(w, "owner_unit_name", u ? u->name : owner);
    w.Key("open");
    w.Int(items.getColumn(1).getInt());
    w.Key("overdue");
    w.Int(items.getColumn(2).getInt());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace pcs::server
