// Work bulletins (工作简报/通报, R16) of the joint-meeting office to member units: drafted,
// published (immutable from then on), listed per unit and marked read per unit.
#include <SQLiteCpp/Statement.h>

#include "audit.h"
#include "meetings.h"
#include "pcs/error.h"
#include "route_util.h"

namespace pcs::server {
namespace {

constexpr size_t kMaxBulletinTitle = 400;
constexpr size_t kMaxBulletinBody = 100000;

BulletinInput checked(App& app, const BulletinInput& in) {
  BulletinInput out = in;
  requireText(out.title, "title", kMaxBulletinTitle);
  requireText(out.body, "body", kMaxBulletinBody);
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  for (size_t i = 0; i < out.unitIds.size(); ++i) {
    requireUnit(*ref, out.unitIds[i], "unit_ids");
    if (!isMemberUnit(db, out.unitIds[i]))
      bad("'unit_ids': " + out.unitIds[i] + " is not a member unit of the joint meeting");
    for (size_t j = 0; j < i; ++j)
      if (out.unitIds[i] == out.unitIds[j]) bad("'unit_ids' names " + out.unitIds[i] + " twice");
  }
  return out;
}

void setRecipients(SQLite::Database& tx, int64_t id, const std::vector<std::string>& units) {
  SQLite::Statement del(tx, "DELETE FROM work_bulletin_recipients WHERE bulletin_id = ?");
  del.bind(1, id);
  del.exec();
  SQLite::Statement ins(tx,
                        "INSERT INTO work_bulletin_recipients(bulletin_id, unit_id) VALUES(?, ?)");
  for (const std::string& u : units) {
    ins.reset();
    ins.bind(1, id);
    ins.bind(2, u);
    ins.exec();
  }
}

std::string stateOf(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db, "SELECT state FROM work_bulletins WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no bulletin " + std::to_string(id));
  return st.getColumn(0).getString();
}

}  // namespace

int64_t createBulletin(App& app, const CurrentUser& user, const BulletinInput& input) {
  const BulletinInput in = checked(app, input);
  return app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement st(tx,
                         "INSERT INTO work_bulletins(title, body, created_at, created_by) "
                         "VALUES(?,?,?,?)");
    st.bind(1, in.title);
    st.bind(2, in.body);
    st.bind(3, app.now());
    st.bind(4, user.id);
    st.exec();
    const int64_t id = tx.getLastInsertRowid();
    setRecipients(tx, id, in.unitIds);
    appendAudit(tx, {app.now(), user.id, user.unitId, "bulletin.create",
                     "bulletin:" + std::to_string(id), "起草工作通报：" + in.title});
    return id;
  });
}

void editBulletin(App& app, const CurrentUser& user, int64_t id, const BulletinInput& input) {
  const BulletinInput in = checked(app, input);
  app.db().write([&](SQLite::Database& tx) {
    if (stateOf(tx, id) != "draft") throw Error(ErrorCode::Conflict, "通报已印发，不能再修改");
    SQLite::Statement st(tx, "UPDATE work_bulletins SET title = ?, body = ? WHERE id = ?");
    st.bind(1, in.title);
    st.bind(2, in.body);
    st.bind(3, id);
    st.exec();
    setRecipients(tx, id, in.unitIds);
    appendAudit(tx, {app.now(), user.id, user.unitId, "bulletin.edit",
                     "bulletin:" + std::to_string(id), "修改工作通报草稿：" + in.title});
  });
}

