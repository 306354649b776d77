// Case routes: intake, lists and boards, the case view, workflow actions, the complainant's
// contact (logged), routing suggestions, and the reference lists the intake form needs.
//
// Sections: parsing | intake | lists | case view and actions | contact | reference
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "audit.h"
#include "auth.h"
#include "case_filter_query.h"
#include "case_store.h"
#include "case_view.h"
#include "json.h"
#include "json_body.h"
#include "log.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/routing.h"
#include "pcs/serialize.h"
#include "reference_store.h"
#include "route_util.h"
#include "routes.h"
#include "routing_learning.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr size_t kMaxContent = 20000;  // bytes of complaint text, about 6,000 characters

// The picker lists' `limit` (1-500, default 20): the intake form asks for a few matches, the
// client's name lookups for all estates and companies of a city at once.
size_t pickerLimit(const httplib::Request& req) {
  if (!req.has_param("limit")) return 20;
  const std::string text = req.get_param_value("limit");
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > 1000) bad("'limit' must be 1 to 500");
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  if (text.empty() || value < 1 || value > 500) bad("'limit' must be 1 to 500");
  return value;
}

// ---- parsing --------------------------------------------------------------------------------

int64_t parseInstant(const std::string& text, const char* field) {
  auto t = parseCst(text);
  if (!t)
    bad(std::string("'") + field + "' must be a time 'YYYY-MM-DD HH:MM' (Beijing time), got '" +
        text + "'");
  return *t;
}

