// Storing monthly issues and the company standing they give (publication_issues.h).
//
// Sections: texts | drafting | figure cases | standing
#include "publication_issues.h"

#include <SQLiteCpp/Statement.h>

#include <vector>

#include "audit.h"
#include "pcs/error.h"
#include "publication.h"
#include "reference_store.h"

namespace pcs::server {

// ---- texts ----------------------------------------------------------------------------------

std::string monthZh(const std::string& month) {
  const auto d = parseMonth(month);
  if (!d) return month;
  return std::to_string(d->year()) + "年" + std::to_string(d->month()) + "月";
}

std::string monthKey(Date day) {
  return day.toString().substr(0, 7);
}

namespace {

std::string praiseText(const std::string& county, const std::string& month,
                       const std::vector<DraftEntry>& entries) {
  std::string names;
  for (const DraftEntry& e : entries)
    if (e.list == ListKind::Red)
      names += (names.empty() ? "" : "、") + e.figures.companyName + "（满意率" +
               percentZh(e.figures.satisfaction) + "）";
  if (names.empty()) return county + monthZh(month) + "无企业列入红榜。";
  return county + monthZh(month) +
         "，以下物业服务企业无属实投诉、无逾期未办结事项、业主满意率高，列入红榜，予以表扬：" +
         names + "。";
}

std::string criticismText(const std::string& county, const std::string& month,
                          const std::vector<DraftEntry>& entries) {
  std::string items;
  for (const DraftEntry& e : entries)
    if (e.list == ListKind::Black)
      items += (items.empty() ? "" : "；") + e.figures.companyName + "（" + e.reasonsZh + "）";
  if (items.empty()) return county + monthZh(month) + "无企业列入黑榜。";
  return county + monthZh(month) +
         "，以下物业服务企业投诉处置不及时、不到位，列入黑榜，予以通报批评，责令限期整改：" +
         items + "。";
}

std::string countyFigures(const std::vector<CompanyMonth>& all) {
  int complaints = 0, closed = 0, overdue = 0, substantiated = 0;
  for (const CompanyMonth& m : all) {
    complaints += m.complaints;
    closed += m.closed;
    overdue += m.overdue;
    substantiated += m.substantiated;
  }
  return "{\"companies\":" + std::to_string(all.size()) +
         ",\"complaints\":" + std::to_string(complaints) + ",\"closed\":" + std::to_string(closed) +
         ",\"overdue\":" + std::to_string(overdue) +
         ",\"substantiated_complainants\":" + std::to_string(substantiated) + "}";
}

// The figures in the order writeFigureCases answers them.
constexpr const char* kFigures[] = {"complaints", "substantiated", "closed", "overdue", "surveys"};

}  // namespace

// ---- drafting -------------------------------------------------------------------------------

std::optional<IssueRef> latestIssue(SQLite::Database& db, const std::string& countyId,
                                    const std::string& month) {
  SQLite::Statement st(db,
                       "SELECT id, state FROM bulletins WHERE county_id = ? AND month = ? "
                       "ORDER BY id DESC LIMIT 1");
  st.bind(1, countyId);
  st.bind(2, month);
  if (!st.executeStep()) return std::nullopt;
  return IssueRef{st.getColumn(0).getInt64(), st.getColumn(1).getString()};
}

int64_t storeDraft(SQLite::Database& tx, const OrgUnit& county, const std::string& month,
                   const std::string& userId, const std::string& unitId, int64_t now,
                   size_t* listed) {
  const auto first = parseMonth(month);
  if (!first) throw Error(ErrorCode::InvalidInput, "not a month: " + month);
  const PublicationThresholds t;
  const std::vector<CompanyMonth> figures = monthFigures(tx, county.id, *first, t);
  const std::vector<DraftEntry> entries = draftLists(figures, t);

  SQLite::Statement ins(tx,
                        "INSERT INTO bulletins(county_id, month, title, praise_text, "
                        "criticism_text, figures, drafted_by, drafted_at) "
                        "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, county.id);
  ins.bind(2, month);
  ins.bind(3, county.name + monthZh(month) + "物业服务企业红黑榜及投诉处置情况通报");
  ins.bind(4, praiseText(county.name, month, entries));
  ins.bind(5, criticismText(county.name, month, entries));
  ins.bind(6, countyFigures(figures));
  ins.bind(7, userId);
  ins.bind(8, now);
  ins.exec();
  const int64_t id = tx.getLastInsertRowid();

  SQLite::Statement e(tx,
                      "INSERT INTO bulletin_entries(bulletin_id, list, company_id, "
                      "company_name, reasons, evidence, drafted_list) "
                      "VALUES(?, ?, ?, ?, ?, ?, ?)");
  for (const DraftEntry& d : entries) {
    e.reset();
    e.bind(1, id);
    e.bind(2, listKindKey(d.list));
    e.bind(3, d.figures.companyId);
    e.bind(4, d.figures.companyName);
    e.bind(5, d.reasonsZh);
    e.bind(6, evidenceJson(d.figures, t));
    e.bind(7, listKindKey(d.list));
    e.exec();
  }

  // What every figure counts, for every company considered (listed or not).
  SQLite::Statement c(tx,
                      "INSERT OR IGNORE INTO bulletin_figure_cases(bulletin_id, company_id, "
                      "figure, ref) VALUES(?, ?, ?, ?)");
  auto put = [&](const std::string& company, const char* figure, const std::string& ref) {
    c.reset();
    c.bind(1, id);
    c.bind(2, company);
    c.bind(3, figure);
    c.bind(4, ref);
    c.exec();
  };
  for (const CompanyMonth& m : figures) {
    for (const std::string& ref : m.cases.complaints) put(m.companyId, "complaints", ref);
    for (const std::string& ref : m.cases.substantiated) put(m.companyId, "substantiated", ref);
    for (const std::string& ref : m.cases.closed) put(m.companyId, "closed", ref);
    for (const std::string& ref : m.cases.overdue) put(m.companyId, "overdue", ref);
    for (int64_t ref : m.cases.surveys) put(m.companyId, "surveys", std::to_string(ref));
  }

  appendAudit(tx, {now, userId, unitId, "bulletin.draft", "bulletin:" + std::to_string(id),
                   "起草" + county.name + monthZh(month) + "红黑榜及通报：" +
                       std::to_string(entries.size()) + "家企业入榜"});
  if (listed) *listed = entries.size();
  return id;
}

// ---- figure cases ---------------------------------------------------------------------------

void copyFigureCases(SQLite::Database& tx, int64_t from, int64_t to) {
  SQLite::Statement st(tx,
                       "INSERT INTO bulletin_figure_cases(bulletin_id, company_id, figure, ref) "
                       "SELECT ?, company_id, figure, ref FROM bulletin_figure_cases "
                       "WHERE bulletin_id = ?");
  st.bind(1, to);
  st.bind(2, from);
  st.exec();
}

void writeFigureCases(JsonWriter& w, SQLite::Database& db, int64_t issueId,
                      const std::string& companyId) {
  // Case ids sort as received within a year (YYYY-NNNNNN); survey ids numerically.
  SQLite::Statement st(db,
                       "SELECT DISTINCT ref FROM bulletin_figure_cases WHERE bulletin_id = ? "
                       "AND figure = ? AND (? = '' OR company_id = ?) "
                       "ORDER BY length(ref), ref");
  w.StartObject();
  for (const char* figure : kFigures) {
    st.reset();
    st.bind(1, issueId);
    st.bind(2, figure);
    st.bind(3, companyId);
    st.bind(4, companyId);
    const bool surveys = std::string(figure) == "surveys";
    w.Key(figure);
    w.StartArray();
    while (st.executeStep()) {
      const std::string ref = st.getColumn(0).getString();
      if (surveys)
        w.Int64(std::stoll(ref));
      else
        w.String(ref.c_str(), static_cast<rapidjson::SizeType>(ref.size()));
    }
    w.EndArray();
  }
  w.EndObject();
}

// ---- standing -------------------------------------------------------------------------------

Standing standingFrom(const std::set<std::string>& redMonths,
                      const std::set<std::string>& blackMonths, const std::string& month) {
  Standing s;
  if (blackMonths.count(month)) {
    s.status = ListStatus::Black;
    std::optional<Date> m = parseMonth(month);
    while (m && blackMonths.count(monthKey(*m))) {
      ++s.monthsOnBlackList;
      m = m->addMonths(-1);
    }
  } else if (redMonths.count(month)) {
    s.status = ListStatus::Red;
  }
  return s;
}

namespace {

// The latest published issue of every county and month: the one that counts.
constexpr const char* kEffectiveIssues =
    "SELECT MAX(id) AS id, county_id, month FROM bulletins WHERE state = 'published' "
    "GROUP BY county_id, month";

// The standing the published lists give `companyId`, or nullopt when none of its counties has
// a published issue.
std::optional<Standing> publishedStanding(SQLite::Database& tx, const std::string& companyId) {
  SQLite::Statement latest(tx,
                           std::string("SELECT MAX(ef.month) FROM (") + kEffectiveIssues +
                               ") ef WHERE ef.county_id IN ("
                               "SELECT county_id FROM estates WHERE company_id = :c "
                               "UNION SELECT b.county_id FROM bulletins b JOIN bulletin_entries "
                               "e ON e.bulletin_id = b.id WHERE b.state = 'published' "
                               "AND e.company_id = :c)");
  latest.bind(":c", companyId);
  if (!latest.executeStep() || latest.getColumn(0).isNull()) return std::nullopt;
  const std::string month = latest.getColumn(0).getString();

  SQLite::Statement lists(tx, std::string("SELECT ef.month, e.list FROM (") + kEffectiveIssues +
                                  ") ef JOIN bulletin_entries e ON e.bulletin_id = ef.id "
                                  "WHERE e.company_id = ?");
  lists.bind(1, companyId);
  std::set<std::string> red, black;
  while (lists.executeStep()) {
    const std::string list = lists.getColumn(1).getString();
    if (list == "red") red.insert(lists.getColumn(0).getString());
    if (list == "black") black.insert(lists.getColumn(0).getString());
  }
  return standingFrom(red, black, month);
}

std::string standingZh(ListStatus status, int months) {
  switch (status) {
    case ListStatus::Black:
      return "黑榜（连续" + std::to_string(months) + "个月）";
    case ListStatus::Red:
      return "红榜";
    case ListStatus::None:
      break;
  }
  return "未入榜";
}

}  // namespace

int updateStandings(SQLite::Database& tx, const std::string& countyId, int64_t issueId, int64_t now,
                    const std::string& userId, const std::string& unitId) {
  std::vector<std::string> companies;
  {
    SQLite::Statement st(tx,
                         "SELECT company_id FROM estates WHERE county_id = :county "
                         "AND company_id IS NOT NULL AND company_id <> '' "
                         "UNION SELECT e.company_id FROM bulletin_entries e JOIN bulletins b "
                         "ON b.id = e.bulletin_id WHERE b.county_id = :county ORDER BY 1");
    st.bind(":county", countyId);
    while (st.executeStep()) companies.push_back(st.getColumn(0).getString());
  }

  int changed = 0;
  for (const std::string& id : companies) {
    const std::optional<Standing> s = publishedStanding(tx, id);
    if (!s) continue;
    std::optional<Company> c = ReferenceStore::company(tx, id);
    if (!c) continue;  // an entry of a company no longer in the register
    const int months = s->status == ListStatus::Black ? s->monthsOnBlackList : 0;
    if (c->listStatus == s->status && c->monthsOnBlackList == months) continue;
    const std::string before = standingZh(c->listStatus, c->monthsOnBlackList);
    c->listStatus = s->status;
    c->monthsOnBlackList = months;
    ReferenceStore::putCompany(tx, *c, now);
    appendAudit(tx, {now, userId, unitId, "company.standing", "company:" + id,
                     "依据已发布的红黑榜（第" + std::to_string(issueId) + "期）：" +
                         standingZh(c->listStatus, months) + "；原为" + before});
    ++changed;
  }
  return changed;
}

}  // namespace pcs::server
