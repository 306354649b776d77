// Survey routes (surveys.h has the rules and who may do what):
//   POST /api/v1/surveys                      {estate_id, period, note} -> 201 the survey
//   GET  /api/v1/surveys                      ?estate_id= &company_id= &state=open|closed
//   GET  /api/v1/surveys/{id}                 the survey, its counts and its responses
//   POST /api/v1/surveys/{id}/responses       {household, rating, respondent_contact,
//                                              respondent_id_number, declared_employer}
//   POST /api/v1/surveys/{id}/close           {refused_to_fix, fix_inadequate, note}
//   POST /api/v1/companies/{id}/staff         {contacts: [...], id_numbers: [...]}
//
// Sections: helpers | surveys | responses | staff register | registration
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "json_body.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "publication_access.h"
#include "reference_store.h"
#include "route_util.h"
#include "routes.h"
#include "surveys.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr size_t kMaxNoteBytes = 2000;
constexpr size_t kMaxStaffItems = 1000;

using Writer = JsonWriter;

// "YYYY-MM" with a month 01-12.
bool isMonth(const std::string& s) {
  if (s.size() != 7 || s[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6})
    if (s[i] < '0' || s[i] > '9') return false;
  const int m = std::stoi(s.substr(5));
  return m >= 1 && m <= 12 && s.substr(0, 4) >= "2000";
}

// How far back a survey may be opened: the current month and the 12 before it.
constexpr int kMaxPeriodMonthsBack = 12;

// Refuses a period (a valid "YYYY-MM") after the current month or more than 12 months before it.
void checkPeriod(const std::string& period, int64_t now) {
  const Date today = cstDate(now);
  const int current = today.year() * 12 + today.month() - 1;
  const int asked = std::stoi(period.substr(0, 4)) * 12 + std::stoi(period.substr(5)) - 1;
  char thisMonth[8];
  std::snprintf(thisMonth, sizeof thisMonth, "%04d-%02d", today.year(), today.month());
  if (asked > current)
    bad("'period' " + period + "晚于本月（" + thisMonth + "），不能为将来的月份发起测评");
  if (current - asked > kMaxPeriodMonthsBack)
    bad("'period' " + period + "早于本月（" + thisMonth + "）" +
        std::to_string(kMaxPeriodMonthsBack) + "个月以上，只能为本月或之前" +
        std::to_string(kMaxPeriodMonthsBack) + "个月内的月份发起测评");
}

struct SurveyRow {
  int64_t id = 0;
  std::string estateId, companyId, countyId, period, state;
};

std::optional<SurveyRow> loadSurvey(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(
      db, "SELECT id, estate_id, company_id, county_id, period, state FROM surveys WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return SurveyRow{st.getColumn(0).getInt64(),  st.getColumn(1).getString(),
                   st.getColumn(2).getString(), st.getColumn(3).getString(),
                   st.getColumn(4).getString(), st.getColumn(5).getString()};
}

// May open, close and keep the staff register for an estate in `countyId`.
bool manages(const CurrentUser& user, const Reference& ref, const std::string& countyId) {
  const auto s = authorityScope(user, ref, {Role::UnitHead, Role::Dispatcher});
  return s && s->covers(countyId);
}

// May record responses for `estate`: the managers, and the estate's street office or community.
bool records(const CurrentUser& user, const Reference& ref, const Estate& estate) {
  if (manages(user, ref, estate.countyId)) return true;
  const bool actor = user.has(Role::Handler) || user.has(Role::UnitHead) ||
                     user.has(Role::Dispatcher) || user.has(Role::IntakeClerk);
  return actor && !estate.streetId.empty() && ref.org.within(user.unitId, estate.streetId);
}

bool reads(const CurrentUser& user, const Reference& ref, const Estate& estate) {
  if (records(user, ref, estate)) return true;
  const auto o = oversightScope(user, ref);
  return o && o->covers(estate.countyId);
}

Estate estateOf(SQLite::Database& db, const std::string& id) {
  auto e = ReferenceStore::estate(db, id);
  if (!e) throw Error(ErrorCode::NotFound, "no estate " + id);
  return *e;
}

