// The monthly red/black list and bulletin (R14; rules in publication.h):
//   POST /api/v1/bulletins                                  {county_id, month} -> 201 a draft
//   GET  /api/v1/bulletins                                  ?county_id= &month= &state=
//   GET  /api/v1/bulletins/{id}                             the issue, entries, edits, objections
//   GET  /api/v1/bulletins/{id}/cases                       ?company_id= the cases behind figures
//   POST /api/v1/bulletins/{id}/entries/{entry}             {list, reasons, reason} edit a draft
//   POST /api/v1/bulletins/{id}/text                        {title, praise_text, criticism_text,
//                                                            reason} edit a draft
//   POST /api/v1/bulletins/{id}/publish                     {} -> published, immutable
//   POST /api/v1/bulletins/{id}/corrections                 {reason} -> 201 a linked new draft
//   POST /api/v1/bulletins/{id}/objections                  {entry_id, text, received_at}
//   POST /api/v1/bulletins/{id}/objections/{oid}/decision   {outcome: upheld|rejected, note}
//
// Writing: the unit head of a property authority (city: every county; county: its own) and
// administrators. Reading drafts and published issues here: the same, and oversight users.
// Everyone else gets 403. Any change to a published issue is 409 (and the schema's triggers
// refuse it too).
//
// Sections: helpers | drafting | reading | reviewing | publishing | objections | registration
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "json_body.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "pcs/text_check.h"
#include "publication.h"
#include "publication_access.h"
#include "publication_issues.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

// ---- helpers --------------------------------------------------------------------------------

constexpr size_t kMaxReasonBytes = 2000;
constexpr size_t kMaxTextBytes = 20000;
constexpr size_t kMaxTitleBytes = 300;
// The oldest month an issue may be drafted for, in months before the current one: older months
// have no data worth a list, and publishing one would reset the companies' standing.
constexpr int kMaxMonthsBack = 24;

using Writer = JsonWriter;

bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

// Refuses control characters (tab and line breaks aside) in text that is stored, and may end up
// on the public page, naming the field: "'praise_text'含有控制字符，请删除后重试".
void checkControls(const std::string& text, const char* field, size_t maxBytes) {
  text_check::check(text, std::string("'") + field + "'", maxBytes, false);
}

// A reason is required for every review step (R17: who, when, what and why).
std::string requiredReason(const JsonBody& b, const char* name = "reason") {
  const std::string r = b.optString(name, kMaxReasonBytes).value_or("");
  if (blank(r)) bad(std::string("'") + name + "' is required: say why");
  checkControls(r, name, kMaxReasonBytes);
  return r;
}

CountyScope writerScope(const CurrentUser& user, const Reference& ref) {
  const auto s = authorityScope(user, ref, {Role::UnitHead});
  if (!s)
    throw Error(ErrorCode::Forbidden,
                "只有市、县（区）物业主管部门负责人或系统管理员可以起草、审核和发布红黑榜及通报");
  return *s;
}

CountyScope readerScope(const CurrentUser& user, const Reference& ref) {
  if (auto s = authorityScope(user, ref, {Role::UnitHead})) return *s;
  if (auto s = oversightScope(user, ref)) return *s;
  throw Error(ErrorCode::Forbidden, "无权查看红黑榜及通报草稿");
}

struct IssueRow {
  int64_t id = 0;
  std::string countyId, month, state;
  int64_t correctsId = 0;
  int64_t publishedAt = 0;  // 0 while a draft
};

std::optional<IssueRow> loadIssue(SQLite::Database& db, int64_t id) {
  SQLite::Statement st(db,
                       "SELECT id, county_id, month, state, corrects_id, published_at "
                       "FROM bulletins WHERE id = ?");
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  return IssueRow{st.getColumn(0).getInt64(),
                  st.getColumn(1).getString(),
                  st.getColumn(2).getString(),
                  st.getColumn(3).getString(),
                  st.getColumn(4).isNull() ? 0 : st.getColumn(4).getInt64(),
                  st.getColumn(5).isNull() ? 0 : st.getColumn(5).getInt64()};
}

