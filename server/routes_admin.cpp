// Administration routes beyond accounts, and the notifications the scheduler raises:
//   POST /api/v1/admin/calendar/arrangements   (admin) arrangement file text -> deadlines moved
//   GET  /api/v1/admin/calendar/arrangements   (admin) the arrangements loaded at run time
//   GET  /api/v1/admin/scheduler/runs          (admin) when each scheduled job last ran
//   GET  /api/v1/admin/proposals               (property authorities, admin) ledger proposals
//   POST /api/v1/admin/proposals/{id}/decision {decision: confirm|dismiss, note, estate_id?}
//                                              confirming a grade_review, regrade or exit
//                                              proposal also opens the procedure (procedures.h)
//   GET  /api/v1/notifications                 the user's unit's notifications, unread first
//   POST /api/v1/notifications/{id}/read
//
// Sections: helpers | calendar | proposals | notifications | registration
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <mutex>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "case_store.h"
#include "json_body.h"
#include "pcs/error.h"
#include "pcs/ledger.h"
#include "pcs/serialize.h"
#include "pcs/workflow.h"
#include "procedures.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr const char* kJson = "application/json; charset=utf-8";
// An arrangement file is a few dozen lines; anything this large is not one.
constexpr size_t kMaxArrangementBytes = 64 * 1024;
constexpr int kMaxNotifications = 100;
constexpr int kDefaultProposals = 100;
constexpr int kMaxProposals = 500;
constexpr size_t kMaxNoteBytes = 2000;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

int64_t idFrom(const httplib::Request& req, const char* what) {
  const std::string text = req.matches[1];
  if (text.empty() || text.size() > 18) bad(std::string("bad ") + what + " id");
  return std::stoll(text);  // the route's pattern admits digits only
}

// ---- calendar -------------------------------------------------------------------------------

// One calendar load at a time: each builds on the reference calendar the previous one left.
std::mutex calendarLoadMutex;

// Recomputes the deadlines of every open case on `cal`, a page per write transaction, and
// records each moved deadline. Returns how many cases changed.
int64_t recomputeOpenCases(App& app, const Calendar& cal, const RuleSet& rules,
                           const std::string& cause, int64_t now) {
  CaseFilter f;
  f.open = true;
  f.order = "newest";
  f.limit = 200;
  Visibility everything;
  everything.all = true;
  const Date today = cstDate(now);
  int64_t changed = 0;
  for (;;) {
    const CasePage page = CaseStore::list(app.db().reader(), f, everything, today);
    app.db().write([&](SQLite::Database& tx) {
      SQLite::Statement ins(tx,
                            "INSERT INTO deadline_changes(at, case_id, change, cause) "
                            "VALUES(?, ?, ?, ?)");
      for (const CaseSummary& s : page.items) {
        // Read again inside the transaction: the case may have changed since the page was read.
        auto stored = CaseStore::load(tx, s.id);
        if (!stored) continue;
        Case c = stored->value;
        const std::vector<std::string> moved = recomputeDeadlines(c, cal, rules);
        if (moved.empty()) continue;
        CaseStore::update(tx, c, stored->version, now);
        for (const std::string& m : moved) {
          ins.reset();
          ins.bind(1, now);
          ins.bind(2, c.id);
          ins.bind(3, m);
          ins.bind(4, cause);
          ins.exec();
        }
        ++changed;
      }
    });
    if (page.nextCursor.empty()) return changed;
    f.cursor = page.nextCursor;
  }
}