Date parseDate(const std::string& text, const char* field) {
  auto d = Date::parse(text);
  if (!d) bad(std::string("'") + field + "' must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

Command parseCommand(const JsonBody& b) {
  Command c;
  const std::string key = b.string("action", 64);
  auto action = actionFromKey(key);
  if (!action || *action == Action::Register) bad("unknown action '" + key + "'");
  c.action = *action;
  c.assignmentId = static_cast<int>(b.optInteger("assignment_id", 0, 1000).value_or(0));
  c.reason = b.optString("reason", 4000).value_or("");
  c.text = b.optString("text", kMaxContent).value_or("");
  c.substantiated = b.optBoolean("substantiated");
  c.major = b.optBoolean("major").value_or(false);
  if (auto s = b.optString("satisfaction", 64)) {
    c.satisfaction = satisfactionFromKey(*s);
    if (!c.satisfaction) bad("unknown satisfaction '" + *s + "'");
  }
  c.targetCaseId = b.optString("target_case_id", 64).value_or("");
  if (auto f = b.optString("from", 10)) c.from = parseDate(*f, "from");
  if (auto t = b.optString("to", 10)) c.to = parseDate(*t, "to");
  c.days = static_cast<int>(b.optInteger("days", 0, 3650).value_or(0));
  for (const JsonBody& t : b.objects("targets", 14))
    c.targets.push_back({t.string("unit_id", 100), t.strings("catalogue_codes", 20, 64)});
  for (const JsonBody& m : b.objects("plan", 50))
    c.plan.push_back({parseDate(m.string("due", 10), "plan[].due"), m.string("text", 2000)});
  return c;
}

std::string caseIdFrom(const httplib::Request& req) {
  const std::string id = req.matches[1];
  if (id.empty() || id.size() > 32) bad("bad case number");
  return id;
}

StoredCase loadVisible(App& app, const std::string& id, const CurrentUser& user) {
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  SQLite::Database& db = app.db().reader();
  // A case outside the user's scope is reported as absent, so numbers cannot be probed.
  if (!CaseStore::visible(db, id, visibilityFor(*unit, ref->org)))
    throw Error(ErrorCode::NotFound, "no case " + id);
  auto stored = CaseStore::load(db, id);
  if (!stored) throw Error(ErrorCode::NotFound, "no case " + id);
  return *stored;
}

void audit(SQLite::Database& tx, App& app, const CurrentUser& user, const std::string& action,
           const std::string& subject, const std::string& detail) {
  appendAudit(tx, {app.now(), user.id, user.unitId, action, subject, detail});
}

// ---- intake ---------------------------------------------------------------------------------

void intake(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req);
  const JsonBody b(req.body);
  auto ref = app.reference();

  Case c;
  c.receivedAt = parseInstant(b.string("received_at", 32), "received_at");
  const std::string channel = b.string("channel", 32);
  auto ch = channelFromKey(channel);
  if (!ch) bad("unknown channel '" + channel + "'");
  c.channel = *ch;
  c.complainant.name = b.optString("complainant_name", 200).value_or("");
  c.complainant.contact = b.optString("complainant_contact", 200).value_or("");
  c.complainant.key = complainantKey(c.complainant.name, c.complainant.contact);
  c.content = b.string("content", kMaxContent);
  c.location = b.optString("location", 1000).value_or("");
  c.externalRef = b.optString("external_ref", 64).value_or("");
  c.urgent = b.optBoolean("urgent").value_or(false);
  c.urgentReason = b.optString("urgent_reason", 2000).value_or("");

  // The estate fixes the county, street, community and (unless given) the company.
  SQLite::Database& db = app.db().reader();
  if (auto estateId = b.optString("estate_id", 100)) {
    auto estate = ReferenceStore::estate(db, *estateId);
    if (!estate) bad("no estate '" + *estateId + "'");
    locateCaseAt(c, *estate);
  } else if (auto county = b.optString("county_id", 100)) {
    c.countyId = *county;
  }
  if (auto companyId = b.optString("company_id", 100)) {
    if (!ReferenceStore::company(db, *companyId)) bad("no company '" + *companyId + "'");
    c.companyId = *companyId;
  }

  const int64_t now = app.now();
  const WorkflowContext ctx{ref->org, ref->calendar, ref->rules, now};
  const Actor actor = user.actor();
  // Checked and filled in before the write: it does not need the case number, and every write
  // waits for the one before it, so work done here does not hold the others up.
  registerCase(c, actor, ctx);
  StoredCase stored = app.db().write([&](SQLite::Database& tx) {
    c.id = CaseStore::nextCaseId(tx, cstDate(now).year());
    CaseStore::insert(tx, c, now);
    audit(tx, app, user, "case.register", "case:" + c.id,
          std::string("受理登记，渠道：") + channelZh(c.channel) + (c.urgent ? "，紧急" : ""));
    return StoredCase{c, 1};
  });
  res.status = 201;
  logInfo("case " + stored.value.id, "register by " + user.login + " (" + user.unitId + ")");
  res.set_header("Location", "/api/v1/cases/" + stored.value.id);
  res.set_content(caseViewJson(stored, actor, *ref, now), kJson);
}

// ---- lists ----------------------------------------------------------------------------------

Visibility visibilityOf(App& app, const CurrentUser& user) {
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  return visibilityFor(*unit, ref->org);
}

// ---- contact --------------------------------------------------------------------------------

void contact(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req);
  const StoredCase stored = loadVisible(app, caseIdFrom(req), user);
  auto ref = app.reference();
  if (!maySeeContact(stored.value, user.actor(), *ref))
    throw Error(ErrorCode::Forbidden,
                "only the units that call the complainant back may see "
                "the name and contact");
  const std::string purpose = req.has_param("purpose") ? req.get_param_value("purpose") : "";
  if (purpose.size() > 200) bad("'purpose' is longer than 200 bytes");
  // Every view of personal data is recorded (R18), before it is shown.
  app.db().write([&](SQLite::Database& tx) {
    audit(tx, app, user, "pii.view", "case:" + stored.value.id,
          purpose.empty() ? "查看投诉人联系方式" : "查看投诉人联系方式：" + purpose);
  });
  res.set_content(toJson([&](auto& ar) {
                    ar(cereal::make_nvp("name", stored.value.complainant.name),
                       cereal::make_nvp("contact", stored.value.complainant.contact));
                  }),
                  kJson);
}

}  // namespace

void registerCaseRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/cases", [&](const httplib::Request& req, httplib::Response& res) {
    intake(app, auth, req, res);
  });

  http.Get("/api/v1/cases", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const CaseFilter f = parseCaseFilterQuery(req);
    const Visibility v = visibilityOf(app, user);
    const Date today = cstDate(app.now());
    CasePage page = CaseStore::list(app.db().reader(), f, v, today);
    res.set_content(casePageJson(page, *app.reference(), today), kJson);
  });

  http.Get("/api/v1/board/counts", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const CaseFilter f = parseCaseFilterQuery(req);
    auto counts =
        CaseStore::countByState(app.db().reader(), f, visibilityOf(app, user), cstDate(app.now()));
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("counts");
    w.StartObject();
    for (const auto& [state, n] : counts) {
      w.Key(state.c_str());
      w.Int64(n);
    }
    w.EndObject();
    w.EndObject();
    res.set_content(buf.GetString(), kJson);
  });

  http.Get(R"(/api/v1/cases/([^/]+))", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const StoredCase stored = loadVisible(app, caseIdFrom(req), user);
    res.set_content(caseViewJson(stored, user.actor(), *app.reference(), app.now()), kJson);
  });

  http.Post(R"(/api/v1/cases/([^/]+)/actions)", [&](const httplib::Request& req,
                                                    httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const std::string id = caseIdFrom(req);
    loadVisible(app, id, user);
    const JsonBody body(req.body);
    const Command cmd = parseCommand(body);
    // A decided deadline comes from a joint meeting's decided item; the meeting route records
    // the item and every moved deadline (deadline_changes), so it is the only way in.
    if (cmd.action == Action::SetDecidedDeadline)
      bad("'set_decided_deadline' is applied from a joint meeting's decided item: use POST "
          "/meetings/{id}/items/{item}/apply, which records the moved deadline");
    const std::optional<int64_t> seenVersion = body.optInteger("version", 1, INT64_MAX);
    auto ref = app.reference();
    const int64_t now = app.now();
    const WorkflowContext ctx{ref->org, ref->calendar, ref->rules, now};
    const Actor actor = user.actor();
    for (const DispatchTarget& t : cmd.targets)
      for (const std::string& code : t.catalogueCodes)
        if (!ref->catalogue.find(code)) bad("unknown catalogue entry '" + code + "'");

    StoredCase after = app.db().write([&](SQLite::Database& tx) {
      auto stored = CaseStore::load(tx, id);
      if (!stored) throw Error(ErrorCode::NotFound, "no case " + id);
      if (seenVersion && *seenVersion != stored->version)
        throw Error(ErrorCode::Conflict, "case " + id +
                                             " was changed by someone else since you "
                                             "opened it; reload and try again");
      Case c = stored->value;
      apply(c, cmd, actor, ctx);
      int64_t version = CaseStore::update(tx, c, stored->version, now);
      if (cmd.action == Action::Merge) {
        // The target must be a case this user may see; otherwise it does not exist for them.
        auto target = CaseStore::visible(tx, cmd.targetCaseId, visibilityOf(app, user))
                          ? CaseStore::load(tx, cmd.targetCaseId)
                          : std::nullopt;
        if (!target)
          throw Error(ErrorCode::InvalidInput, "no case " + cmd.targetCaseId + " to merge into");
        if (target->value.state == CaseState::Merged)
          throw Error(ErrorCode::Conflict, cmd.targetCaseId + " is itself merged");
        Case t = target->value;
        recordMergedInto(t, c, actor, ctx);
        CaseStore::update(tx, t, target->version, now);
      }
      const Event& e = c.events.back();
      audit(tx, app, user, std::string("case.") + actionKey(cmd.action), "case:" + id,
            std::string(actionZh(cmd.action)) +
                (e.assignmentId ? "（承办" + std::to_string(e.assignmentId) + "）" : "") +
                (e.reason.empty() ? "" : "；理由：" + e.reason) +
                (e.detail.empty() ? "" : "；" + e.detail));
      return StoredCase{c, version};
    });
    if (after.value.state == CaseState::Closed) app.routingLearning().learnClosed(after.value);
    logInfo(
        "case " + id,
        std::string(actionKey(cmd.action)) + " by " + user.login + " (" + user.unitId + ")" +
            (cmd.assignmentId ? " assignment " + std::to_string(cmd.assignmentId) : std::string()));
    res.set_content(caseViewJson(after, actor, *ref, now), kJson);
  });

  http.Get(
      R"(/api/v1/cases/([^/]+)/contact)",
      [&](const httplib::Request& req, httplib::Response& res) { contact(app, auth, req, res); });

  // ---- reference --------------------------------------------------------------------------

  http.Post("/api/v1/routing/suggest", [&](const httplib::Request& req, httplib::Response& res) {
    auth.requireUser(req);
    const JsonBody b(req.body);
    const std::string text = b.string("text", kMaxContent);
    auto ref = app.reference();
    const RoutingAnswer a = app.routingLearning().suggest(ref->catalogue, text);
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("suggestions");
    w.StartArray();
    for (const RoutingSuggestion& s : a.suggestions) {
      w.StartObject();
      w.Key("code");
      w.String(s.entry->code.c_str());
      w.Key("handler");
      w.String(std::string(handlerKey(s.entry->handler)).c_str());
      w.Key("handler_name");
      w.String(std::string(handlerNameZh(s.entry->handler)).c_str());
      w.Key("title");
      w.String(s.entry->title.c_str());
      w.Key("text");
      w.String(s.entry->text.c_str());
      w.Key("score");
      w.Double(s.score);
      w.Key("matched");
      w.StartArray();
      for (const std::string& m : s.matched) w.String(m.c_str());
      w.EndArray();
      w.Key("reasons");
      w.StartArray();
      for (const std::string& r : s.reasons) w.String(r.c_str());
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.Key("urgent");
    w.Bool(a.urgent);
    w.Key("urgent_cues");
    w.StartArray();
    for (const std::string& cue : a.urgentCues) w.String(cue.c_str());
    w.EndArray();
    w.Key("urgent_reason");
    w.String(a.urgentReason.c_str());
    w.EndObject();
    res.set_content(buf.GetString(), kJson);
  });

  http.Get("/api/v1/estates", [&](const httplib::Request& req, httplib::Response& res) {
    auth.requireUser(req);
    const std::string q = req.has_param("q") ? req.get_param_value("q") : "";
    const std::string county = req.has_param("county") ? req.get_param_value("county") : "";
    if (q.size() > 100) bad("'q' is longer than 100 bytes");
    auto estates = ReferenceStore::findEstates(app.db().reader(), q, county, pickerLimit(req));
    res.set_content(toJsonString(estates, "estates"), kJson);
  });

  http.Get("/api/v1/companies", [&](const httplib::Request& req, httplib::Response& res) {
    auth.requireUser(req);
    const std::string q = req.has_param("q") ? req.get_param_value("q") : "";
    if (q.size() > 100) bad("'q' is longer than 100 bytes");
    auto companies = ReferenceStore::findCompanies(app.db().reader(), q, pickerLimit(req));
    res.set_content(toJsonString(companies, "companies"), kJson);
  });

  http.Get("/api/v1/units", [&](const httplib::Request& req, httplib::Response& res) {
    auth.requireUser(req);
    std::vector<OrgUnit> units;
    for (const OrgUnit* u : app.reference()->org.all()) units.push_back(*u);
    res.set_content(toJsonString(units, "units"), kJson);
  });

  http.Get("/api/v1/catalogue", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(toJsonString(app.reference()->catalogue.entries(), "entries"), kJson);
  });
}

}  // namespace pcs::server