// The issue in the caller's scope, read inside `db` (a transaction when writing); one outside
// it is reported as absent.
IssueRow issueIn(SQLite::Database& db, int64_t id, const CountyScope& scope) {
  auto row = loadIssue(db, id);
  if (!row || !scope.covers(row->countyId))
    throw Error(ErrorCode::NotFound, "no bulletin " + std::to_string(id));
  return *row;
}

void requireDraft(const IssueRow& row) {
  if (row.state != "draft")
    throw Error(ErrorCode::Conflict,
                "第" + std::to_string(row.id) + "期已发布，不能修改；如需更正，请发布更正期");
}

void recordEdit(SQLite::Database& tx, int64_t issue, int64_t entry, int64_t now,
                const CurrentUser& user, const std::string& change, const std::string& reason) {
  SQLite::Statement st(tx,
                       "INSERT INTO bulletin_edits(bulletin_id, entry_id, at, user_id, change, "
                       "reason) VALUES(?, ?, ?, ?, ?, ?)");
  st.bind(1, issue);
  if (entry)
    st.bind(2, entry);
  else
    st.bind(2);
  st.bind(3, now);
  st.bind(4, user.id);
  st.bind(5, change);
  st.bind(6, reason);
  st.exec();
  appendAudit(tx, {now, user.id, user.unitId, "bulletin.edit", "bulletin:" + std::to_string(issue),
                   change + "；理由：" + reason});
}

// ---- the issue as JSON ----------------------------------------------------------------------