// Loading a holiday arrangement (R5). The steps, in this order:
//   1. parse (a bad file is refused before anything changes);
//   2. store the text in calendar_arrangements (replacing the same year), so a restart loads it;
//   3. publish the new reference calendar, so every case registered or acted on from now on is
//      counted on it;
//   4. recompute every open case's deadlines on it (cases a request changed meanwhile are read
//      again in each batch, so none keeps an old count), recording each moved deadline;
//   5. audit once with the counts.
// Publishing before the recomputation rather than after closes the window in which a request
// would count a new case on the old calendar after its batch had passed. A failure in step 4
// leaves the arrangement loaded; loading the same file again finishes the recomputation.
void loadArrangement(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireRole(req, res, Role::Admin);
  if (req.body.empty()) bad("the body must be the arrangement file's text");
  if (req.body.size() > kMaxArrangementBytes)
    bad("an arrangement file is at most " + std::to_string(kMaxArrangementBytes) + " bytes");
  const Arrangement a = parseArrangement(req.body);

  std::lock_guard<std::mutex> lock(calendarLoadMutex);
  const auto before = app.reference();
  Calendar cal = before->calendar;
  const std::vector<DayChange> days = cal.load(a);
  const int64_t now = app.now();
  const std::string cause =
      std::to_string(a.year) + "年放假安排" + (a.source.empty() ? "" : "（" + a.source + "）");

  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement st(tx,
                         "INSERT OR REPLACE INTO calendar_arrangements(year, text, loaded_at, "
                         "loaded_by) VALUES(?, ?, ?, ?)");
    st.bind(1, a.year);
    st.bind(2, req.body);
    st.bind(3, now);
    st.bind(4, user.id);
    st.exec();
  });

  // The rest of the reference data as it is now (another edit may have replaced it meanwhile).
  auto next = std::make_shared<Reference>(*app.reference());
  next->calendar = cal;
  const RuleSet rules = next->rules;
  app.setReference(next);

  const int64_t cases = recomputeOpenCases(app, cal, rules, cause, now);
  const int64_t procedures = recomputeOpenProcedures(app.db(), *next, now);
  app.db().write([&](SQLite::Database& tx) {
    appendAudit(tx,
                {now, user.id, user.unitId, "calendar.load", "calendar:" + std::to_string(a.year),
                 "载入" + cause + "：" + std::to_string(days.size()) + "个日期变化，" +
                     std::to_string(cases) + "件案件、" + std::to_string(procedures) +
                     "个程序的期限重新计算"});
  });

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("year");
  w.Int(a.year);
  w.Key("days_changed");
  w.Int64(static_cast<int64_t>(days.size()));
  w.Key("cases_changed");
  w.Int64(cases);
  w.Key("procedures_changed");
  w.Int64(procedures);
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