// The survey as the API shows it: its fields, the counts per rating, and with `responses`
// every response (household key, rating, status; no respondent data is ever stored).
void writeSurvey(Writer& w, SQLite::Database& db, int64_t id, bool responses) {
  SQLite::Statement st(db,
                       "SELECT s.id, s.estate_id, COALESCE(e.name, ''), s.company_id, "
                       "COALESCE(c.name, ''), s.county_id, s.period, s.note, s.state, "
                       "s.created_by, s.created_at, s.closed_by, s.closed_at, s.counted, "
                       "s.satisfied, s.satisfaction, s.refused_to_fix, s.fix_inadequate "
                       "FROM surveys s LEFT JOIN estates e ON e.id = s.estate_id "
                       "LEFT JOIN companies c ON c.id = s.company_id WHERE s.id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no survey " + std::to_string(id));
  w.StartObject();
  w.Key("id");
  w.Int64(st.getColumn(0).getInt64());
  str(w, "estate_id", st.getColumn(1).getString());
  str(w, "estate_name", st.getColumn(2).getString());
  str(w, "company_id", st.getColumn(3).getString());
  str(w, "company_name", st.getColumn(4).getString());
  str(w, "county_id", st.getColumn(5).getString());
  str(w, "period", st.getColumn(6).getString());
  str(w, "note", st.getColumn(7).getString());
  str(w, "state", st.getColumn(8).getString());
  str(w, "created_by", st.getColumn(9).getString());
  w.Key("created_at");
  w.Int64(st.getColumn(10).getInt64());
  str(w, "closed_by", st.getColumn(11).isNull() ? "" : st.getColumn(11).getString());
  w.Key("closed_at");
  w.Int64(st.getColumn(12).isNull() ? 0 : st.getColumn(12).getInt64());
  w.Key("refused_to_fix");
  w.Bool(st.getColumn(16).getInt() != 0);
  w.Key("fix_inadequate");
  w.Bool(st.getColumn(17).getInt() != 0);

  // Counts, live while open.
  SQLite::Statement counts(db,
                           "SELECT rating, status, COUNT(*) FROM survey_responses "
                           "WHERE survey_id = ? GROUP BY rating, status");
  counts.bind(1, id);
  int64_t satisfied = 0, basic = 0, dissatisfied = 0, refused = 0;
  while (counts.executeStep()) {
    const std::string rating = counts.getColumn(0).getString();
    const int64_t n = counts.getColumn(2).getInt64();
    if (counts.getColumn(1).getString() != "counted")
      refused += n;
    else if (rating == "satisfied")
      satisfied += n;
    else if (rating == "basic")
      basic += n;
    else
      dissatisfied += n;
  }
  const int64_t counted = satisfied + basic + dissatisfied;
  w.Key("counts");
  w.StartObject();
  w.Key("satisfied");
  w.Int64(satisfied);
  w.Key("basic");
  w.Int64(basic);
  w.Key("dissatisfied");
  w.Int64(dissatisfied);
  w.Key("counted");
  w.Int64(counted);
  w.Key("refused");
  w.Int64(refused);
  w.EndObject();
  w.Key("satisfaction");
  if (counted == 0)
    w.Null();
  else
    w.Double(static_cast<double>(satisfied + basic) / static_cast<double>(counted));

  if (responses) {
    SQLite::Statement rs(db,
                         "SELECT id, household, household_raw, rating, status, "
                         "COALESCE(refusal, ''), recorded_by, recorded_at FROM survey_responses "
                         "WHERE survey_id = ? ORDER BY id");
    rs.bind(1, id);
    w.Key("responses");
    w.StartArray();
    while (rs.executeStep()) {
      w.StartObject();
      w.Key("id");
      w.Int64(rs.getColumn(0).getInt64());
      str(w, "household", rs.getColumn(1).getString());
      str(w, "household_as_written", rs.getColumn(2).getString());
      str(w, "rating", rs.getColumn(3).getString());
      str(w, "status", rs.getColumn(4).getString());
      str(w, "refusal", rs.getColumn(5).getString());
      str(w, "recorded_by", rs.getColumn(6).getString());
      w.Key("recorded_at");
      w.Int64(rs.getColumn(7).getInt64());
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void answerSurvey(App& app, httplib::Response& res, int64_t id, int status = 200) {
  answerJson(res, status, [&](Writer& w) { writeSurvey(w, app.db().reader(), id, true); });
}

// ---- surveys --------------------------------------------------------------------------------

void openSurvey(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const JsonBody b(req.body);
  const std::string estateId = b.string("estate_id", 64);
  const std::string period = b.string("period", 16);
  const std::string note = b.optString("note", kMaxNoteBytes).value_or("");
  refuseControlCharacters(note, "note");
  const Estate estate = estateOf(app.db().reader(), estateId);
  if (!manages(user, *ref, estate.countyId))
    throw Error(ErrorCode::Forbidden,
                "只有本县（区）或市级物业主管部门的负责人、分转员或系统管理员可以发起满意度测评");
  if (!isMonth(period)) bad("'period' must be a month as YYYY-MM, e.g. 2026-03");
  const int64_t now = app.now();
  checkPeriod(period, now);
  if (estate.companyId.empty())
    bad("小区" + estate.name + "没有物业服务企业（失管小区），无需开展企业满意度测评");
  const int64_t id = app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement dup(tx, "SELECT id FROM surveys WHERE estate_id = ? AND period = ?");
    dup.bind(1, estateId);
    dup.bind(2, period);
    if (dup.executeStep())
      throw Error(ErrorCode::Conflict, "小区" + estate.name + "在" + period +
                                           "已有满意度测评（编号" +
                                           std::to_string(dup.getColumn(0).getInt64()) + "）");
    SQLite::Statement ins(tx,
                          "INSERT INTO surveys(estate_id, company_id, county_id, period, note, "
                          "created_by, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, estateId);
    ins.bind(2, estate.companyId);
    ins.bind(3, estate.countyId);
    ins.bind(4, period);
    ins.bind(5, note);
    ins.bind(6, user.id);
    ins.bind(7, now);
    ins.exec();
    const int64_t id = tx.getLastInsertRowid();
    appendAudit(tx, {now, user.id, user.unitId, "survey.open", "survey:" + std::to_string(id),
                     "发起满意度测评：" + estate.name + "，" + period});
    return id;
  });
  answerSurvey(app, res, id, 201);
}

void listSurveys(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  // The widest county scope the user reads in; street and community users see their estates.
  std::optional<CountyScope> scope = authorityScope(user, *ref, {Role::UnitHead, Role::Dispatcher});
  if (!scope) scope = oversightScope(user, *ref);
  const OrgUnit* unit = ref->org.find(user.unitId);
  const bool local = !scope && unit && unit->kind == UnitKind::Area &&
                     (unit->level == OrgLevel::Street || unit->level == OrgLevel::Community) &&
                     !(user.roles.size() == 1 && user.has(Role::Oversight));
  if (!scope && !local) throw Error(ErrorCode::Forbidden, "无权查看满意度测评");
  const std::string state = choiceParam(req, "state", {"open", "closed"});
  std::string sql = "SELECT s.id FROM surveys s JOIN estates e ON e.id = s.estate_id WHERE 1";
  if (scope && !scope->all) sql += " AND s.county_id = :county";
  if (local) sql += " AND (e.street_id = :unit OR e.community_id = :unit)";
  if (req.has_param("estate_id")) sql += " AND s.estate_id = :estate";
  if (req.has_param("company_id")) sql += " AND s.company_id = :company";
  if (!state.empty()) sql += " AND s.state = :state";
  sql += " ORDER BY s.id DESC LIMIT " + std::to_string(kListLimit);
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db, sql);
  if (scope && !scope->all) st.bind(":county", scope->countyId);
  if (local) st.bind(":unit", user.unitId);
  if (req.has_param("estate_id")) st.bind(":estate", req.get_param_value("estate_id"));
  if (req.has_param("company_id")) st.bind(":company", req.get_param_value("company_id"));
  if (!state.empty()) st.bind(":state", state);
  const std::vector<int64_t> ids = readIds(st);
  answerItems(res, ids, [&](Writer& w, int64_t id) { writeSurvey(w, db, id, false); });
}

void getSurvey(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const int64_t id = pathNumber(req, 1, "survey");
  const auto s = loadSurvey(app.db().reader(), id);
  // A survey the user may not read is reported as absent, as cases are.
  if (!s || !reads(user, *app.reference(), estateOf(app.db().reader(), s->estateId)))
    throw Error(ErrorCode::NotFound, "no survey " + std::to_string(id));
  answerSurvey(app, res, id);
}

void closeSurvey(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const int64_t id = pathNumber(req, 1, "survey");
  const auto s = loadSurvey(app.db().reader(), id);
  if (!s || !reads(user, *ref, estateOf(app.db().reader(), s->estateId)))
    throw Error(ErrorCode::NotFound, "no survey " + std::to_string(id));
  if (!manages(user, *ref, s->countyId))
    throw Error(ErrorCode::Forbidden, "只有物业主管部门的负责人、分转员或系统管理员可以结束测评");
  const JsonBody b(req.body);
  const bool refused = b.optBoolean("refused_to_fix").value_or(false);
  const bool inadequate = b.optBoolean("fix_inadequate").value_or(false);
  const std::string note = b.optString("note", kMaxNoteBytes).value_or("");
  refuseControlCharacters(note, "note");
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement cur(tx, "SELECT state FROM surveys WHERE id = ?");
    cur.bind(1, id);
    cur.executeStep();
    if (cur.getColumn(0).getString() != "open")
      throw Error(ErrorCode::Conflict, "测评" + std::to_string(id) + "已结束，结果不能再改");
    SQLite::Statement n(tx,
                        "SELECT COUNT(*), COALESCE(SUM(rating <> 'dissatisfied'), 0) "
                        "FROM survey_responses WHERE survey_id = ? AND status = 'counted'");
    n.bind(1, id);
    n.executeStep();
    const int64_t counted = n.getColumn(0).getInt64();
    const int64_t satisfied = n.getColumn(1).getInt64();
    if (counted == 0) bad("测评" + std::to_string(id) + "还没有有效答卷，不能结束");
    const double rate = static_cast<double>(satisfied) / static_cast<double>(counted);
    SQLite::Statement up(tx,
                         "UPDATE surveys SET state = 'closed', closed_by = ?, closed_at = ?, "
                         "counted = ?, satisfied = ?, satisfaction = ?, refused_to_fix = ?, "
                         "fix_inadequate = ?, note = CASE WHEN ? = '' THEN note ELSE ? END "
                         "WHERE id = ?");
    up.bind(1, user.id);
    up.bind(2, now);
    up.bind(3, counted);
    up.bind(4, satisfied);
    up.bind(5, rate);
    up.bind(6, refused ? 1 : 0);
    up.bind(7, inadequate ? 1 : 0);
    up.bind(8, note);
    up.bind(9, note);
    up.bind(10, id);
    up.exec();
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", rate * 100);
    appendAudit(tx, {now, user.id, user.unitId, "survey.close", "company:" + s->companyId,
                     "测评" + std::to_string(id) + "结束：有效答卷" + std::to_string(counted) +
                         "份，满意率" + pct + (refused ? "；企业拒不整改" : "") +
                         (inadequate ? "；整改不到位" : "")});
  });
  answerSurvey(app, res, id);
}

