// Routes of the joint meeting (R15, R16) and of oversight access (R13, R17). Writes are POST,
// as everywhere in this API; docs/api.md "Joint meeting and oversight" lists them.
//
// Sections: helpers | membership | meetings | listed supervision | bulletins | oversight
#include <httplib.h>

#include "audit.h"
#include "case_filter_query.h"
#include "case_store.h"
#include "case_view.h"
#include "json_body.h"
#include "meetings.h"
#include "pcs/error.h"
#include "route_util.h"
#include "routes.h"
#include "supervision_items.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr const char* kJson = "application/json; charset=utf-8";

int64_t idAt(const httplib::Request& req, size_t i, const char* what) {
  const std::string text = req.matches[i];
  if (text.empty() || text.size() > 18) bad(std::string("bad ") + what + " id");
  return std::stoll(text);  // the route patterns admit digits only
}

Date dateField(const JsonBody& b, const char* name) {
  const std::string text = b.string(name, 10);
  auto d = Date::parse(text);
  if (!d) bad(std::string("'") + name + "' must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

// The caller's access, read fresh for each request.
struct Caller {
  CurrentUser user;
  JointMeetingAccess access;
};

Caller caller(App& app, Auth& auth, const httplib::Request& req) {
  Caller c{auth.requireUser(req), {}};
  c.access = jointMeetingAccess(c.user, *app.reference(), app.db().reader());
  return c;
}

template <class Write>
void answer(httplib::Response& res, Write&& write, int status = 200) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write(w);
  res.status = status;
  res.set_content(buf.GetString(), kJson);
}

void created(httplib::Response& res, int64_t id) {
  answer(
      res,
      [&](JsonWriter& w) {
        w.StartObject();
        w.Key("id");
        w.Int64(id);
        w.EndObject();
      },
      201);
}

void ok(httplib::Response& res) {
  res.set_content(R"({"ok":true})", kJson);
}

MeetingInput meetingInput(const JsonBody& b) {
  MeetingInput in;
  in.kind = b.string("kind", 16);
  in.title = b.string("title", 400);
  in.date = dateField(b, "date");
  in.agenda = b.strings("agenda", 50, 4000);
  in.attendees = b.strings("attendees", 100, 100);
  return in;
}

BulletinInput bulletinInput(const JsonBody& b) {
  BulletinInput in;
  in.title = b.string("title", 400);
  in.body = b.string("body", 100000);
  in.unitIds = b.strings("unit_ids", 100, 100);
  return in;
}

// Oversight: discipline commissions and other oversight users, and the joint-meeting office.
Visibility requireOversight(App& app, const Caller& c) {
  const bool office = c.access.edit && !c.user.has(Role::Admin);
  if (!c.user.has(Role::Oversight) && !office)
    throw Error(ErrorCode::Forbidden, "监督查询仅限纪委监委等监督单位和联席会议办公室");
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(c.user.unitId);
  if (!unit) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  return visibilityFor(*unit, ref->org);
}

}  // namespace

