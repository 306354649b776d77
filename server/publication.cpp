// The month's figures per company and the drafting rules of the red/black list (publication.h).
#include "publication.h"

#include <SQLiteCpp/Statement.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "pcs/ledger.h"

namespace pcs::server {

const char* listKindKey(ListKind k) {
  return k == ListKind::Red ? "red" : "black";
}

const char* listKindZh(ListKind k) {
  return k == ListKind::Red ? "红榜" : "黑榜";
}

std::optional<Date> parseMonth(const std::string& month) {
  if (month.size() != 7 || month[4] != '-') return std::nullopt;
  return Date::parse(month + "-01");
}

std::string percentZh(const std::optional<double>& share) {
  if (!share) return "未测评";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *share * 100);
  return buf;
}

std::vector<CompanyMonth> monthFigures(SQLite::Database& db, const std::string& countyId,
                                       Date first, const PublicationThresholds& t) {
  const Date next = first.addMonths(1);
  const int64_t from = cstMidnight(first), to = cstMidnight(next);
  std::map<std::string, CompanyMonth> byId;
  auto company = [&](const std::string& id) -> CompanyMonth& {
    CompanyMonth& m = byId[id];
    m.companyId = id;
    return m;
  };

  {  // Companies managing an estate in the county.
    SQLite::Statement st(db,
                         "SELECT DISTINCT company_id FROM estates WHERE county_id = ? "
                         "AND company_id IS NOT NULL AND company_id <> ''");
    st.bind(1, countyId);
    while (st.executeStep()) company(st.getColumn(0).getString());
  }

  {  // Complaints received in the month; a merged duplicate is not a complaint of its own.
    SQLite::Statement st(db,
                         "SELECT id, company_id, complainant_key, received_at, substantiated "
                         "FROM cases WHERE county_id = ? AND company_id IS NOT NULL "
                         "AND company_id <> '' AND received_at >= ? AND received_at < ? "
                         "AND state <> 'merged' ORDER BY company_id, received_at, id");
    st.bind(1, countyId);
    st.bind(2, from);
    st.bind(3, to);
    std::vector<LedgerComplaint> all;
    while (st.executeStep()) {
      LedgerComplaint c;
      c.caseId = st.getColumn(0).getString();
      c.companyId = st.getColumn(1).getString();
      c.complainantKey = st.getColumn(2).isNull() ? "" : st.getColumn(2).getString();
      c.receivedAt = st.getColumn(3).getInt64();
      if (!st.getColumn(4).isNull()) c.substantiated = st.getColumn(4).getInt() != 0;
      company(c.companyId);
      all.push_back(std::move(c));
    }
    const LedgerWindow window{first, next, false};
    for (auto& [id, m] : byId) {
      ComplainantCount everyone = countComplainants(all, id, window, false);
      ComplainantCount substantiated = countComplainants(all, id, window, true);
      m.complaints = everyone.complaints;
      m.complainants = everyone.distinctComplainants;
      m.substantiated = substantiated.distinctComplainants;
      m.cases.complaints = std::move(everyone.caseIds);
      m.cases.substantiated = std::move(substantiated.caseIds);
    }
  }

  {  // Closed in the month.
    SQLite::Statement st(db,
                         "SELECT company_id, id FROM cases WHERE county_id = ? "
                         "AND state = 'closed' AND closed_at >= ? AND closed_at < ? "
                         "AND company_id IS NOT NULL AND company_id <> '' ORDER BY id");
    st.bind(1, countyId);
    st.bind(2, from);
    st.bind(3, to);
    while (st.executeStep())
      company(st.getColumn(0).getString()).cases.closed.push_back(st.getColumn(1).getString());
  }

  {  // Still open, with a deadline that fell before the month's end.
    SQLite::Statement st(db,
                         "SELECT company_id, id FROM cases WHERE county_id = ? "
                         "AND state NOT IN ('closed', 'merged') AND next_due IS NOT NULL "
                         "AND next_due < ? AND received_at < ? "
                         "AND company_id IS NOT NULL AND company_id <> '' ORDER BY id");
    st.bind(1, countyId);
    st.bind(2, int64_t{next.dayNumber()});
    st.bind(3, to);
    while (st.executeStep())
      company(st.getColumn(0).getString()).cases.overdue.push_back(st.getColumn(1).getString());
  }

  {  // Surveys closed in the survey window, pooled.
    SQLite::Statement st(db,
                         "SELECT company_id, id, counted, satisfied FROM surveys "
                         "WHERE county_id = ? AND state = 'closed' AND closed_at >= ? "
                         "AND closed_at < ? ORDER BY id");
    st.bind(1, countyId);
    st.bind(2, cstMidnight(next.addMonths(-t.surveyMonths)));
    st.bind(3, to);
    std::map<std::string, int64_t> satisfied;
    while (st.executeStep()) {
      const std::string id = st.getColumn(0).getString();
      CompanyMonth& m = company(id);
      m.cases.surveys.push_back(st.getColumn(1).getInt64());
      m.surveyResponses += st.getColumn(2).getInt();
      satisfied[id] += st.getColumn(3).getInt64();
    }
    for (const auto& [id, yes] : satisfied) {
      CompanyMonth& m = company(id);
      if (m.surveyResponses > 0)
        m.satisfaction = static_cast<double>(yes) / static_cast<double>(m.surveyResponses);
    }
  }
  for (auto& [id, m] : byId) {
    m.closed = static_cast<int>(m.cases.closed.size());
    m.overdue = static_cast<int>(m.cases.overdue.size());
  }

  SQLite::Statement name(db, "SELECT name FROM companies WHERE id = ?");
  std::vector<CompanyMonth> out;
  for (auto& [id, m] : byId) {
    name.reset();
    name.bind(1, id);
    m.companyName = name.executeStep() ? name.getColumn(0).getString() : id;
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<DraftEntry> draftLists(const std::vector<CompanyMonth>& figures,
                                   const PublicationThresholds& t) {
  std::vector<DraftEntry> red, black;
  for (const CompanyMonth& m : figures) {
    const bool measured = m.satisfaction.has_value();
    if (m.substantiated == 0 && m.overdue == 0 && m.complainants <= t.redMaxComplainants &&
        measured && *m.satisfaction >= t.redSatisfaction) {
      red.push_back({ListKind::Red, m,
                     "本月无属实投诉，无逾期未办结事项，投诉人" + std::to_string(m.complainants) +
                         "名，满意率" + percentZh(m.satisfaction) + "（不低于" +
                         percentZh(t.redSatisfaction) + "）"});
      continue;
    }
    std::vector<std::string> why;
    if (m.substantiated > t.blackSubstantiated)
      why.push_back("本月属实投诉涉及" + std::to_string(m.substantiated) + "名投诉人（超过" +
                    std::to_string(t.blackSubstantiated) + "名）");
    if (m.overdue > t.blackOverdue)
      why.push_back("有" + std::to_string(m.overdue) + "件投诉逾期未办结");
    if (measured && *m.satisfaction < t.blackSatisfaction)
      why.push_back("满意率" + percentZh(m.satisfaction) + "（低于" +
                    percentZh(t.blackSatisfaction) + "）");
    if (why.empty()) continue;
    std::string text;
    for (const std::string& w : why) text += (text.empty() ? "" : "；") + w;
    black.push_back({ListKind::Black, m, text});
  }
  std::stable_sort(red.begin(), red.end(), [](const DraftEntry& a, const DraftEntry& b) {
    if (*a.figures.satisfaction != *b.figures.satisfaction)
      return *a.figures.satisfaction > *b.figures.satisfaction;
    return a.figures.companyId < b.figures.companyId;
  });
  std::stable_sort(black.begin(), black.end(), [](const DraftEntry& a, const DraftEntry& b) {
    if (a.figures.substantiated != b.figures.substantiated)
      return a.figures.substantiated > b.figures.substantiated;
    if (a.figures.overdue != b.figures.overdue) return a.figures.overdue > b.figures.overdue;
    return a.figures.companyId < b.figures.companyId;
  });
  red.insert(red.end(), black.begin(), black.end());
  return red;
}

std::string evidenceJson(const CompanyMonth& m, const PublicationThresholds& t) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("complaints");
  w.Int(m.complaints);
  w.Key("complainants");
  w.Int(m.complainants);
  w.Key("substantiated");
  w.Int(m.substantiated);
  w.Key("closed");
  w.Int(m.closed);
  w.Key("overdue");
  w.Int(m.overdue);
  w.Key("satisfaction");
  if (m.satisfaction)
    w.Double(*m.satisfaction);
  else
    w.Null();
  w.Key("survey_responses");
  w.Int(m.surveyResponses);
  w.Key("thresholds");
  w.StartObject();
  w.Key("red_satisfaction");
  w.Double(t.redSatisfaction);
  w.Key("red_max_complainants");
  w.Int(t.redMaxComplainants);
  w.Key("black_substantiated");
  w.Int(t.blackSubstantiated);
  w.Key("black_overdue");
  w.Int(t.blackOverdue);
  w.Key("black_satisfaction");
  w.Double(t.blackSatisfaction);
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

}  // namespace pcs::server
