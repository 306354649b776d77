// Procedures on the server: storage, opening, the records of each step, reminders.
//
// Sections: store | grades | opening | steps | access | reminders
#include "procedures.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

#include "audit.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "pcs/utf8.h"
#include "publication_access.h"
#include "reference_store.h"

namespace pcs::server {

namespace {

// A reason taken from a proposal's explanation is cut to this many characters, well inside the
// engine's limit on a reason.
constexpr size_t kMaxReasonFromProposalChars = 1000;

std::string dueColumn(const Procedure& p) {
  const ProcedureStep* s = p.current();
  return s && s->due && !s->ruleId.empty() ? s->due->toString() : "";
}

void bindColumns(SQLite::Statement& st, const Procedure& p) {
  st.bind(":kind", procedureKindKey(p.kind));
  st.bind(":company", p.companyId);
  st.bind(":estate", p.estateId);
  st.bind(":county", p.countyId);
  st.bind(":state", p.open() ? "open" : "closed");
  st.bind(":stage", procedureStageKey(p.stage));
  const std::string due = dueColumn(p);
  if (due.empty())
    st.bind(":due");
  else
    st.bind(":due", due);
  st.bind(":data", toJsonString(p, "procedure"));
}

}  // namespace

// ---- store ----------------------------------------------------------------------------------

std::optional<StoredProcedure> ProcedureStore::load(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db, "SELECT data, version FROM procedures WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  StoredProcedure out;
  out.value = fromJsonString<Procedure>(st.getColumn(0).getString(), "procedure");
  out.value.id = id;
  out.version = st.getColumn(1).getInt64();
  return out;
}

void ProcedureStore::insert(SQLite::Database& tx, Procedure& p, int64_t now) {
  p.id = tx.execAndGet("SELECT COALESCE(MAX(id), 0) + 1 FROM procedures").getInt64();
  SQLite::Statement st(tx,
                       "INSERT INTO procedures(id, kind, company_id, estate_id, county_id, state, "
                       "stage, current_due, data, version, updated_at) VALUES(:id, :kind, "
                       ":company, :estate, :county, :state, :stage, :due, :data, 1, :now)");
  st.bind(":id", p.id);
  bindColumns(st, p);
  st.bind(":now", now);
  st.exec();
}

int64_t ProcedureStore::update(SQLite::Database& tx, const Procedure& p, int64_t expectedVersion,
                               int64_t now) {
  SQLite::Statement st(tx,
                       "UPDATE procedures SET kind = :kind, company_id = :company, estate_id = "
                       ":estate, county_id = :county, state = :state, stage = :stage, "
                       "current_due = :due, data = :data, version = version + 1, updated_at = "
                       ":now WHERE id = :id AND version = :version");
  bindColumns(st, p);
  st.bind(":now", now);
  st.bind(":id", p.id);
  st.bind(":version", expectedVersion);
  if (st.exec() != 1)
    throw Error(ErrorCode::Conflict, "程序" + std::to_string(p.id) + "已被他人修改，请刷新后重试");
  return expectedVersion + 1;
}

std::optional<int64_t> ProcedureStore::openFor(SQLite::Database& db, const std::string& estateId,
                                               ProcedureKind kind) {
  SQLite::Statement st(
      db, "SELECT id FROM procedures WHERE estate_id = ? AND kind = ? AND state = 'open'");
  st.bind(1, estateId);
  st.bind(2, procedureKindKey(kind));
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getInt64();
}

bool ProcedureStore::companyHasOpen(SQLite::Database& db, const std::string& companyId,
                                    ProcedureKind kind) {
  SQLite::Statement st(db,
                       "SELECT 1 FROM procedures WHERE company_id = ? AND kind = ? AND "
                       "state = 'open' LIMIT 1");
  st.bind(1, companyId);
  st.bind(2, procedureKindKey(kind));
  return st.executeStep();
}

// ---- grades ---------------------------------------------------------------------------------

std::string currentEstateGrade(SQLite::Database& db, const std::string& estateId) {
  SQLite::Statement st(db,
                       "SELECT grade FROM estate_grades WHERE estate_id = ? ORDER BY id DESC "
                       "LIMIT 1");
  st.bind(1, estateId);
  if (st.executeStep()) return st.getColumn(0).getString();
  const auto estate = ReferenceStore::estate(db, estateId);
  if (!estate || estate->companyId.empty()) return "";
  const auto company = ReferenceStore::company(db, estate->companyId);
  return company ? company->serviceGrade : "";
}

// ---- opening --------------------------------------------------------------------------------

namespace {

bool ruleOpens(const std::string& rule, ProcedureKind kind) {
  if (kind == ProcedureKind::GradeReview) return rule == "grade_review" || rule == "regrade";
  return rule == "exit";
}

}  // namespace

int64_t openProcedureIn(SQLite::Database& tx, const Reference& ref, const CurrentUser& user,
                        const OpenProcedureRequest& request, int64_t now) {
  const auto estate = ReferenceStore::estate(tx, request.estateId);
  if (!estate) throw Error(ErrorCode::NotFound, "no estate " + request.estateId);

  Procedure p;
  p.kind = request.kind;
  p.estateId = estate->id;
  p.companyId = estate->companyId;
  p.countyId = estate->countyId;
  p.streetId = estate->streetId;
  p.communityId = estate->communityId;
  p.reason = request.reason;
  p.gradeBefore = currentEstateGrade(tx, estate->id);

  // The proposal: open, matching, about this estate's company.
  if (request.proposalId) {
    SQLite::Statement st(tx,
                         "SELECT company_id, rule, state, evidence FROM ledger_proposals "
                         "WHERE id = ?");
    st.bind(1, request.proposalId);
    if (!st.executeStep())
      throw Error(ErrorCode::NotFound, "no proposal " + std::to_string(request.proposalId));
    const std::string companyId = st.getColumn(0).getString();
    const std::string rule = st.getColumn(1).getString();
    const std::string state = st.getColumn(2).getString();
    if (state != "open")
      throw Error(ErrorCode::Conflict, "提议" + std::to_string(request.proposalId) + "已处理（" +
                                           (state == "confirmed" ? "已确认" : "已驳回") + "）");
    if (!ruleOpens(rule, request.kind))
      throw Error(ErrorCode::InvalidInput, "'proposal_id': 提议" +
                                               std::to_string(request.proposalId) + "是“" + rule +
                                               "”，不能启动" + procedureKindZh(request.kind));
    if (companyId != estate->companyId)
      throw Error(ErrorCode::InvalidInput, "'proposal_id': 提议" +
                                               std::to_string(request.proposalId) + "针对企业" +
                                               companyId + "，小区" + estate->name + "不由其管理");
    p.proposalId = request.proposalId;
    p.evidence = fromJsonString<LedgerProposal>(st.getColumn(3).getString(), "proposal");
    maskComplainantKeys(*p.evidence);  // a proposal stored before keys were masked
    if (p.reason.find_first_not_of(" \t\r\n") == std::string::npos)
      p.reason = "确认提议" + std::to_string(request.proposalId) + "：" +
                 std::string(utf8::prefix(p.evidence->explanationZh, kMaxReasonFromProposalChars));
  }

  const ProcedureContext ctx{ref.org, ref.calendar, ref.rules, now};
  openProcedure(p, user.actor(), ctx);

  if (const auto existing = ProcedureStore::openFor(tx, estate->id, request.kind))
    throw Error(ErrorCode::Conflict, "小区" + estate->name + "已有进行中的" +
                                         procedureKindZh(request.kind) + "（编号" +
                                         std::to_string(*existing) + "）");
  ProcedureStore::insert(tx, p, now);

  if (request.proposalId) {
    SQLite::Statement up(tx,
                         "UPDATE ledger_proposals SET state = 'confirmed', decided_by = ?, "
                         "decided_at = ?, decision_note = ? WHERE id = ? AND state = 'open'");
    up.bind(1, user.id);
    up.bind(2, now);
    up.bind(3, request.note);
    up.bind(4, request.proposalId);
    up.exec();
    appendAudit(
        tx, {now, user.id, user.unitId, "ledger.confirm", "company:" + p.companyId,
             "确认提议" + std::to_string(request.proposalId) + "并启动" + procedureKindZh(p.kind) +
                 std::to_string(p.id) + (request.note.empty() ? "" : "；说明：" + request.note)});
  }
  recordProcedureStep(tx, ref, user, p, now);
  return p.id;
}

// ---- steps ----------------------------------------------------------------------------------

namespace {

std::string unitName(const Reference& ref, const std::string& id) {
  const OrgUnit* u = ref.org.find(id);
  return u ? u->name : id;
}

std::string estateName(SQLite::Database& db, const std::string& id) {
  const auto e = ReferenceStore::estate(db, id);
  return e ? e->name : id;
}

// "等级核查3（阳光花园）"
std::string title(SQLite::Database& db, const Procedure& p) {
  return std::string(procedureKindZh(p.kind)) + std::to_string(p.id) + "（" +
         estateName(db, p.estateId) + "）";
}

// Adds one notification unless the same one exists (unit, procedure, kind, instant); returns
// how many rows were added.
int notify(SQLite::Database& tx, int64_t at, const std::string& unitId, int64_t procedureId,
           const char* kind, const std::string& text) {
  SQLite::Statement st(tx,
                       "INSERT OR IGNORE INTO notifications(at, unit_id, case_id, kind, text, "
                       "procedure_id) VALUES(?, ?, NULL, ?, ?, ?)");
  st.bind(1, at);
  st.bind(2, unitId);
  st.bind(3, kind);
  st.bind(4, text);
  st.bind(5, procedureId);
  return st.exec();
}

}  // namespace

void recordProcedureStep(SQLite::Database& tx, const Reference& ref, const CurrentUser& user,
                         const Procedure& p, int64_t now) {
  const ProcedureEvent& e = p.events.back();
  const auto action = procedureActionFromKey(e.action);
  const std::string head = title(tx, p);
  const std::string what = std::string(action ? procedureActionZh(*action) : e.action.c_str()) +
                           (e.detail.empty() ? "" : "：" + e.detail) +
                           (e.text.empty() ? "" : "；说明：" + e.text);
  for (const std::string& subject : {"procedure:" + std::to_string(p.id), "company:" + p.companyId})
    appendAudit(tx, {now, user.id, user.unitId, "procedure." + e.action, subject, head + what});

  // The re-rated grade becomes the estate's grade.
  if (action == ProcedureAction::Regrade) {
    SQLite::Statement st(tx,
                         "INSERT INTO estate_grades(estate_id, grade, at, procedure_id, set_by) "
                         "VALUES(?, ?, ?, ?, ?)");
    st.bind(1, p.estateId);
    st.bind(2, p.gradeAfter);
    st.bind(3, now);
    st.bind(4, p.id);
    st.bind(5, user.id);
    st.exec();
  }

  // The next responsible unit is asked to act; everyone else is sent a copy.
  const ProcedureStep* current = p.current();
  for (const std::string& unitId : e.notified) {
    std::string text = head + "：" + what;
    if (current && current->unitId == unitId)
      text += "。请办理“" + std::string(procedureStageZh(current->stage)) + "”" +
              (current->due && !current->ruleId.empty()
                   ? "，期限 " + current->due->toString()
                   : std::string("（") + kNoStatutoryLimitZh + "）");
    else
      text += "（抄送" + unitName(ref, unitId) + "）";
    notify(tx, now, unitId, p.id, "procedure_step", text);
  }
}

// ---- access ---------------------------------------------------------------------------------

bool mayReadProcedure(const CurrentUser& user, const Reference& ref, const Procedure& p) {
  if (const auto s = authorityScope(user, ref, {Role::Dispatcher, Role::UnitHead, Role::Reviewer}))
    if (s->covers(p.countyId)) return true;
  if (const auto s = oversightScope(user, ref))
    if (s->covers(p.countyId)) return true;
  const OrgUnit* unit = ref.org.find(user.unitId);
  if (!unit || !unit->active) return false;
  for (const ProcedureStep& s : p.steps)
    if (s.unitId == unit->id) return true;
  return (!p.streetId.empty() && unit->id == p.streetId) ||
         (!p.communityId.empty() && unit->id == p.communityId);
}

// ---- reminders ------------------------------------------------------------------------------

int64_t raiseProcedureReminders(SQLite::Database& tx, const Reference& ref, Date today,
                                Date soonUntil) {
  SQLite::Statement st(tx,
                       "SELECT id FROM procedures WHERE state = 'open' AND current_due IS NOT "
                       "NULL AND current_due <= ? ORDER BY current_due, id");
  st.bind(1, soonUntil.toString());
  std::vector<int64_t> ids;
  while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());