// ---- responses ------------------------------------------------------------------------------

void recordResponse(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const int64_t id = pathNumber(req, 1, "survey");
  const auto s = loadSurvey(app.db().reader(), id);
  if (!s) throw Error(ErrorCode::NotFound, "no survey " + std::to_string(id));
  const Estate estate = estateOf(app.db().reader(), s->estateId);
  if (!reads(user, *ref, estate))
    throw Error(ErrorCode::NotFound, "no survey " + std::to_string(id));
  if (!records(user, *ref, estate))
    throw Error(ErrorCode::Forbidden,
                "只有物业主管部门、小区所在街道办事处或社区的工作人员可以录入测评答卷");

  const JsonBody b(req.body);
  const std::string rawHousehold = b.string("household", 100);
  const std::string household = normaliseHousehold(rawHousehold);
  const std::string ratingKey = b.string("rating", 16);
  const auto rating = surveyRatingFromKey(ratingKey);
  if (!rating) bad("'rating' must be satisfied, basic or dissatisfied");
  const std::string contactKey =
      staffContactKey(b.optString("respondent_contact", 100).value_or(""));
  const std::string idKey = staffIdNumberKey(b.optString("respondent_id_number", 40).value_or(""));
  const std::string employer = b.optString("declared_employer", 200).value_or("");

  // Is the respondent the company's own staff?
  std::string refusal;
  {
    SQLite::Database& db = app.db().reader();
    if (!employer.empty()) {
      const auto company = ReferenceStore::company(db, s->companyId);
      const std::string e = normaliseName(employer);
      if (!e.empty() && company && (e == normaliseName(company->name) || e == s->companyId))
        refusal = "答卷人申报的工作单位为被测评企业" + company->name;
    }
    SQLite::Statement staff(db,
                            "SELECT 1 FROM company_staff WHERE company_id = ? AND person_key = ?");
    for (const std::string& key : {contactKey, idKey}) {
      if (key.empty() || !refusal.empty()) continue;
      staff.reset();
      staff.bind(1, s->companyId);
      staff.bind(2, staffRegisterHash(key));
      if (staff.executeStep())
        refusal = key == idKey ? "答卷人身份证号码在被测评企业员工名册中"
                               : "答卷人联系电话在被测评企业员工名册中";
    }
  }

  const int64_t now = app.now();
  const int64_t responseId = app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement cur(tx, "SELECT state FROM surveys WHERE id = ?");
    cur.bind(1, id);
    cur.executeStep();
    if (cur.getColumn(0).getString() != "open")
      throw Error(ErrorCode::Conflict, "测评" + std::to_string(id) + "已结束，不能再录入答卷");
    // A household whose answer was refused as the company's staff may not answer again (with
    // another or no telephone, say): otherwise the staff check is passed by retrying.
    SQLite::Statement refused(tx,
                              "SELECT household_raw, COALESCE(refusal, '') FROM survey_responses "
                              "WHERE survey_id = ? AND household = ? AND status = 'refused' "
                              "ORDER BY id LIMIT 1");
    refused.bind(1, id);
    refused.bind(2, household);
    if (refused.executeStep())
      throw Error(ErrorCode::Conflict, "该户（" + household + "）在本次测评中的答卷（录入为“" +
                                           refused.getColumn(0).getString() + "”）已被拒收：" +
                                           refused.getColumn(1).getString() +
                                           "。被测评企业员工的住户不能再次答卷");
    if (refusal.empty()) {
      SQLite::Statement dup(tx,
                            "SELECT household_raw FROM survey_responses WHERE survey_id = ? "
                            "AND household = ? AND status = 'counted'");
      dup.bind(1, id);
      dup.bind(2, household);
      if (dup.executeStep())
        throw Error(ErrorCode::Conflict, "该户（" + household + "）已答过本次测评（录入为“" +
                                             dup.getColumn(0).getString() +
                                             "”），每户只计一份答卷");
    }
    SQLite::Statement ins(tx,
                          "INSERT INTO survey_responses(survey_id, household, household_raw, "
                          "rating, status, refusal, recorded_by, recorded_at) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, id);
    ins.bind(2, household);
    ins.bind(3, rawHousehold);
    ins.bind(4, surveyRatingKey(*rating));
    ins.bind(5, refusal.empty() ? "counted" : "refused");
    if (refusal.empty())
      ins.bind(6);
    else
      ins.bind(6, refusal);
    ins.bind(7, user.id);
    ins.bind(8, now);
    ins.exec();
    const int64_t rid = tx.getLastInsertRowid();
    if (!refusal.empty())
      appendAudit(tx, {now, user.id, user.unitId, "survey.refuse", "survey:" + std::to_string(id),
                       "拒收答卷（" + household + "）：" + refusal});
    return rid;
  });

  // The refusal is stored (it is part of the survey's record) and answered 403: the respondent
  // may not take part.
  answerJson(res, refusal.empty() ? 201 : 403, [&](Writer& w) {
    w.StartObject();
    if (!refusal.empty()) str(w, "error", "被测评企业的员工不能参加本企业的满意度测评：" + refusal);
    w.Key("id");
    w.Int64(responseId);
    w.Key("survey_id");
    w.Int64(id);
    str(w, "household", household);
    str(w, "rating", surveyRatingKey(*rating));
    str(w, "status", refusal.empty() ? "counted" : "refused");
    str(w, "refusal", refusal);
    w.EndObject();
  });
}