void writeIssue(Writer& w, SQLite::Database& db, int64_t id, bool full) {
  SQLite::Statement st(db,
                       "SELECT b.id, b.county_id, b.month, b.state, b.title, b.praise_text, "
                       "b.criticism_text, b.figures, b.corrects_id, b.correction_reason, "
                       "b.drafted_by, b.drafted_at, b.published_by, b.published_at "
                       "FROM bulletins b WHERE b.id = ?");
  st.bind(1, id);
  if (!st.executeStep()) throw Error(ErrorCode::NotFound, "no bulletin " + std::to_string(id));
  w.StartObject();
  w.Key("id");
  w.Int64(st.getColumn(0).getInt64());
  str(w, "county_id", st.getColumn(1).getString());
  str(w, "month", st.getColumn(2).getString());
  str(w, "state", st.getColumn(3).getString());
  str(w, "title", st.getColumn(4).getString());
  str(w, "praise_text", st.getColumn(5).getString());
  str(w, "criticism_text", st.getColumn(6).getString());
  const std::string figures = st.getColumn(7).getString();
  w.Key("figures");
  w.RawValue(figures.c_str(), figures.size(), rapidjson::kObjectType);
  w.Key("corrects_id");
  if (st.getColumn(8).isNull())
    w.Null();
  else
    w.Int64(st.getColumn(8).getInt64());
  str(w, "correction_reason", textOrEmpty(st.getColumn(9)));
  str(w, "drafted_by", st.getColumn(10).getString());
  w.Key("drafted_at");
  w.Int64(st.getColumn(11).getInt64());
  str(w, "published_by", textOrEmpty(st.getColumn(12)));
  w.Key("published_at");
  w.Int64(st.getColumn(13).isNull() ? 0 : st.getColumn(13).getInt64());
  {
    SQLite::Statement c(db, "SELECT id FROM bulletins WHERE corrects_id = ? ORDER BY id");
    c.bind(1, id);
    w.Key("corrected_by");
    w.StartArray();
    while (c.executeStep()) w.Int64(c.getColumn(0).getInt64());
    w.EndArray();
  }
  if (!full) {
    w.EndObject();
    return;
  }

  SQLite::Statement e(db,
                      "SELECT id, list, company_id, company_name, reasons, evidence, drafted_list "
                      "FROM bulletin_entries WHERE bulletin_id = ? ORDER BY id");
  e.bind(1, id);
  w.Key("entries");
  w.StartArray();
  while (e.executeStep()) {
    w.StartObject();
    w.Key("id");
    w.Int64(e.getColumn(0).getInt64());
    str(w, "list", e.getColumn(1).getString());
    str(w, "company_id", e.getColumn(2).getString());
    str(w, "company_name", e.getColumn(3).getString());
    str(w, "reasons", e.getColumn(4).getString());
    const std::string evidence = e.getColumn(5).getString();
    w.Key("evidence");
    w.RawValue(evidence.c_str(), evidence.size(), rapidjson::kObjectType);
    str(w, "drafted_list", e.getColumn(6).getString());
    w.Key("cases");
    writeFigureCases(w, db, id, e.getColumn(2).getString());
    w.EndObject();
  }
  w.EndArray();

  SQLite::Statement ed(db,
                       "SELECT id, entry_id, at, user_id, change, reason FROM bulletin_edits "
                       "WHERE bulletin_id = ? ORDER BY id");
  ed.bind(1, id);
  w.Key("edits");
  w.StartArray();
  while (ed.executeStep()) {
    w.StartObject();
    w.Key("id");
    w.Int64(ed.getColumn(0).getInt64());
    w.Key("entry_id");
    if (ed.getColumn(1).isNull())
      w.Null();
    else
      w.Int64(ed.getColumn(1).getInt64());
    w.Key("at");
    w.Int64(ed.getColumn(2).getInt64());
    str(w, "user_id", ed.getColumn(3).getString());
    str(w, "change", ed.getColumn(4).getString());
    str(w, "reason", ed.getColumn(5).getString());
    w.EndObject();
  }
  w.EndArray();

  SQLite::Statement ob(db,
                       "SELECT id, entry_id, company_id, text, received_at, recorded_by, "
                       "recorded_at, outcome, outcome_note, decided_by, decided_at "
                       "FROM bulletin_objections WHERE bulletin_id = ? ORDER BY id");
  ob.bind(1, id);
  w.Key("objections");
  w.StartArray();
  while (ob.executeStep()) {
    w.StartObject();
    w.Key("id");
    w.Int64(ob.getColumn(0).getInt64());
    w.Key("entry_id");
    w.Int64(ob.getColumn(1).getInt64());
    str(w, "company_id", ob.getColumn(2).getString());
    str(w, "text", ob.getColumn(3).getString());
    w.Key("received_at");
    w.Int64(ob.getColumn(4).getInt64());
    str(w, "recorded_by", ob.getColumn(5).getString());
    w.Key("recorded_at");
    w.Int64(ob.getColumn(6).getInt64());
    str(w, "outcome", ob.getColumn(7).getString());
    str(w, "outcome_note", textOrEmpty(ob.getColumn(8)));
    str(w, "decided_by", textOrEmpty(ob.getColumn(9)));
    w.Key("decided_at");
    w.Int64(ob.getColumn(10).isNull() ? 0 : ob.getColumn(10).getInt64());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void answerIssue(App& app, httplib::Response& res, int64_t id, int status = 200) {
  answerJson(res, status, [&](Writer& w) { writeIssue(w, app.db().reader(), id, true); });
}

// ---- drafting -------------------------------------------------------------------------------

void draftIssue(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const auto ref = app.reference();
  const CountyScope scope = writerScope(user, *ref);
  const JsonBody b(req.body);
  const std::string countyId = b.string("county_id", 64);
  const std::string month = b.string("month", 16);
  const OrgUnit* county = ref->org.find(countyId);
  if (!county || county->kind != UnitKind::Area || county->level != OrgLevel::County)
    bad("'county_id' must name a county or district (县/区), not " + countyId);
  if (!scope.covers(countyId))
    throw Error(ErrorCode::Forbidden, "只能起草本县（区）的红黑榜及通报");
  const auto first = parseMonth(month);
  if (!first) bad("'month' must be a month as YYYY-MM, e.g. 2026-02");
  const int64_t now = app.now();
  const Date thisMonth = *parseMonth(monthKey(cstDate(now)));
  if (*first > thisMonth) bad("'month' " + month + "是未来的月份，月度红黑榜及通报只能在次月起草");
  if (*first == thisMonth) bad(month + "尚未结束，月度红黑榜及通报只能在次月起草");
  if (*first < thisMonth.addMonths(-kMaxMonthsBack))
    bad("'month' " + month + "过早：只能起草最近" + std::to_string(kMaxMonthsBack) + "个月（" +
        monthKey(thisMonth.addMonths(-kMaxMonthsBack)) + "起）的红黑榜及通报");

  const int64_t id = app.db().write([&](SQLite::Database& tx) {
    if (const auto existing = latestIssue(tx, countyId, month)) {
      const bool draft = existing->state == "draft";
      throw Error(ErrorCode::Conflict,
                  county->name + monthZh(month) + "已有" + (draft ? "草稿" : "已发布的一期") +
                      "（第" + std::to_string(existing->id) + "期）" +
                      (draft ? "，请在草稿上修改" : "；如需更正，请发布更正期"));
    }
    return storeDraft(tx, *county, month, user.id, user.unitId, now);
  });
  answerIssue(app, res, id, 201);
}

// ---- reading --------------------------------------------------------------------------------

void listIssues(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = readerScope(user, *app.reference());
  const std::string state = choiceParam(req, "state", {"draft", "published"});
  std::string sql = "SELECT id FROM bulletins WHERE 1";
  if (!scope.all) sql += " AND county_id = :scope";
  if (req.has_param("county_id")) sql += " AND county_id = :county";
  if (req.has_param("month")) sql += " AND month = :month";
  if (!state.empty()) sql += " AND state = :state";
  sql += " ORDER BY month DESC, county_id, id DESC LIMIT " + std::to_string(kListLimit);
  SQLite::Database& db = app.db().reader();
  SQLite::Statement st(db, sql);
  if (!scope.all) st.bind(":scope", scope.countyId);
  if (req.has_param("county_id")) st.bind(":county", req.get_param_value("county_id"));
  if (req.has_param("month")) st.bind(":month", req.get_param_value("month"));
  if (!state.empty()) st.bind(":state", state);
  const std::vector<int64_t> ids = readIds(st);
  answerItems(res, ids, [&](Writer& w, int64_t id) { writeIssue(w, db, id, false); });
}

void getIssue(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = readerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  issueIn(app.db().reader(), id, scope);
  answerIssue(app, res, id);
}

// The cases and surveys behind the figures of one company of the issue (`company_id`), or of
// the whole county without it.
void getIssueCases(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = readerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const std::string company = queryParam(req, "company_id");
  if (company.size() > 64) bad("'company_id' is too long");
  SQLite::Database& db = app.db().reader();
  issueIn(db, id, scope);
  answerJson(res, 200, [&](Writer& w) {
    w.StartObject();
    w.Key("bulletin_id");
    w.Int64(id);
    str(w, "company_id", company);
    w.Key("cases");
    writeFigureCases(w, db, id, company);
    w.EndObject();
  });
}

// ---- reviewing ------------------------------------------------------------------------------

void editEntry(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const int64_t entryId = pathNumber(req, 2, "entry");
  const JsonBody b(req.body);
  const auto list = b.optString("list", 16);
  const auto reasons = b.optString("reasons", kMaxReasonBytes);
  if (list && *list != "red" && *list != "black" && *list != "removed")
    bad("'list' must be red, black or removed");
  if (!list && !reasons) bad("give 'list' or 'reasons' (or both) to change");
  if (reasons && blank(*reasons)) bad("'reasons' must not be empty");
  if (reasons) checkControls(*reasons, "reasons", kMaxReasonBytes);
  const std::string reason = requiredReason(b);
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    requireDraft(issueIn(tx, id, scope));
    SQLite::Statement cur(tx,
                          "SELECT list, reasons, company_name FROM bulletin_entries "
                          "WHERE id = ? AND bulletin_id = ?");
    cur.bind(1, entryId);
    cur.bind(2, id);
    if (!cur.executeStep())
      throw Error(ErrorCode::NotFound,
                  "第" + std::to_string(id) + "期没有条目" + std::to_string(entryId));
    const std::string oldList = cur.getColumn(0).getString();
    const std::string oldReasons = cur.getColumn(1).getString();
    const std::string company = cur.getColumn(2).getString();
    auto zh = [](const std::string& l) {
      return l == "red" ? std::string("红榜") : l == "black" ? "黑榜" : "移出";
    };
    std::string change = company + "：";
    if (list && *list != oldList) change += "榜单" + zh(oldList) + "→" + zh(*list) + "；";
    if (reasons && *reasons != oldReasons) change += "入榜理由改为“" + *reasons + "”；";
    if (change == company + "：") bad("nothing would change");
    SQLite::Statement up(tx, "UPDATE bulletin_entries SET list = ?, reasons = ? WHERE id = ?");
    up.bind(1, list.value_or(oldList));
    up.bind(2, reasons.value_or(oldReasons));
    up.bind(3, entryId);
    up.exec();
    recordEdit(tx, id, entryId, now, user, change, reason);
  });
  answerIssue(app, res, id);
}