  const int64_t at = cstMidnight(today);
  int64_t added = 0;
  for (int64_t id : ids) {
    const auto stored = ProcedureStore::load(tx, id);
    if (!stored) continue;
    const Procedure& p = stored->value;
    const ProcedureStep* s = p.current();
    if (!s || !s->due) continue;
    const bool overdue = *s->due < today;
    const int left = procedureDaysLeft(p, today, ref.calendar).value_or(0);
    std::string text = title(tx, p) + "“" + procedureStageZh(s->stage) + "”（" + s->ruleId + "）";
    if (overdue)
      text += "已逾期" + std::to_string(-left) + "日（期限" + s->due->toString() + "）";
    else
      text += left <= 0 ? "今日到期" : "将于" + s->due->toString() + "到期";
    added +=
        notify(tx, at, s->unitId, p.id, overdue ? "procedure_overdue" : "procedure_due_soon", text);
  }
  return added;
}

int64_t recomputeOpenProcedures(Database& db, const Reference& ref, int64_t now) {
  std::vector<int64_t> ids;
  {
    SQLite::Statement st(db.reader(), "SELECT id FROM procedures WHERE state = 'open'");
    while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
  }
  int64_t moved = 0;
  db.write([&](SQLite::Database& tx) {
    for (int64_t id : ids) {
      auto stored = ProcedureStore::load(tx, id);
      if (!stored || !stored->value.open()) continue;
      Procedure p = stored->value;
      const std::string change = recomputeProcedureDeadline(p, ref.calendar, ref.rules);
      if (change.empty()) continue;
      ProcedureStore::update(tx, p, stored->version, now);
      SQLite::Statement ins(tx,
                            "INSERT INTO deadline_changes(at, case_id, change, cause) "
                            "VALUES(?, ?, ?, '节假日安排变化')");
      ins.bind(1, now);
      ins.bind(2, "procedure:" + std::to_string(id));
      ins.bind(3, change);
      ins.exec();
      ++moved;
    }
  });
  return moved;
}

}  // namespace pcs::server