void publishBulletin(App& app, const CurrentUser& user, int64_t id) {
  app.db().write([&](SQLite::Database& tx) {
    if (stateOf(tx, id) != "draft") throw Error(ErrorCode::Conflict, "通报已印发");
    SQLite::Statement count(tx,
                            "SELECT COUNT(*) FROM work_bulletin_recipients WHERE bulletin_id = ?");
    count.bind(1, id);
    count.executeStep();
    if (count.getColumn(0).getInt() == 0) {
      // No recipients named: every member unit of the joint meeting at publication.
      SQLite::Statement all(tx,
                            "INSERT INTO work_bulletin_recipients(bulletin_id, unit_id) "
                            "SELECT ?, unit_id FROM jm_members");
      all.bind(1, id);
      if (all.exec() == 0) throw Error(ErrorCode::Conflict, "联席会议还没有成员单位，通报无处印发");
    }
    SQLite::Statement st(tx,
                         "UPDATE work_bulletins SET state = 'published', published_at = ?, "
                         "published_by = ? WHERE id = ?");
    st.bind(1, app.now());
    st.bind(2, user.id);
    st.bind(3, id);
    st.exec();
    appendAudit(tx, {app.now(), user.id, user.unitId, "bulletin.publish",
                     "bulletin:" + std::to_string(id), "印发工作通报"});
  });
}

void markBulletinRead(App& app, const CurrentUser& user, int64_t id) {
  app.db().write([&](SQLite::Database& tx) {
    if (stateOf(tx, id) != "published")
      throw Error(ErrorCode::NotFound, "no bulletin " + std::to_string(id) + " for your unit");
    SQLite::Statement st(tx,
                         "UPDATE work_bulletin_recipients SET read_at = COALESCE(read_at, ?), "
                         "read_by = COALESCE(read_by, ?) WHERE bulletin_id = ? AND unit_id = ?");
    st.bind(1, app.now());
    st.bind(2, user.id);
    st.bind(3, id);
    st.bind(4, user.unitId);
    if (st.exec() == 0)
      throw Error(ErrorCode::NotFound, "no bulletin " + std::to_string(id) + " for your unit");
    appendAudit(tx, {app.now(), user.id, user.unitId, "bulletin.read",
                     "bulletin:" + std::to_string(id), "已阅"});
  });
}

void writeBulletins(JsonWriter& w, App& app, const CurrentUser& user,
                    const JointMeetingAccess& access) {
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(
      db, access.edit ? "SELECT b.id, b.title, b.body, b.state, b.created_at, b.published_at, "
                        "NULL FROM work_bulletins b WHERE ? IS NOT NULL ORDER BY b.id DESC"
                      : "SELECT b.id, b.title, b.body, b.state, b.created_at, b.published_at, "
                        "r.read_at FROM work_bulletins b JOIN work_bulletin_recipients r ON "
                        "r.bulletin_id = b.id AND r.unit_id = ? WHERE b.state = 'published' "
                        "ORDER BY b.id DESC");
  st.bind(1, user.unitId);
  SQLite::Statement recipients(db,
                               "SELECT unit_id, read_at FROM work_bulletin_recipients "
                               "WHERE bulletin_id = ? ORDER BY unit_id");
  w.StartObject();
  w.Key("bulletins");
  w.StartArray();
  while (st.executeStep()) {
    const int64_t id = st.getColumn(0).getInt64();
    w.StartObject();
    w.Key("id");
    w.Int64(id);
    writeStr(w, "title", st.getColumn(1).getString());
    writeStr(w, "body", st.getColumn(2).getString());
    writeStr(w, "state", st.getColumn(3).getString());
    writeStr(w, "created_at", formatCst(st.getColumn(4).getInt64()));
    writeStr(w, "published_at",
             st.getColumn(5).isNull() ? "" : formatCst(st.getColumn(5).getInt64()));
    if (access.edit) {
      recipients.reset();
      recipients.bind(1, id);
      w.Key("recipients");
      w.StartArray();
      while (recipients.executeStep()) {
        w.StartObject();
        writeStr(w, "unit_id", recipients.getColumn(0).getString());
        w.Key("read");
        w.Bool(!recipients.getColumn(1).isNull());
        w.EndObject();
      }
      w.EndArray();
    } else {
      w.Key("read");
      w.Bool(!st.getColumn(6).isNull());
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace pcs::server