void editText(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const JsonBody b(req.body);
  const auto title = b.optString("title", kMaxTitleBytes);
  const auto praise = b.optString("praise_text", kMaxTextBytes);
  const auto criticism = b.optString("criticism_text", kMaxTextBytes);
  if (!title && !praise && !criticism)
    bad("give 'title', 'praise_text' or 'criticism_text' to change");
  if ((title && blank(*title)) || (praise && blank(*praise)) || (criticism && blank(*criticism)))
    bad("a changed title or text must not be empty");
  if (title) checkControls(*title, "title", kMaxTitleBytes);
  if (praise) checkControls(*praise, "praise_text", kMaxTextBytes);
  if (criticism) checkControls(*criticism, "criticism_text", kMaxTextBytes);
  const std::string reason = requiredReason(b);
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    requireDraft(issueIn(tx, id, scope));
    SQLite::Statement up(tx,
                         "UPDATE bulletins SET title = COALESCE(?, title), "
                         "praise_text = COALESCE(?, praise_text), "
                         "criticism_text = COALESCE(?, criticism_text) WHERE id = ?");
    auto bindOpt = [&](int i, const std::optional<std::string>& v) {
      if (v)
        up.bind(i, *v);
      else
        up.bind(i);
    };
    bindOpt(1, title);
    bindOpt(2, praise);
    bindOpt(3, criticism);
    up.bind(4, id);
    up.exec();
    std::string change = "修改";
    if (title) change += "标题、";
    if (praise) change += "表扬内容、";
    if (criticism) change += "批评内容、";
    change.resize(change.size() - std::string("、").size());
    recordEdit(tx, id, 0, now, user, change, reason);
  });
  answerIssue(app, res, id);
}