void listArrangements(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  auth.requireRole(req, res, Role::Admin);
  const auto ref = app.reference();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  SQLite::Statement st(
      app.db().reader(),
      "SELECT year, loaded_at, loaded_by FROM calendar_arrangements ORDER BY year");
  while (st.executeStep()) {
    const int year = st.getColumn(0).getInt();
    w.StartObject();
    w.Key("year");
    w.Int(year);
    w.Key("loaded_at");
    w.Int64(st.getColumn(1).getInt64());
    str(w, "loaded_by", st.getColumn(2).getString());
    str(w, "source", ref->calendar.isPublished(year) ? ref->calendar.sourceOf(year) : "");
    w.EndObject();
  }
  w.EndArray();
  // Every year with a published arrangement, built in or loaded.
  w.Key("published_years");
  w.StartArray();
  for (int y : ref->calendar.publishedYears()) w.Int(y);
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

void listSchedulerRuns(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  auth.requireRole(req, res, Role::Admin);
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  SQLite::Statement st(app.db().reader(),
                       "SELECT job, last_run_at FROM scheduler_runs ORDER BY job");
  while (st.executeStep()) {
    w.StartObject();
    str(w, "job", st.getColumn(0).getString());
    w.Key("last_run_at");
    w.Int64(st.getColumn(1).getInt64());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

// ---- proposals ------------------------------------------------------------------------------

// Which proposals a user may see and decide: all of them, or those of the companies managing
// an estate in one county.
struct ProposalScope {
  bool all = false;
  std::string countyId;
};

// Administrators and the city's property authority see every company; a county's property
// authority sees the companies with an estate in its county. Within an authority, the
// dispatcher, the unit head and the reviewer handle proposals.
ProposalScope proposalScope(const CurrentUser& user, const Reference& ref) {
  if (user.has(Role::Admin)) return {true, ""};
  const OrgUnit* unit = ref.org.find(user.unitId);
  const bool authority = unit && unit->active && unit->kind == UnitKind::Department &&
                         unit->handler == Handler::Housing;
  const bool role =
      user.has(Role::Dispatcher) || user.has(Role::UnitHead) || user.has(Role::Reviewer);
  if (!authority || !role)
    throw Error(ErrorCode::Forbidden,
                "只有物业主管部门的分转员、负责人、审核人或系统管理员可以处理企业台账提议");
  if (unit->level == OrgLevel::City) return {true, ""};
  const OrgUnit* county = ref.org.ancestorAt(unit->id, OrgLevel::County);
  if (!county) throw Error(ErrorCode::Forbidden, "无法确定本单位所属的县（区）");
  return {false, county->id};
}

// The WHERE clause part that limits proposals `p` to the scope; binds nothing when all.
std::string scopeSql(const ProposalScope& s) {
  return s.all ? "1" : "p.company_id IN (SELECT company_id FROM estates WHERE county_id = :county)";
}

const char* ruleZhOf(const std::string& key) {
  for (LedgerRule r :
       {LedgerRule::KeySupervision, LedgerRule::GradeReview, LedgerRule::Regrade, LedgerRule::Exit})
    if (key == ledgerRuleKey(r)) return ledgerRuleZh(r);
  return "";
}

constexpr const char* kProposalColumns =
    "SELECT p.id, p.company_id, COALESCE(c.name, ''), p.rule, p.created_at, p.state, p.evidence, "
    "p.decided_by, p.decided_at, p.decision_note FROM ledger_proposals p "
    "LEFT JOIN companies c ON c.id = p.company_id ";

void writeProposal(Writer& w, SQLite::Statement& st) {
  w.StartObject();
  w.Key("id");
  w.Int64(st.getColumn(0).getInt64());
  str(w, "company_id", st.getColumn(1).getString());
  str(w, "company_name", st.getColumn(2).getString());
  const std::string rule = st.getColumn(3).getString();
  str(w, "rule", rule);
  str(w, "rule_zh", ruleZhOf(rule));
  w.Key("created_at");
  w.Int64(st.getColumn(4).getInt64());
  str(w, "state", st.getColumn(5).getString());
  // The proposal as the rules produced it: {"proposal": {...}} (pcs::LedgerProposal), with
  // complainants' keys masked (proposals stored before they were masked at storage).
  LedgerProposal proposal = fromJsonString<LedgerProposal>(st.getColumn(6).getString(), "proposal");
  maskComplainantKeys(proposal);
  const std::string evidence = toJsonString(proposal, "proposal");
  w.Key("evidence");
  w.RawValue(evidence.c_str(), evidence.size(), rapidjson::kObjectType);
  str(w, "decided_by", textOrEmpty(st.getColumn(7)));
  w.Key("decided_at");
  w.Int64(st.getColumn(8).isNull() ? 0 : st.getColumn(8).getInt64());
  str(w, "decision_note", textOrEmpty(st.getColumn(9)));
  w.EndObject();
}

void listProposals(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const ProposalScope scope = proposalScope(user, *app.reference());
  const std::string state = req.has_param("state") ? req.get_param_value("state") : "";
  if (!state.empty() && state != "open" && state != "confirmed" && state != "dismissed")
    bad("'state' must be open, confirmed or dismissed");
  int limit = kDefaultProposals;
  if (req.has_param("limit")) {
    const std::string l = req.get_param_value("limit");
    if (l.empty() || l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos)
      bad("'limit' must be 1 to " + std::to_string(kMaxProposals));
    limit = std::stoi(l);
    if (limit < 1 || limit > kMaxProposals)
      bad("'limit' must be 1 to " + std::to_string(kMaxProposals));
  }
  // Open proposals first, newest first within each state.
  SQLite::Statement st(app.db().reader(),
                       std::string(kProposalColumns) + "WHERE " + scopeSql(scope) +
                           (state.empty() ? "" : " AND p.state = :state") +
                           " ORDER BY p.state = 'open' DESC, p.id DESC LIMIT :limit");
  if (!scope.all) st.bind(":county", scope.countyId);
  if (!state.empty()) st.bind(":state", state);
  st.bind(":limit", limit);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  while (st.executeStep()) writeProposal(w, st);
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

// The estate a confirmed proposal's procedure is opened on when the user names none: the
// company's estate (in the user's scope) with the most cases in the proposal's evidence, else
// the estate of its latest closed survey, else its first estate.
std::string defaultEstate(SQLite::Database& tx, int64_t proposalId, const std::string& companyId,
                          const ProposalScope& scope) {
  const std::string inScope = "SELECT id FROM estates WHERE company_id = :company" +
                              std::string(scope.all ? "" : " AND county_id = :county");
  auto bindScope = [&](SQLite::Statement& st) {
    st.bind(":company", companyId);
    if (!scope.all) st.bind(":county", scope.countyId);
  };
  SQLite::Statement evidence(tx, "SELECT evidence FROM ledger_proposals WHERE id = ?");
  evidence.bind(1, proposalId);
  evidence.executeStep();
  const LedgerProposal p =
      fromJsonString<LedgerProposal>(evidence.getColumn(0).getString(), "proposal");
  if (p.count && !p.count->caseIds.empty()) {
    // Bounded well inside SQLite's limit on bound parameters; a sample this large decides it.
    constexpr size_t kMaxCasesLooked = 500;
    const size_t n = std::min(p.count->caseIds.size(), kMaxCasesLooked);
    std::string ids;
    for (size_t i = 0; i < n; ++i) ids += (i ? ",?" : "?");
    SQLite::Statement st(tx, "SELECT estate_id FROM cases WHERE id IN (" + ids +
                                 ") AND estate_id IN (" + inScope +
                                 ") GROUP BY estate_id ORDER BY COUNT(*) DESC, estate_id LIMIT 1");
    for (size_t i = 0; i < n; ++i) st.bind(static_cast<int>(i + 1), p.count->caseIds[i]);
    bindScope(st);
    if (st.executeStep()) return st.getColumn(0).getString();
  }
  SQLite::Statement survey(tx,
                           "SELECT estate_id FROM surveys WHERE state = 'closed' AND "
                           "estate_id IN (" +
                               inScope + ") ORDER BY closed_at DESC LIMIT 1");
  bindScope(survey);
  if (survey.executeStep()) return survey.getColumn(0).getString();
  SQLite::Statement first(tx, inScope + " ORDER BY id LIMIT 1");
  bindScope(first);
  if (first.executeStep()) return first.getColumn(0).getString();
  throw Error(ErrorCode::InvalidInput,
              "企业" + companyId + "在您的辖区内没有管理的小区，请指定 'estate_id'");
}

void decideProposal(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const ProposalScope scope = proposalScope(user, *app.reference());
  const int64_t id = idFrom(req, "proposal");
  const JsonBody b(req.body);
  const std::string decision = b.string("decision", 16);
  if (decision != "confirm" && decision != "dismiss") bad("'decision' must be confirm or dismiss");
  const std::string note = b.optString("note", kMaxNoteBytes).value_or("");
  if (decision == "dismiss" && note.find_first_not_of(" \t\r\n") == std::string::npos)
    bad("'note' is required to dismiss a proposal: say why it does not apply");
  const std::optional<std::string> estateId = b.optString("estate_id", 64);
  const int64_t now = app.now();
  const auto ref = app.reference();
  int64_t procedureId = 0;

  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement find(tx,
                           "SELECT p.company_id, p.rule, p.state FROM ledger_proposals p "
                           "WHERE p.id = :id AND " +
                               scopeSql(scope));
    find.bind(":id", id);
    if (!scope.all) find.bind(":county", scope.countyId);
    // A proposal outside the user's scope is reported as absent, as cases are.
    if (!find.executeStep()) throw Error(ErrorCode::NotFound, "no proposal " + std::to_string(id));
    const std::string companyId = find.getColumn(0).getString();
    const std::string rule = find.getColumn(1).getString();
    const std::string state = find.getColumn(2).getString();
    if (state != "open")
      throw Error(ErrorCode::Conflict, "提议" + std::to_string(id) + "已处理（" +
                                           (state == "confirmed" ? "已确认" : "已驳回") + "）");
    // Confirming a grade review, regrade or exit opens the procedure that carries it out; the
    // proposal is confirmed there, in this same transaction.
    const bool opens = rule == "grade_review" || rule == "regrade" || rule == "exit";
    if (decision == "confirm" && opens) {
      OpenProcedureRequest r;
      r.kind = rule == "exit" ? ProcedureKind::Exit : ProcedureKind::GradeReview;
      r.estateId = estateId ? *estateId : defaultEstate(tx, id, companyId, scope);
      r.proposalId = id;
      r.reason = note;
      r.note = note;
      procedureId = openProcedureIn(tx, *ref, user, r, now);
      return;
    }
    SQLite::Statement up(tx,
                         "UPDATE ledger_proposals SET state = ?, decided_by = ?, decided_at = ?, "
                         "decision_note = ? WHERE id = ?");
    up.bind(1, decision == "confirm" ? "confirmed" : "dismissed");
    up.bind(2, user.id);
    up.bind(3, now);
    up.bind(4, note);
    up.bind(5, id);
    up.exec();
    appendAudit(
        tx, {now, user.id, user.unitId, "ledger." + decision, "company:" + companyId,
             std::string(decision == "confirm" ? "确认" : "驳回") + "提议" + std::to_string(id) +
                 "：" + ruleZhOf(rule) + (note.empty() ? "" : "；说明：" + note)});
  });

  SQLite::Statement st(app.db().reader(), std::string(kProposalColumns) + "WHERE p.id = ?");
  st.bind(1, id);
  st.executeStep();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  writeProposal(w, st);
  std::string body = buf.GetString();
  if (procedureId) {
    // The proposal as always, plus the procedure it opened.
    body.pop_back();
    body += ",\"procedure_id\":" + std::to_string(procedureId) + "}";
  }
  res.set_content(body, kJson);
}

// ---- notifications --------------------------------------------------------------------------

void listNotifications(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  SQLite::Database& db = app.db().reader();
  SQLite::Statement count(
      db, "SELECT COUNT(*) FROM notifications WHERE unit_id = ? AND read_at IS NULL");
  count.bind(1, user.unitId);
  count.executeStep();
  SQLite::Statement st(
      db,
      "SELECT id, at, case_id, kind, text, read_at, procedure_id FROM notifications "
      "WHERE unit_id = ? ORDER BY read_at IS NOT NULL, id DESC LIMIT ?");
  st.bind(1, user.unitId);
  st.bind(2, kMaxNotifications);

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("unread");
  w.Int64(count.getColumn(0).getInt64());
  w.Key("items");
  w.StartArray();
  while (st.executeStep()) {
    w.StartObject();
    w.Key("id");
    w.Int64(st.getColumn(0).getInt64());
    w.Key("at");
    w.Int64(st.getColumn(1).getInt64());
    str(w, "case_id", textOrEmpty(st.getColumn(2)));
    str(w, "kind", st.getColumn(3).getString());
    str(w, "text", st.getColumn(4).getString());
    w.Key("read_at");
    w.Int64(st.getColumn(5).isNull() ? 0 : st.getColumn(5).getInt64());
    w.Key("procedure_id");
    w.Int64(st.getColumn(6).isNull() ? 0 : st.getColumn(6).getInt64());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

void readNotification(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const int64_t id = idFrom(req, "notification");
  const int64_t now = app.now();
  const int64_t readAt = app.db().write([&](SQLite::Database& tx) {
    // Another unit's notification is reported as absent.
    SQLite::Statement find(tx, "SELECT read_at FROM notifications WHERE id = ? AND unit_id = ?");
    find.bind(1, id);
    find.bind(2, user.unitId);
    if (!find.executeStep())
      throw Error(ErrorCode::NotFound, "no notification " + std::to_string(id));
    if (!find.getColumn(0).isNull()) return find.getColumn(0).getInt64();  // read already
    SQLite::Statement up(tx, "UPDATE notifications SET read_at = ? WHERE id = ?");
    up.bind(1, now);
    up.bind(2, id);
    up.exec();
    return now;
  });
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("id");
  w.Int64(id);
  w.Key("read_at");
  w.Int64(readAt);
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerAdminRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/admin/calendar/arrangements",
            [&](const httplib::Request& req, httplib::Response& res) {
              loadArrangement(app, auth, req, res);
            });
  http.Get("/api/v1/admin/calendar/arrangements",
           [&](const httplib::Request& req, httplib::Response& res) {
             listArrangements(app, auth, req, res);
           });
  http.Get("/api/v1/admin/scheduler/runs",
           [&](const httplib::Request& req, httplib::Response& res) {
             listSchedulerRuns(app, auth, req, res);
           });
  http.Get("/api/v1/admin/proposals", [&](const httplib::Request& req, httplib::Response& res) {
    listProposals(app, auth, req, res);
  });
  http.Post(R"(/api/v1/admin/proposals/(\d+)/decision)",
            [&](const httplib::Request& req, httplib::Response& res) {
              decideProposal(app, auth, req, res);
            });
  http.Get("/api/v1/notifications", [&](const httplib::Request& req, httplib::Response& res) {
    listNotifications(app, auth, req, res);
  });
  http.Post(R"(/api/v1/notifications/(\d+)/read)",
            [&](const httplib::Request& req, httplib::Response& res) {
              readNotification(app, auth, req, res);
            });
}

}  // namespace pcs::server