// ---- staff register -------------------------------------------------------------------------

void addStaff(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const std::string companyId = req.matches[1];
  const auto company = ReferenceStore::company(app.db().reader(), companyId);
  if (!company) throw Error(ErrorCode::NotFound, "no company " + companyId);
  const auto scope = authorityScope(user, *ref, {Role::UnitHead, Role::Dispatcher});
  if (!scope)
    throw Error(ErrorCode::Forbidden,
                "只有物业主管部门的负责人、分转员或系统管理员可以登记企业员工名册");
  if (!scope->all) {
    // A county keeps the register only of a company that manages an estate in the county.
    SQLite::Statement st(app.db().reader(),
                         "SELECT 1 FROM estates WHERE company_id = ? AND county_id = ? LIMIT 1");
    st.bind(1, companyId);
    st.bind(2, scope->countyId);
    if (!st.executeStep())
      throw Error(ErrorCode::Forbidden, company->name +
                                            "在本县（区）没有在管小区，其员工名册由市级物业主管"
                                            "部门或其在管小区所在县（区）登记");
  }
  const JsonBody b(req.body);
  const std::vector<std::string> contacts = b.strings("contacts", kMaxStaffItems, 100);
  const std::vector<std::string> ids = b.strings("id_numbers", kMaxStaffItems, 40);
  if (contacts.empty() && ids.empty()) bad("give 'contacts' or 'id_numbers' (or both)");
  // Every entry is checked before anything is stored.
  std::vector<std::string> keys;
  for (size_t i = 0; i < contacts.size(); ++i) {
    const std::string k = staffContactKey(contacts[i]);
    if (k.empty())
      bad("'contacts[" + std::to_string(i) + "]'（" + contacts[i] + "）不是电话号码：应至少有" +
          std::to_string(kMinStaffContactDigits) + "位数字");
    keys.push_back(k);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string k;
    try {
      k = staffIdNumberKey(ids[i]);
    } catch (const Error& e) {
      bad("'id_numbers[" + std::to_string(i) + "]': " + e.what());
    }
    if (k.empty()) bad("'id_numbers[" + std::to_string(i) + "]' is empty");
    keys.push_back(k);
  }
  const int64_t now = app.now();
  int64_t added = 0, size = 0;
  app.db().write([&](SQLite::Database& tx) {
    SQLite::Statement ins(tx,
                          "INSERT OR IGNORE INTO company_staff(company_id, person_key, added_by, "
                          "added_at) VALUES(?, ?, ?, ?)");
    for (const std::string& k : keys) {
      ins.reset();
      ins.bind(1, companyId);
      ins.bind(2, staffRegisterHash(k));
      ins.bind(3, user.id);
      ins.bind(4, now);
      added += ins.exec();
    }
    SQLite::Statement n(tx, "SELECT COUNT(*) FROM company_staff WHERE company_id = ?");
    n.bind(1, companyId);
    n.executeStep();
    size = n.getColumn(0).getInt64();
    appendAudit(tx, {now, user.id, user.unitId, "company.staff", "company:" + companyId,
                     "登记员工名册：新增" + std::to_string(added) + "条，共" +
                         std::to_string(size) + "条"});
  });
  answerJson(res, 200, [&](Writer& w) {
    w.StartObject();
    str(w, "company_id", companyId);
    w.Key("added");
    w.Int64(added);
    w.Key("register_size");
    w.Int64(size);
    w.EndObject();
  });
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerSurveyRoutes(httplib::Server& http, App& app, Auth& auth) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Post("/api/v1/surveys", [&](Req req, Res res) { openSurvey(app, auth, req, res); });
  http.Get("/api/v1/surveys", [&](Req req, Res res) { listSurveys(app, auth, req, res); });
  http.Get(R"(/api/v1/surveys/(\d+))", [&](Req req, Res res) { getSurvey(app, auth, req, res); });
  http.Post(R"(/api/v1/surveys/(\d+)/responses)",
            [&](Req req, Res res) { recordResponse(app, auth, req, res); });
  http.Post(R"(/api/v1/surveys/(\d+)/close)",
            [&](Req req, Res res) { closeSurvey(app, auth, req, res); });
  http.Post(R"(/api/v1/companies/([A-Za-z0-9._-]{1,64})/staff)",
            [&](Req req, Res res) { addStaff(app, auth, req, res); });
}

}  // namespace pcs::server