void registerMeetingRoutes(httplib::Server& http, App& app, Auth& auth) {
  // ---- membership ---------------------------------------------------------------------------

  // What the caller may do here. Any signed-in user may ask (never 403), so a client can hide
  // the joint meeting from users who may not read it instead of showing a screen of refusals.
  http.Get("/api/v1/joint-meeting/access",
           [&](const httplib::Request& req, httplib::Response& res) {
             const Caller c = caller(app, auth, req);
             const bool member = isMemberUnit(app.db().reader(), c.user.unitId);
             answer(res, [&](JsonWriter& w) {
               w.StartObject();
               w.Key("read");
               w.Bool(c.access.read);
               w.Key("edit");
               w.Bool(c.access.edit);
               w.Key("see_phones");
               w.Bool(c.access.seePhones);
               w.Key("office_head");
               w.Bool(c.access.officeHead);
               w.Key("member_unit");
               w.Bool(member);
               w.EndObject();
             });
           });

  http.Get("/api/v1/joint-meeting/members",
           [&](const httplib::Request& req, httplib::Response& res) {
             const Caller c = caller(app, auth, req);
             requireRead(c.access);
             // A full view of liaison phones is recorded before it is shown (R18).
             if (c.access.seePhones) auditPhoneView(app, c.user, "查看联席会议联络员电话");
             answer(res, [&](JsonWriter& w) { writeMembers(w, app, c.access); });
           });
  http.Get("/api/v1/joint-meeting/members/history",
           [&](const httplib::Request& req, httplib::Response& res) {
             const Caller c = caller(app, auth, req);
             requireRead(c.access);
             const std::string unit = req.has_param("unit") ? req.get_param_value("unit") : "";
             if (unit.size() > 100) bad("'unit' is longer than 100 bytes");
             if (c.access.seePhones) auditPhoneView(app, c.user, "查看联席会议成员变更记录");
             answer(res, [&](JsonWriter& w) { writeMemberHistory(w, app, c.access, unit); });
           });
  http.Post("/api/v1/joint-meeting/members",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              const JsonBody b(req.body);
              MemberChange ch;
              ch.unitId = b.string("unit_id", 100);
              ch.convener = b.optBoolean("convener");
              ch.office = b.optBoolean("office");
              ch.liaisonName = b.optString("liaison_name", 100);
              ch.liaisonPost = b.optString("liaison_post", 200);
              ch.liaisonPhone = b.optString("liaison_phone", 40);
              saveMember(app, c.user, ch);
              ok(res);
            });
  http.Post(R"(/api/v1/joint-meeting/members/([^/]+)/remove)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              const std::string unit = req.matches[1];
              if (unit.size() > 100) bad("bad unit id");
              removeMember(app, c.user, unit);
              ok(res);
            });
  http.Get("/api/v1/joint-meeting/board", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireRead(c.access);
    answer(res, [&](JsonWriter& w) { writeMeetingBoard(w, app); });
  });

  // ---- meetings -----------------------------------------------------------------------------

  http.Get("/api/v1/meetings", [&](const httplib::Request& req, httplib::Response& res) {
    requireRead(caller(app, auth, req).access);
    answer(res, [&](JsonWriter& w) { writeMeetingList(w, app); });
  });
  http.Post("/api/v1/meetings", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireEdit(c.access);
    created(res, createMeeting(app, c.user, meetingInput(JsonBody(req.body))));
  });
  http.Get(R"(/api/v1/meetings/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    requireRead(caller(app, auth, req).access);
    answer(res, [&](JsonWriter& w) { writeMeeting(w, app, idAt(req, 1, "meeting")); });
  });
  http.Post(R"(/api/v1/meetings/(\d+)/agenda)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              editMeeting(app, c.user, idAt(req, 1, "meeting"), meetingInput(JsonBody(req.body)));
              ok(res);
            });
  http.Post(
      R"(/api/v1/meetings/(\d+)/hold)", [&](const httplib::Request& req, httplib::Response& res) {
        const Caller c = caller(app, auth, req);
        requireEdit(c.access);
        const JsonBody b(req.body);
        std::optional<std::vector<std::string>> attendees;
        if (b.has("attendees")) attendees = b.strings("attendees", 100, 100);
        holdMeeting(app, c.user, idAt(req, 1, "meeting"), b.string("minutes", 100000), attendees);
        ok(res);
      });
  http.Post(R"(/api/v1/meetings/(\d+)/close)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              closeMeeting(app, c.user, idAt(req, 1, "meeting"));
              ok(res);
            });
  http.Post(R"(/api/v1/meetings/(\d+)/items)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              const JsonBody b(req.body);
              ItemInput in;
              in.text = b.string("text", 4000);
              in.ownerUnitId = b.string("owner_unit_id", 100);
              if (b.has("due")) in.due = dateField(b, "due");
              if (auto n = b.optInteger("working_days", -100000, 100000))
                in.workingDays = static_cast<int>(*n);
              created(res, addDecidedItem(app, c.user, idAt(req, 1, "meeting"), in));
            });
  http.Post(R"(/api/v1/meetings/(\d+)/items/(\d+)/apply)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              const JsonBody b(req.body);
              applyItemToCases(app, c.user, idAt(req, 1, "meeting"), idAt(req, 2, "item"),
                               b.strings("case_ids", 200, 32), b.string("effect", 16),
                               b.optString("unit_id", 100).value_or(""));
              answer(res, [&](JsonWriter& w) { writeMeeting(w, app, idAt(req, 1, "meeting")); });
            });
  http.Post(R"(/api/v1/meetings/(\d+)/items/(\d+)/done)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              const JsonBody b(req.body);
              completeItem(app, c.user, idAt(req, 1, "meeting"), idAt(req, 2, "item"),
                           b.string("note", 4000));
              ok(res);
            });

  // ---- listed supervision -------------------------------------------------------------------

  http.Get("/api/v1/listed-matters", [&](const httplib::Request& req, httplib::Response& res) {
    requireRead(caller(app, auth, req).access);
    const std::string state = req.has_param("state") ? req.get_param_value("state") : "";
    answer(res, [&](JsonWriter& w) { writeListedMatters(w, app, state); });
  });
  http.Post("/api/v1/listed-matters", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireEdit(c.access);
    const JsonBody b(req.body);
    ListedMatterInput in;
    in.title = b.string("title", 400);
    in.description = b.string("description", 20000);
    in.ownerUnitId = b.string("owner_unit_id", 100);
    in.plan = b.string("plan", 20000);
    in.startOn = dateField(b, "start_on");
    in.dueOn = dateField(b, "due_on");
    in.meetingId = b.optInteger("meeting_id", 1, INT64_MAX);
    in.caseIds = b.strings("case_ids", 200, 32);
    created(res, createListedMatter(app, c.user, in));
  });
  http.Get(R"(/api/v1/listed-matters/(\d+))",
           [&](const httplib::Request& req, httplib::Response& res) {
             requireRead(caller(app, auth, req).access);
             answer(res, [&](JsonWriter& w) { writeListedMatter(w, app, idAt(req, 1, "matter")); });
           });
  http.Post(R"(/api/v1/listed-matters/(\d+)/progress)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              const JsonBody b(req.body);
              reportProgress(app, c.user, c.access, idAt(req, 1, "matter"), b.string("month", 7),
                             b.string("text", 20000));
              ok(res);
            });
  http.Post(R"(/api/v1/listed-matters/(\d+)/close)", [&](const httplib::Request& req,
                                                         httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    const JsonBody b(req.body);
    closeListedMatter(app, c.user, c.access, idAt(req, 1, "matter"), b.string("reason", 20000));
    ok(res);
  });

  // ---- bulletins ----------------------------------------------------------------------------

  http.Get("/api/v1/work-bulletins", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireRead(c.access);
    answer(res, [&](JsonWriter& w) { writeBulletins(w, app, c.user, c.access); });
  });
  http.Post("/api/v1/work-bulletins", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireEdit(c.access);
    created(res, createBulletin(app, c.user, bulletinInput(JsonBody(req.body))));
  });
  http.Post(R"(/api/v1/work-bulletins/(\d+)/edit)", [&](const httplib::Request& req,
                                                        httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    requireEdit(c.access);
    editBulletin(app, c.user, idAt(req, 1, "bulletin"), bulletinInput(JsonBody(req.body)));
    ok(res);
  });
  http.Post(R"(/api/v1/work-bulletins/(\d+)/publish)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireEdit(c.access);
              publishBulletin(app, c.user, idAt(req, 1, "bulletin"));
              ok(res);
            });
  http.Post(R"(/api/v1/work-bulletins/(\d+)/read)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const Caller c = caller(app, auth, req);
              requireRead(c.access);
              markBulletinRead(app, c.user, idAt(req, 1, "bulletin"));
              ok(res);
            });

  // ---- oversight ----------------------------------------------------------------------------

  http.Get("/api/v1/oversight/cases", [&](const httplib::Request& req, httplib::Response& res) {
    const Caller c = caller(app, auth, req);
    const Visibility v = requireOversight(app, c);
    CaseFilter f = parseCaseFilterQuery(req);
    for (size_t i = 0, n = req.get_param_value_count("flag"); i < n; ++i) {
      const std::string flag = req.get_param_value("flag", i);
      if (flag == "not_handled")
        f.notHandled = true;
      else if (flag == "returned")
        f.minReturns = 2;  // 退回两次及以上: back and forth, not one honest return
      else if (flag == "answered_late")
        f.answeredLate = true;
      else if (flag == "overdue")
        f.overdue = true;
      else
        bad("unknown flag '" + flag + "' (not_handled, returned, answered_late, overdue)");
    }
    const Date today = cstDate(app.now());
    CasePage page = CaseStore::list(app.db().reader(), f, v, today);
    res.set_content(casePageJson(page, *app.reference(), today), kJson);
  });
  http.Get(R"(/api/v1/oversight/cases/([^/]+)/audit)",
           [&](const httplib::Request& req, httplib::Response& res) {
             const Caller c = caller(app, auth, req);
             const Visibility v = requireOversight(app, c);
             const std::string id = req.matches[1];
             if (id.empty() || id.size() > 32) bad("bad case number");
             SQLite::Database& db = app.db().reader();
             if (!CaseStore::visible(db, id, v)) throw Error(ErrorCode::NotFound, "no case " + id);
             SQLite::Statement st(db,
                                  "SELECT a.seq, a.at, a.user_id, "
                                  "COALESCE(u.display_name, a.user_id), a.unit_id, a.action, "
                                  "a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id "
                                  "WHERE a.subject = ? ORDER BY a.seq");
             st.bind(1, "case:" + id);
             answer(res, [&](JsonWriter& w) {
               w.StartObject();
               writeStr(w, "case_id", id);
               w.Key("entries");
               w.StartArray();
               while (st.executeStep()) {
                 w.StartObject();
                 w.Key("seq");
                 w.Int64(st.getColumn(0).getInt64());
                 writeStr(w, "at", formatCst(st.getColumn(1).getInt64()));
                 writeStr(w, "user_id", st.getColumn(2).getString());
                 writeStr(w, "user_name", st.getColumn(3).getString());
                 writeStr(w, "unit_id", st.getColumn(4).getString());
                 writeStr(w, "action", st.getColumn(5).getString());
                 writeStr(w, "detail", st.getColumn(6).getString());
                 w.EndObject();
               }
               w.EndArray();
               w.EndObject();
             });
           });
}

}  // namespace pcs::server