// ---- publishing -----------------------------------------------------------------------------

// The names of the issue's companies (as written in its entries) that `text` still names
// although they are not on `list`. An occurrence inside the name of a company on the list
// ("安居物业" inside "安居物业二公司") does not count.
std::vector<std::string> namedOffList(SQLite::Database& tx, int64_t issue, const std::string& text,
                                      const std::string& list) {
  std::vector<std::string> on, off;
  SQLite::Statement st(tx,
                       "SELECT list, company_name FROM bulletin_entries WHERE bulletin_id = ? "
                       "ORDER BY id");
  st.bind(1, issue);
  while (st.executeStep()) {
    std::string name = st.getColumn(1).getString();
    if (name.empty()) continue;
    (st.getColumn(0).getString() == list ? on : off).push_back(std::move(name));
  }
  std::vector<std::pair<size_t, size_t>> covered;  // [begin, end) of names on the list
  for (const std::string& name : on)
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1))
      covered.emplace_back(at, at + name.size());
  std::vector<std::string> named;
  std::set<std::string> seen;
  for (const std::string& name : off) {
    if (!seen.insert(name).second) continue;
    for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
      bool inside = false;
      for (const auto& [b, e] : covered) inside |= b <= at && at + name.size() <= e;
      if (!inside) {
        named.push_back(name);
        break;
      }
    }
  }
  return named;
}

std::string joinedZh(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : "、") + n;
  return out;
}

// Refuses to publish an issue whose praise text names a company not on its red list, or whose
// criticism text names one not on its black list (taken off, or moved to the other list).
void requireTextsMatchLists(SQLite::Database& tx, int64_t issue) {
  SQLite::Statement st(tx, "SELECT praise_text, criticism_text FROM bulletins WHERE id = ?");
  st.bind(1, issue);
  if (!st.executeStep()) return;
  const std::vector<std::string> praised =
      namedOffList(tx, issue, st.getColumn(0).getString(), "red");
  const std::vector<std::string> criticised =
      namedOffList(tx, issue, st.getColumn(1).getString(), "black");
  if (praised.empty() && criticised.empty()) return;
  std::string why;
  if (!praised.empty())
    why += "表扬内容（praise_text）仍点名未列入红榜的企业：" + joinedZh(praised);
  if (!criticised.empty())
    why += (why.empty() ? "" : "；") +
           ("批评内容（criticism_text）仍点名未列入黑榜的企业：" + joinedZh(criticised));
  bad("第" + std::to_string(issue) + "期不能发布：" + why + "。请先修改通报内容");
}

