// Procedure routes (procedures.h has storage and who reads; pcs/procedure.h who acts):
//   POST /api/v1/procedures                {kind, estate_id, reason, proposal_id?} -> 201
//   GET  /api/v1/procedures                ?kind= &state=open|closed &overdue=1 &county=
//                                          &company_id= &estate_id= &limit=
//   GET  /api/v1/procedures/{id}           the procedure with steps, events and actions
//   POST /api/v1/procedures/{id}/actions   {action, text, ..., version?} -> the procedure
//   GET  /api/v1/estates/{id}/grade        the estate's service grade and its history
//
// Sections: helpers | view | routes | registration
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>

#include "app.h"
#include "auth.h"
#include "json_body.h"
#include "log.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "procedures.h"
#include "publication_access.h"
#include "reference_store.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr size_t kMaxTextBytes = 4000;
constexpr int kDefaultListed = 100;
constexpr int kMaxListed = 500;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

int64_t idFrom(const httplib::Request& req) {
  const std::string text = req.matches[1];
  if (text.empty() || text.size() > 18) bad("bad procedure id");
  return std::stoll(text);  // the route's pattern admits digits only
}

Date parseDate(const std::string& text, const char* field) {
  const auto d = Date::parse(text);
  if (!d) bad(std::string("'") + field + "' must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

// Display names of users, read once per response.
class UserNames {
 public:
  explicit UserNames(SQLite::Database& db) : db_(db) {}
  const std::string& operator()(const std::string& id) {
    auto it = names_.find(id);
    if (it != names_.end()) return it->second;
    SQLite::Statement st(db_, "SELECT display_name FROM users WHERE id = ?");
    st.bind(1, id);
    return names_[id] = st.executeStep() ? st.getColumn(0).getString() : id;
  }

 private:
  SQLite::Database& db_;
  std::map<std::string, std::string> names_;
};

std::string unitName(const Reference& ref, const std::string& id) {
  const OrgUnit* u = ref.org.find(id);
  return u ? u->name : id;
}

void optionalDate(Writer& w, const char* key, const std::optional<Date>& d) {
  w.Key(key);
  if (d)
    w.String(d->toString().c_str());
  else
    w.Null();
}

void instant(Writer& w, const char* key, int64_t at) {
  w.Key(key);
  if (at)
    w.String(formatCst(at).c_str());
  else
    w.Null();
}

// ---- view -----------------------------------------------------------------------------------

// The procedure as the API shows it; `full` adds evidence, steps and events (the detail view),
// without them it is a list's summary.
void writeProcedure(Writer& w, const StoredProcedure& stored, const Reference& ref,
                    SQLite::Database& db, UserNames& names, const Actor& actor, int64_t now,
                    bool full) {
  const Procedure& p = stored.value;
  const Date today = cstDate(now);
  const auto estate = ReferenceStore::estate(db, p.estateId);
  const auto company = ReferenceStore::company(db, p.companyId);

  w.StartObject();
  w.Key("id");
  w.Int64(p.id);
  str(w, "kind", procedureKindKey(p.kind));
  str(w, "kind_zh", procedureKindZh(p.kind));
  str(w, "company_id", p.companyId);
  str(w, "company_name", company ? company->name : p.companyId);
  str(w, "estate_id", p.estateId);
  str(w, "estate_name", estate ? estate->name : p.estateId);
  str(w, "county_id", p.countyId);
  str(w, "county_name", unitName(ref, p.countyId));
  str(w, "state", p.open() ? "open" : "closed");
  str(w, "stage", procedureStageKey(p.stage));
  str(w, "stage_zh", procedureStageZh(p.stage));
  str(w, "outcome", p.outcome);
  str(w, "outcome_zh", procedureOutcomeZh(p.outcome));
  instant(w, "opened_at", p.openedAt);
  str(w, "opened_by", p.openedBy);
  str(w, "opened_by_name", names(p.openedBy));
  instant(w, "closed_at", p.closedAt);
  str(w, "reason", p.reason);
  w.Key("proposal_id");
  w.Int64(p.proposalId);
  if (full) {
    // As GET /admin/proposals shows a proposal's evidence: {"proposal": {...}}.
    w.Key("evidence");
    if (p.evidence) {
      const std::string json = toJsonString(*p.evidence, "proposal");
      w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
    } else {
      w.Null();
    }
  }
  str(w, "grade_before", p.gradeBefore);
  str(w, "grade_after", p.gradeAfter);

  w.Key("survey");
  if (p.survey) {
    w.StartObject();
    w.Key("id");
    w.Int64(p.survey->surveyId);
    w.Key("satisfaction");
    if (p.survey->satisfaction)
      w.Double(*p.survey->satisfaction);
    else
      w.Null();
    w.Key("counted");
    w.Int(p.survey->counted);
    w.Key("refused_to_fix");
    w.Bool(p.survey->refusedToFix);
    w.Key("fix_inadequate");
    w.Bool(p.survey->fixInadequate);
    str(w, "published_on", p.survey->publishedOn.toString());
    w.EndObject();
  } else {
    w.Null();
  }

  w.Key("next_proposal");
  if (p.nextProposal) {
    w.StartObject();
    str(w, "action", procedureActionKey(p.nextProposal->action));
    str(w, "text_zh", p.nextProposal->textZh);
    w.Key("criteria");
    w.StartArray();
    for (const LedgerCriterion& c : p.nextProposal->criteria) {
      w.StartObject();
      str(w, "what", c.what);
      w.Key("value");
      w.Double(c.value);
      w.Key("threshold");
      w.Double(c.threshold);
      str(w, "text_zh", c.textZh);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  } else {
    w.Null();
  }

  // The current step: who owes it, by when, how long is left.
  const ProcedureStep* cur = p.current();
  str(w, "current_unit_id", cur ? cur->unitId : "");
  str(w, "current_unit_name", cur ? unitName(ref, cur->unitId) : "");
  optionalDate(w, "current_due", cur ? cur->due : std::nullopt);
  w.Key("current_due_statutory");
  w.Bool(cur && cur->due && !cur->ruleId.empty());
  const std::optional<int> left = procedureDaysLeft(p, today, ref.calendar);
  w.Key("days_left");
  if (left)
    w.Int(*left);
  else
    w.Null();
  str(w, "days_text", procedureDaysText(p, today, ref.calendar));
  w.Key("overdue");
  w.Bool(cur && cur->due && !cur->ruleId.empty() && *cur->due < today);

  if (full) {
    w.Key("steps");
    w.StartArray();
    for (const ProcedureStep& s : p.steps) {
      w.StartObject();
      str(w, "stage", procedureStageKey(s.stage));
      str(w, "title_zh", procedureStageZh(s.stage));
      str(w, "rule_id", s.ruleId);
      str(w, "unit_id", s.unitId);
      str(w, "unit_name", unitName(ref, s.unitId));
      optionalDate(w, "from", s.from);
      optionalDate(w, "due", s.due);
      w.Key("provisional");
      w.Bool(s.provisional);
      str(w, "explanation",
          s.state == StepState::Pending || s.state == StepState::Skipped
              ? (s.ruleId.empty() ? std::string(kNoStatutoryLimitZh) : s.ruleId + " 尚未起算")
              : s.explanation);
      str(w, "state", stepStateKey(s.state));
      instant(w, "done_at", s.doneAt);
      str(w, "done_by", s.doneBy);
      str(w, "done_by_name", s.doneBy.empty() ? "" : names(s.doneBy));
      w.Key("late");
      w.Bool(s.late);
      w.EndObject();
    }
    w.EndArray();
  }

  const ProcedureContext ctx{ref.org, ref.calendar, ref.rules, now};
  w.Key("actions");
  w.StartArray();
  for (ProcedureAction a : availableProcedureActions(p, actor, ctx)) {
    w.StartObject();
    str(w, "action", procedureActionKey(a));
    str(w, "label_zh", procedureActionZh(a));
    w.EndObject();
  }
  w.EndArray();

  if (full) {
    w.Key("events");
    w.StartArray();
    for (const ProcedureEvent& e : p.events) {
      w.StartObject();
      w.Key("seq");
      w.Int(e.seq);
      instant(w, "at", e.at);
      str(w, "user_id", e.userId);
      str(w, "user_name", names(e.userId));
      str(w, "unit_id", e.unitId);
      str(w, "unit_name", unitName(ref, e.unitId));
      str(w, "role", e.role);
      str(w, "action", e.action);
      const auto action = procedureActionFromKey(e.action);
      str(w, "action_zh", action ? procedureActionZh(*action) : e.action);
      str(w, "text", e.text);
      str(w, "detail", e.detail);
      str(w, "stage_from", e.stageFrom);
      str(w, "stage_to", e.stageTo);
      w.Key("notified");
      w.StartArray();
      for (const std::string& u : e.notified) {
        w.StartObject();
        str(w, "unit_id", u);
        str(w, "unit_name", unitName(ref, u));
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("version");
  w.Int64(stored.version);
  w.EndObject();
}

void answer(App& app, httplib::Response& res, const CurrentUser& user, int64_t id,
            int status = 200) {
  SQLite::Database& db = app.db().reader();
  const auto stored = ProcedureStore::load(db, id);
  if (!stored) throw Error(ErrorCode::NotFound, "no procedure " + std::to_string(id));
  UserNames names(db);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  writeProcedure(w, *stored, *app.reference(), db, names, user.actor(), app.now(), true);
  res.status = status;
  res.set_content(buf.GetString(), kJson);
}

// ---- routes ---------------------------------------------------------------------------------

void openRoute(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const JsonBody b(req.body);
  OpenProcedureRequest r;
  const std::string kind = b.string("kind", 32);
  const auto k = procedureKindFromKey(kind);
  if (!k) bad("'kind' must be grade_review or exit");
  r.kind = *k;
  r.estateId = b.string("estate_id", 64);
  r.reason = b.optString("reason", kMaxTextBytes).value_or("");
  r.proposalId = b.optInteger("proposal_id", 1, INT64_MAX).value_or(0);
  const int64_t now = app.now();
  const int64_t id =
      app.db().write([&](SQLite::Database& tx) { return openProcedureIn(tx, *ref, user, r, now); });
  logInfo("procedure " + std::to_string(id), "open by " + user.login + " (" + user.unitId + ")");
  res.set_header("Location", "/api/v1/procedures/" + std::to_string(id));
  answer(app, res, user, id, 201);
}

void listRoute(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();

  // The widest scope the user reads in (procedures.h).
  std::optional<CountyScope> scope =
      authorityScope(user, *ref, {Role::Dispatcher, Role::UnitHead, Role::Reviewer});
  if (!scope) scope = oversightScope(user, *ref);
  const OrgUnit* unit = ref->org.find(user.unitId);
  std::string deptCounty, localUnit;
  if (!scope && unit && unit->active) {
    const bool stepDept =
        unit->kind == UnitKind::Department && unit->level == OrgLevel::County &&
        (unit->handler == Handler::DevelopmentReform || unit->handler == Handler::MarketRegulation);
    if (stepDept) deptCounty = ref->org.areaOf(unit->id).id;
    if (unit->kind == UnitKind::Area &&
        (unit->level == OrgLevel::Street || unit->level == OrgLevel::Community))
      localUnit = unit->id;
  }
  if (!scope && deptCounty.empty() && localUnit.empty())
    throw Error(ErrorCode::Forbidden, "无权查看等级核查和退出程序");

  auto param = [&](const char* name, size_t maxBytes) -> std::optional<std::string> {
    if (!req.has_param(name)) return std::nullopt;
    std::string v = req.get_param_value(name);
    if (v.empty() || v.size() > maxBytes) bad(std::string("bad '") + name + "'");
    return v;
  };
  const auto kind = param("kind", 32);
  if (kind && !procedureKindFromKey(*kind)) bad("'kind' must be grade_review or exit");
  const auto state = param("state", 16);
  if (state && *state != "open" && *state != "closed") bad("'state' must be open or closed");
  const auto overdue = param("overdue", 1);
  if (overdue && *overdue != "1" && *overdue != "0") bad("'overdue' must be 1 or 0");
  const auto county = param("county", 64);
  const auto company = param("company_id", 64);
  const auto estate = param("estate_id", 64);
  int limit = kDefaultListed;
  if (const auto l = param("limit", 3)) {
    if (l->find_first_not_of("0123456789") != std::string::npos || std::stoi(*l) < 1 ||
        std::stoi(*l) > kMaxListed)
      bad("'limit' must be 1 to " + std::to_string(kMaxListed));
    limit = std::stoi(*l);
  }

  std::string sql = "SELECT id FROM procedures WHERE 1";
  if (scope && !scope->all) sql += " AND county_id = :scope";
  if (!deptCounty.empty()) sql += " AND county_id = :scope AND kind = 'grade_review'";
  if (!localUnit.empty())
    sql +=
        " AND estate_id IN (SELECT id FROM estates WHERE street_id = :unit OR "
        "community_id = :unit)";
  if (kind) sql += " AND kind = :kind";
  if (state) sql += " AND state = :state";
  if (overdue && *overdue == "1")
    sql += " AND state = 'open' AND current_due IS NOT NULL AND current_due < :today";
  if (county) sql += " AND county_id = :county";
  if (company) sql += " AND company_id = :company";
  if (estate) sql += " AND estate_id = :estate";
  sql += " ORDER BY state = 'open' DESC, current_due IS NULL, current_due, id DESC LIMIT :limit";
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db, sql);
  if (scope && !scope->all) st.bind(":scope", scope->countyId);
  if (!deptCounty.empty()) st.bind(":scope", deptCounty);
  if (!localUnit.empty()) st.bind(":unit", localUnit);
  if (kind) st.bind(":kind", *kind);
  if (state) st.bind(":state", *state);
  const int64_t now = app.now();
  if (overdue && *overdue == "1") st.bind(":today", cstDate(now).toString());
  if (county) st.bind(":county", *county);
  if (company) st.bind(":company", *company);
  if (estate) st.bind(":estate", *estate);
  st.bind(":limit", limit);
  std::vector<int64_t> ids;
  while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());

  UserNames names(db);
  const Actor actor = user.actor();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (int64_t id : ids)
    if (const auto stored = ProcedureStore::load(db, id))
      writeProcedure(w, *stored, *ref, db, names, actor, now, false);
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

void getRoute(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const int64_t id = idFrom(req);
  const auto stored = ProcedureStore::load(app.db().reader(), id);
  // A procedure the user may not read is reported as absent, as cases are.
  if (!stored || !mayReadProcedure(user, *app.reference(), stored->value))
    throw Error(ErrorCode::NotFound, "no procedure " + std::to_string(id));
  answer(app, res, user, id);
}

// The survey a grade review records: a closed survey of the same estate, closed after the
// procedure was opened (an older survey is not this review's survey); its figures are read
// here, never taken from the client.
ProcedureSurvey surveyFor(SQLite::Database& db, int64_t surveyId, const Procedure& p) {
  SQLite::Statement st(db,
                       "SELECT estate_id, state, satisfaction, counted, refused_to_fix, "
                       "fix_inadequate, closed_at FROM surveys WHERE id = ?");
  st.bind(1, surveyId);
  if (!st.executeStep()) bad("'survey_id': no survey " + std::to_string(surveyId));
  if (st.getColumn(0).getString() != p.estateId)
    bad("'survey_id': 测评" + std::to_string(surveyId) + "不是本小区的满意度测评");
  if (st.getColumn(1).getString() != "closed")
    throw Error(ErrorCode::Conflict,
                "测评" + std::to_string(surveyId) + "尚未结束，结束后才能登记调查结果");
  const int64_t closedAt = st.getColumn(6).isNull() ? 0 : st.getColumn(6).getInt64();
  if (closedAt < p.openedAt)
    bad("'survey_id': 测评" + std::to_string(surveyId) + "于" + formatCst(closedAt) +
        "结束，早于本程序的启动时间（" + formatCst(p.openedAt) +
        "），不是本次核查的调查；请为本次核查开展新的满意度测评");
  ProcedureSurvey s;
  s.surveyId = surveyId;
  if (!st.getColumn(2).isNull()) s.satisfaction = st.getColumn(2).getDouble();
  s.counted = st.getColumn(3).isNull() ? 0 : st.getColumn(3).getInt();
  s.refusedToFix = st.getColumn(4).getInt() != 0;
  s.fixInadequate = st.getColumn(5).getInt() != 0;
  return s;
}

void actionRoute(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const int64_t id = idFrom(req);
  {
    const auto stored = ProcedureStore::load(app.db().reader(), id);
    if (!stored || !mayReadProcedure(user, *ref, stored->value))
      throw Error(ErrorCode::NotFound, "no procedure " + std::to_string(id));
  }
  const JsonBody b(req.body);
  ProcedureCommand cmd;
  const std::string key = b.string("action", 32);
  const auto action = procedureActionFromKey(key);
  if (!action || *action == ProcedureAction::Open) bad("unknown action '" + key + "'");
  cmd.action = *action;
  cmd.text = b.optString("text", kMaxTextBytes).value_or("");
  std::optional<int64_t> surveyId;
  std::optional<Date> publishedOn;
  if (cmd.action == ProcedureAction::RecordSurvey) {
    surveyId = b.integer("survey_id", 1, INT64_MAX);
    publishedOn = parseDate(b.string("published_on", 10), "published_on");
  }
  if (cmd.action == ProcedureAction::Regrade) cmd.newGrade = b.string("new_grade", 32);
  if (cmd.action == ProcedureAction::NotifyOwners)
    if (const auto t = b.optString("target_date", 10))
      cmd.targetDate = parseDate(*t, "target_date");
  const std::optional<int64_t> seenVersion = b.optInteger("version", 1, INT64_MAX);
  const int64_t now = app.now();
  const ProcedureContext ctx{ref->org, ref->calendar, ref->rules, now};

  app.db().write([&](SQLite::Database& tx) {
    auto stored = ProcedureStore::load(tx, id);
    if (!stored) throw Error(ErrorCode::NotFound, "no procedure " + std::to_string(id));
    if (seenVersion && *seenVersion != stored->version)
      throw Error(ErrorCode::Conflict,
                  "程序" + std::to_string(id) + "在您打开后已被他人修改，请刷新后重试");
    Procedure p = stored->value;
    if (surveyId) {
      cmd.survey = surveyFor(tx, *surveyId, p);
      cmd.survey->publishedOn = *publishedOn;
    }
    applyProcedure(p, cmd, user.actor(), ctx);
    ProcedureStore::update(tx, p, stored->version, now);
    recordProcedureStep(tx, *ref, user, p, now);
  });
  logInfo("procedure " + std::to_string(id), key + " by " + user.login + " (" + user.unitId + ")");
  answer(app, res, user, id);
}

void gradeRoute(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  auth.requireUser(req, res);
  const std::string estateId = req.matches[1];
  SQLite::Database& db = app.db().reader();
  const auto estate = ReferenceStore::estate(db, estateId);
  if (!estate) throw Error(ErrorCode::NotFound, "no estate " + estateId);
  UserNames names(db);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  str(w, "estate_id", estate->id);
  str(w, "estate_name", estate->name);
  str(w, "grade", currentEstateGrade(db, estate->id));
  const auto company =
      estate->companyId.empty() ? std::nullopt : ReferenceStore::company(db, estate->companyId);
  str(w, "company_grade", company ? company->serviceGrade : "");
  w.Key("history");
  w.StartArray();
  SQLite::Statement st(db,
                       "SELECT grade, at, procedure_id, set_by FROM estate_grades "
                       "WHERE estate_id = ? ORDER BY id");
  st.bind(1, estate->id);
  while (st.executeStep()) {
    w.StartObject();
    str(w, "grade", st.getColumn(0).getString());
    instant(w, "at", st.getColumn(1).getInt64());
    w.Key("procedure_id");
    w.Int64(st.getColumn(2).isNull() ? 0 : st.getColumn(2).getInt64());
    str(w, "by", st.getColumn(3).getString());
    str(w, "by_name", names(st.getColumn(3).getString()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerProcedureRoutes(httplib::Server& http, App& app, Auth& auth) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Post("/api/v1/procedures", [&](Req req, Res res) { openRoute(app, auth, req, res); });
  http.Get("/api/v1/procedures", [&](Req req, Res res) { listRoute(app, auth, req, res); });
  http.Get(R"(/api/v1/procedures/(\d+))", [&](Req req, Res res) { getRoute(app, auth, req, res); });
  http.Post(R"(/api/v1/procedures/(\d+)/actions)",
            [&](Req req, Res res) { actionRoute(app, auth, req, res); });
  http.Get(R"(/api/v1/estates/([A-Za-z0-9._-]{1,64})/grade)",
           [&](Req req, Res res) { gradeRoute(app, auth, req, res); });
}

}  // namespace pcs::server