void publishIssue(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  if (!req.body.empty()) {  // a body, when sent, must be a JSON object
    const JsonBody checked(req.body);
    (void)checked;
  }
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    const IssueRow row = issueIn(tx, id, scope);
    requireDraft(row);
    requireTextsMatchLists(tx, id);
    SQLite::Statement up(tx,
                         "UPDATE bulletins SET state = 'published', published_by = ?, "
                         "published_at = ? WHERE id = ?");
    up.bind(1, user.id);
    up.bind(2, now);
    up.bind(3, id);
    up.exec();
    appendAudit(tx,
                {now, user.id, user.unitId, "bulletin.publish", "bulletin:" + std::to_string(id),
                 "发布" + row.countyId + " " + row.month + "红黑榜及通报" +
                     (row.correctsId ? "（更正第" + std::to_string(row.correctsId) + "期）" : "")});
    // The companies' list standing follows what is now published (R11 reads it).
    updateStandings(tx, row.countyId, id, now, user.id, user.unitId);
  });
  answerIssue(app, res, id);
}

void correctIssue(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const JsonBody b(req.body);
  const std::string reason = requiredReason(b);
  const int64_t now = app.now();
  const int64_t next = app.db().write([&](SQLite::Database& tx) {
    const IssueRow row = issueIn(tx, id, scope);
    if (row.state != "published")
      throw Error(ErrorCode::Conflict, "第" + std::to_string(id) + "期尚未发布，直接修改草稿即可");
    SQLite::Statement draft(tx,
                            "SELECT id FROM bulletins WHERE county_id = ? AND month = ? "
                            "AND state = 'draft'");
    draft.bind(1, row.countyId);
    draft.bind(2, row.month);
    if (draft.executeStep())
      throw Error(ErrorCode::Conflict, "该县（区）本月已有未发布的草稿（第" +
                                           std::to_string(draft.getColumn(0).getInt64()) + "期）");
    SQLite::Statement copy(tx,
                           "INSERT INTO bulletins(county_id, month, title, praise_text, "
                           "criticism_text, figures, corrects_id, correction_reason, drafted_by, "
                           "drafted_at) SELECT county_id, month, title, praise_text, "
                           "criticism_text, figures, id, ?, ?, ? FROM bulletins WHERE id = ?");
    copy.bind(1, reason);
    copy.bind(2, user.id);
    copy.bind(3, now);
    copy.bind(4, id);
    copy.exec();
    const int64_t next = tx.getLastInsertRowid();
    SQLite::Statement entries(tx,
                              "INSERT INTO bulletin_entries(bulletin_id, list, company_id, "
                              "company_name, reasons, evidence, drafted_list) SELECT ?, list, "
                              "company_id, company_name, reasons, evidence, drafted_list "
                              "FROM bulletin_entries WHERE bulletin_id = ? ORDER BY id");
    entries.bind(1, next);
    entries.bind(2, id);
    entries.exec();
    copyFigureCases(tx, id, next);
    appendAudit(tx,
                {now, user.id, user.unitId, "bulletin.correct", "bulletin:" + std::to_string(next),
                 "起草第" + std::to_string(id) + "期的更正期；理由：" + reason});
    return next;
  });
  answerIssue(app, res, next, 201);
}

// ---- objections -----------------------------------------------------------------------------

void recordObjection(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const JsonBody b(req.body);
  const int64_t entryId = b.integer("entry_id", 1, INT64_MAX);
  const std::string text = b.string("text", kMaxTextBytes);
  if (blank(text)) bad("'text' must say what the company objects to");
  checkControls(text, "text", kMaxTextBytes);
  const int64_t now = app.now();
  int64_t receivedAt = now;
  if (const auto r = b.optString("received_at", 32)) {
    const auto at = parseCst(*r);
    if (!at) bad("'received_at' must be a time as YYYY-MM-DD HH:MM");
    if (*at > now) bad("'received_at' lies in the future");
    receivedAt = *at;
  }
  app.db().write([&](SQLite::Database& tx) {
    const IssueRow row = issueIn(tx, id, scope);
    if (row.state != "published")
      throw Error(ErrorCode::Conflict,
                  "第" + std::to_string(id) + "期尚未发布，异议针对已发布的榜单");
    // Received to the minute: the minute of publication itself counts.
    if (receivedAt < row.publishedAt - row.publishedAt % 60)
      bad("'received_at' lies before the issue was published (" + formatCst(row.publishedAt) + ")");
    SQLite::Statement e(tx,
                        "SELECT company_id FROM bulletin_entries WHERE id = ? AND bulletin_id = ?");
    e.bind(1, entryId);
    e.bind(2, id);
    if (!e.executeStep()) bad("第" + std::to_string(id) + "期没有条目" + std::to_string(entryId));
    const std::string company = e.getColumn(0).getString();
    SQLite::Statement ins(tx,
                          "INSERT INTO bulletin_objections(bulletin_id, entry_id, company_id, "
                          "text, received_at, recorded_by, recorded_at) "
                          "VALUES(?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, id);
    ins.bind(2, entryId);
    ins.bind(3, company);
    ins.bind(4, text);
    ins.bind(5, receivedAt);
    ins.bind(6, user.id);
    ins.bind(7, now);
    ins.exec();
    appendAudit(tx,
                {now, user.id, user.unitId, "bulletin.objection", "bulletin:" + std::to_string(id),
                 "登记" + company + "对条目" + std::to_string(entryId) + "的异议"});
  });
  answerIssue(app, res, id, 201);
}

void decideObjection(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req, res);
  const CountyScope scope = writerScope(user, *app.reference());
  const int64_t id = pathNumber(req, 1, "bulletin");
  const int64_t objectionId = pathNumber(req, 2, "objection");
  const JsonBody b(req.body);
  const std::string outcome = b.string("outcome", 16);
  if (outcome != "upheld" && outcome != "rejected") bad("'outcome' must be upheld or rejected");
  const std::string note = requiredReason(b, "note");
  const int64_t now = app.now();
  app.db().write([&](SQLite::Database& tx) {
    issueIn(tx, id, scope);
    SQLite::Statement cur(tx,
                          "SELECT outcome FROM bulletin_objections WHERE id = ? AND "
                          "bulletin_id = ?");
    cur.bind(1, objectionId);
    cur.bind(2, id);
    if (!cur.executeStep())
      throw Error(ErrorCode::NotFound, "no objection " + std::to_string(objectionId));
    if (cur.getColumn(0).getString() != "pending")
      throw Error(ErrorCode::Conflict, "异议" + std::to_string(objectionId) + "已有处理结果");
    SQLite::Statement up(tx,
                         "UPDATE bulletin_objections SET outcome = ?, outcome_note = ?, "
                         "decided_by = ?, decided_at = ? WHERE id = ?");
    up.bind(1, outcome);
    up.bind(2, note);
    up.bind(3, user.id);
    up.bind(4, now);
    up.bind(5, objectionId);
    up.exec();
    appendAudit(tx, {now, user.id, user.unitId, "bulletin.objection_decide",
                     "bulletin:" + std::to_string(id),
                     "异议" + std::to_string(objectionId) +
                         (outcome == "upheld" ? "成立" : "不成立") + "：" + note});
  });
  answerIssue(app, res, id);
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerPublicationRoutes(httplib::Server& http, App& app, Auth& auth) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Post("/api/v1/bulletins", [&](Req req, Res res) { draftIssue(app, auth, req, res); });
  http.Get("/api/v1/bulletins", [&](Req req, Res res) { listIssues(app, auth, req, res); });
  http.Get(R"(/api/v1/bulletins/(\d+))", [&](Req req, Res res) { getIssue(app, auth, req, res); });
  http.Get(R"(/api/v1/bulletins/(\d+)/cases)",
           [&](Req req, Res res) { getIssueCases(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/entries/(\d+))",
            [&](Req req, Res res) { editEntry(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/text)",
            [&](Req req, Res res) { editText(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/publish)",
            [&](Req req, Res res) { publishIssue(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/corrections)",
            [&](Req req, Res res) { correctIssue(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/objections)",
            [&](Req req, Res res) { recordObjection(app, auth, req, res); });
  http.Post(R"(/api/v1/bulletins/(\d+)/objections/(\d+)/decision)",
            [&](Req req, Res res) { decideObjection(app, auth, req, res); });
}

}  // namespace pcs::server
