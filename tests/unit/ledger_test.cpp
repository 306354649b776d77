// Company ledger rules (R9-R12): distinct complainants over CST windows, and the proposals.

#include "pcs/ledger.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pcs/date.h"
#include "pcs/identity.h"

using pcs::CompanyCounts;
using pcs::CompanyStanding;
using pcs::Date;
using pcs::LedgerComplaint;
using pcs::LedgerRule;
using pcs::LedgerThresholds;
using pcs::SurveyResult;

namespace {

constexpr int64_t kHour = 3600;

int64_t cstAt(int y, int m, int d, int hour = 10, int minute = 0, int second = 0) {
  return pcs::cstMidnight(Date::fromYmd(y, m, d)) + hour * kHour + minute * 60 + second;
}

// A complaint against `company` from whoever wrote `contact`, received at `at`.
LedgerComplaint complaint(std::string caseId, std::string company, std::string_view contact,
                          int64_t at, std::optional<bool> substantiated = std::nullopt) {
  return {std::move(caseId), std::move(company), pcs::complainantKey("", contact), at,
          substantiated};
}

// `n` complaints from `n` different mobiles, all in July 2025, numbered from `first`.
std::vector<LedgerComplaint> distinctComplaints(std::string company, int n, int first = 0,
                                                std::optional<bool> substantiated = true) {
  std::vector<LedgerComplaint> out;
  for (int i = 0; i < n; ++i) {
    const int k = first + i;
    const std::string mobile =
        "139" + std::string(8 - std::to_string(k).size(), '0') + std::to_string(k);
    out.push_back(complaint("C" + std::to_string(k), company, mobile, cstAt(2025, 7, 1 + i % 28),
                            substantiated));
  }
  return out;
}

const Date kEnd = Date::fromYmd(2025, 8, 31);  // first day not counted

bool hasProposal(const std::vector<pcs::LedgerProposal>& ps, LedgerRule r) {
  return std::any_of(ps.begin(), ps.end(), [r](const auto& p) { return p.rule == r; });
}

}  // namespace

TEST_CASE("ledger: one mobile in six spellings among twelve complaints is one complainant") {
  const char* samePerson[] = {"13800138000",     "+86 138 0013 8000", "8613800138000",
                              "008613800138000", "138-0013-8000",     "１３８００１３８０００"};
  const char* others[] = {"13900000001", "13900000002", "13900000003",
                          "13900000004", "13900000005", "13900000006"};
  std::vector<LedgerComplaint> cs;
  for (int i = 0; i < 6; ++i)
    cs.push_back(complaint("S" + std::to_string(i), "co-1", samePerson[i], cstAt(2025, 6, 1 + i)));
  for (int i = 0; i < 6; ++i)
    cs.push_back(complaint("D" + std::to_string(i), "co-1", others[i], cstAt(2025, 7, 1 + i)));

  const CompanyCounts c = pcs::countCompany(cs, "co-1", kEnd);
  CHECK(c.all.complaints == 12);
  CHECK(c.all.distinctComplainants == 7);
  REQUIRE(c.all.complainants.size() == 7);
  CHECK(c.all.complainants.front().key == "m:13800138000");
  CHECK(c.all.complainants.front().caseIds ==
        std::vector<std::string>{"S0", "S1", "S2", "S3", "S4", "S5"});
  CHECK_FALSE(pcs::proposeKeySupervision(c).has_value());
}

TEST_CASE("ledger: eleven distinct complainants propose key supervision, ten do not") {
  const std::vector<LedgerComplaint> ten = distinctComplaints("co-1", 10, 0, std::nullopt);
  CHECK_FALSE(pcs::proposeKeySupervision(pcs::countCompany(ten, "co-1", kEnd)).has_value());

  std::vector<LedgerComplaint> eleven = ten;
  eleven.push_back(complaint("C99", "co-1", "13700000000", cstAt(2025, 8, 30, 23, 59, 59)));
  const auto p = pcs::proposeKeySupervision(pcs::countCompany(eleven, "co-1", kEnd));
  REQUIRE(p.has_value());
  CHECK(p->rule == LedgerRule::KeySupervision);
  CHECK(p->ruleId == "R10");
  CHECK(p->companyId == "co-1");
  REQUIRE(p->count.has_value());
  CHECK(p->count->distinctComplainants == 11);
  CHECK(p->count->caseIds.size() == 11);
  CHECK(p->count->caseIds.back() == "C99");
  REQUIRE(p->criteria.size() == 1);
  CHECK(p->criteria[0].value == 11);
  CHECK(p->criteria[0].threshold == 10);
  CHECK(p->explanationZh.find("11名不同投诉人") != std::string::npos);
  CHECK(p->explanationZh.find("超过10名") != std::string::npos);
  CHECK(p->explanationZh.find("重点督办") != std::string::npos);
}

TEST_CASE("ledger: a landline in three spellings is one complainant") {
  std::vector<LedgerComplaint> cs = {
      complaint("L1", "co-1", "0355-1234567", cstAt(2025, 5, 1)),
      complaint("L2", "co-1", "(0355)1234567", cstAt(2025, 5, 2)),
      complaint("L3", "co-1", "+86 355 1234567", cstAt(2025, 5, 3)),
  };
  const auto c = pcs::countComplainants(cs, "co-1", pcs::trailingWindow(kEnd, 12), false);
  CHECK(c.complaints == 3);
  CHECK(c.distinctComplainants == 1);
  CHECK(c.complainants[0].key == "l:0355-1234567");
}

TEST_CASE("ledger: half-year windows end on the last day of February") {
  CHECK(pcs::trailingWindow(Date::fromYmd(2025, 8, 31), 6).start == Date::fromYmd(2025, 2, 28));
  CHECK(pcs::trailingWindow(Date::fromYmd(2024, 8, 31), 6).start == Date::fromYmd(2024, 2, 29));
  CHECK(pcs::trailingWindow(Date::fromYmd(2025, 8, 31), 12).start == Date::fromYmd(2024, 8, 31));
  CHECK(pcs::trailingWindow(kEnd, 6).describeZh() == "2025-02-28 至 2025-08-30");
  CHECK(pcs::trailingWindow(kEnd, 0).unbounded);
}

TEST_CASE("ledger: a complaint at the window start counts, a second earlier does not") {
  const pcs::LedgerWindow w = pcs::trailingWindow(kEnd, 6);  // [2025-02-28, 2025-08-31)
  const int64_t start = pcs::cstMidnight(Date::fromYmd(2025, 2, 28));
  const int64_t end = pcs::cstMidnight(kEnd);
  CHECK(w.contains(start));
  CHECK_FALSE(w.contains(start - 1));
  CHECK(w.contains(end - 1));
  CHECK_FALSE(w.contains(end));

  std::vector<LedgerComplaint> cs = {
      complaint("A", "co-1", "13800000001", start),
      complaint("B", "co-1", "13800000002", start - 1),
      complaint("C", "co-1", "13800000003", end - 1),
      complaint("D", "co-1", "13800000004", end),
  };
  const auto c = pcs::countComplainants(cs, "co-1", w, false);
  CHECK(c.caseIds == std::vector<std::string>{"A", "C"});
}

TEST_CASE("ledger: windows are CST dates whatever the UTC date") {
  // 2025-10-01 07:30 CST is 2025-09-30 23:30 UTC.
  const int64_t at = 1759275000;
  CHECK(at == cstAt(2025, 10, 1, 7, 30));
  CHECK(pcs::cstDate(at) == Date::fromYmd(2025, 10, 1));

  std::vector<LedgerComplaint> cs = {complaint("OCT", "co-1", "13800138000", at)};
  const auto october =
      pcs::countComplainants(cs, "co-1", pcs::trailingWindow(Date::fromYmd(2025, 11, 1), 1), false);
  const auto september =
      pcs::countComplainants(cs, "co-1", pcs::trailingWindow(Date::fromYmd(2025, 10, 1), 1), false);
  CHECK(october.distinctComplainants == 1);
  CHECK(september.distinctComplainants == 0);
  CHECK(pcs::windowEndFor(at) == Date::fromYmd(2025, 10, 2));
}

TEST_CASE("ledger: substantiated and all complaints are counted separately") {
  // Twelve distinct complainants, five substantiated, three found untrue, four undecided.
  std::vector<LedgerComplaint> cs = distinctComplaints("co-1", 5, 0, true);
  for (auto& c : distinctComplaints("co-1", 3, 5, false)) cs.push_back(c);
  for (auto& c : distinctComplaints("co-1", 4, 8, std::nullopt)) cs.push_back(c);

  const CompanyCounts c = pcs::countCompany(cs, "co-1", kEnd);
  CHECK(c.all.distinctComplainants == 12);
  CHECK(c.substantiatedHalfYear.distinctComplainants == 5);
  CHECK(c.substantiatedYear.distinctComplainants == 5);
  CHECK(pcs::proposeKeySupervision(c).has_value());
  CHECK_FALSE(pcs::proposeGradeReview(c, CompanyStanding{}).has_value());
}

TEST_CASE("ledger: grade review counts substantiated complaints of the last half year only") {
  // Eleven substantiated distinct complainants, one of them eight months ago.
  std::vector<LedgerComplaint> cs = distinctComplaints("co-1", 10, 0, true);
  cs.push_back(complaint("OLD", "co-1", "13700000000", cstAt(2024, 12, 31), true));
  CompanyCounts c = pcs::countCompany(cs, "co-1", kEnd);
  CHECK(c.substantiatedHalfYear.distinctComplainants == 10);
  CHECK(c.substantiatedYear.distinctComplainants == 11);
  CHECK_FALSE(pcs::proposeGradeReview(c, CompanyStanding{}).has_value());

  cs.push_back(complaint("NEW", "co-1", "13700000000", cstAt(2025, 8, 1), true));
  c = pcs::countCompany(cs, "co-1", kEnd);
  const auto p = pcs::proposeGradeReview(c, CompanyStanding{});
  REQUIRE(p.has_value());
  CHECK(p->ruleId == "R11");
  REQUIRE(p->count.has_value());
  CHECK(p->count->substantiatedOnly);
  CHECK(p->count->distinctComplainants == 11);
  CHECK(p->explanationZh.find("经查属实") != std::string::npos);
}

TEST_CASE("ledger: grade review on low credit or a long stay on the black list") {
  const CompanyCounts none = pcs::countCompany({}, "co-1", kEnd);

  const auto credit = pcs::proposeGradeReview(none, CompanyStanding{"D级", true, 0});
  REQUIRE(credit.has_value());
  CHECK_FALSE(credit->count.has_value());
  REQUIRE(credit->criteria.size() == 1);
  CHECK(credit->criteria[0].what == "low_credit");
  CHECK(credit->explanationZh.find("D级") != std::string::npos);

  CHECK_FALSE(pcs::proposeGradeReview(none, CompanyStanding{"", false, 2}).has_value());
  const auto listed = pcs::proposeGradeReview(none, CompanyStanding{"", false, 3});
  REQUIRE(listed.has_value());
  CHECK(listed->criteria[0].what == "black_list_months");

  LedgerThresholds t;
  t.longBlackListMonths = 6;
  CHECK_FALSE(pcs::proposeGradeReview(none, CompanyStanding{"", false, 5}, t).has_value());
}

TEST_CASE("ledger: regrade below 60% satisfaction or on refusal to fix") {
  CHECK(pcs::proposeRegrade("co-1", SurveyResult{0.59, false, false}).has_value());
  CHECK_FALSE(pcs::proposeRegrade("co-1", SurveyResult{0.60, false, false}).has_value());
  CHECK_FALSE(pcs::proposeRegrade("co-1", SurveyResult{6.0 / 10.0, false, false}).has_value());
  CHECK_FALSE(pcs::proposeRegrade("co-1", SurveyResult{std::nullopt, false, false}).has_value());
  CHECK(pcs::proposeRegrade("co-1", SurveyResult{0.9, true, false}).has_value());
  CHECK(pcs::proposeRegrade("co-1", SurveyResult{0.9, false, true}).has_value());

  const auto p = pcs::proposeRegrade("co-1", SurveyResult{0.555, false, false});
  REQUIRE(p.has_value());
  CHECK(p->explanationZh.find("55.5%") != std::string::npos);
  CHECK(p->explanationZh.find("不足60%") != std::string::npos);
}

TEST_CASE("ledger: exit needs more than 20 substantiated complainants and a failed survey") {
  const CompanyCounts twentyOne = pcs::countCompany(distinctComplaints("co-1", 21), "co-1", kEnd);
  const CompanyCounts twenty = pcs::countCompany(distinctComplaints("co-1", 20), "co-1", kEnd);
  REQUIRE(twentyOne.substantiatedYear.distinctComplainants == 21);

  // The count alone is not enough.
  CHECK_FALSE(pcs::proposeExit(twentyOne, SurveyResult{0.8, false, false}).has_value());
  // Satisfaction between 50% and 60% is a regrade, not an exit.
  CHECK_FALSE(pcs::proposeExit(twentyOne, SurveyResult{0.55, false, false}).has_value());
  // Inadequate fixing is named by R11 only.
  CHECK_FALSE(pcs::proposeExit(twentyOne, SurveyResult{0.8, false, true}).has_value());
  // A failed survey alone is not enough either.
  CHECK_FALSE(pcs::proposeExit(twenty, SurveyResult{0.3, true, false}).has_value());

  const auto low = pcs::proposeExit(twentyOne, SurveyResult{0.45, false, false});
  REQUIRE(low.has_value());
  CHECK(low->ruleId == "R12");
  CHECK(low->count->distinctComplainants == 21);
  REQUIRE(low->criteria.size() == 2);
  CHECK(low->criteria[1].what == "satisfaction");
  CHECK(low->explanationZh.find("退出") != std::string::npos);

  const auto refused = pcs::proposeExit(twentyOne, SurveyResult{std::nullopt, true, false});
  REQUIRE(refused.has_value());
  CHECK(refused->criteria[1].what == "refused_to_fix");
}

TEST_CASE("ledger: complaints with no name and no contact count once each") {
  std::vector<LedgerComplaint> cs;
  for (int i = 0; i < 11; ++i)
    cs.push_back({"A" + std::to_string(i), "co-1", pcs::complainantKey("匿名", ""),
                  cstAt(2025, 8, 1), std::nullopt});
  const CompanyCounts c = pcs::countCompany(cs, "co-1", kEnd);
  CHECK(c.all.distinctComplainants == 11);
  CHECK(c.all.complainants[0].key == pcs::anonymousComplainantKey("A0"));
  CHECK(pcs::proposeKeySupervision(c).has_value());
}

TEST_CASE("ledger: the same person against two companies counts for each") {
  std::vector<LedgerComplaint> cs = {
      complaint("X1", "co-b", "13800138000", cstAt(2025, 8, 1)),
      complaint("X2", "co-a", "+8613800138000", cstAt(2025, 8, 2)),
      complaint("X3", "co-a", "13800138000", cstAt(2025, 8, 3)),
      complaint("X4", "", "13900139000", cstAt(2025, 8, 3)),  // not yet linked to a company
  };
  const auto all = pcs::countAllCompanies(cs, kEnd);
  REQUIRE(all.size() == 2);
  CHECK(all[0].companyId == "co-a");
  CHECK(all[0].all.complaints == 2);
  CHECK(all[0].all.distinctComplainants == 1);
  CHECK(all[1].companyId == "co-b");
  CHECK(all[1].all.distinctComplainants == 1);
}

TEST_CASE("ledger: evidence does not depend on input order") {
  std::vector<LedgerComplaint> cs = distinctComplaints("co-1", 12);
  std::vector<LedgerComplaint> reversed(cs.rbegin(), cs.rend());
  const auto a = pcs::countCompany(cs, "co-1", kEnd).all;
  const auto b = pcs::countCompany(reversed, "co-1", kEnd).all;
  CHECK(a.caseIds == b.caseIds);
  REQUIRE(a.complainants.size() == b.complainants.size());
  for (size_t i = 0; i < a.complainants.size(); ++i)
    CHECK(a.complainants[i].key == b.complainants[i].key);
}

TEST_CASE("ledger: key supervision window is configurable, 0 counts every complaint") {
  std::vector<LedgerComplaint> cs = distinctComplaints("co-1", 6);
  for (int i = 0; i < 5; ++i)
    cs.push_back(complaint("OLD" + std::to_string(i), "co-1", "1370000000" + std::to_string(i),
                           cstAt(2023, 3, 1 + i)));
  CHECK_FALSE(pcs::proposeKeySupervision(pcs::countCompany(cs, "co-1", kEnd)).has_value());

  LedgerThresholds allTime;
  allTime.keySupervisionMonths = 0;
  const auto p = pcs::proposeKeySupervision(pcs::countCompany(cs, "co-1", kEnd, allTime), allTime);
  REQUIRE(p.has_value());
  CHECK(p->count->window.unbounded);
  CHECK(p->explanationZh.find("截至2025-08-30累计") != std::string::npos);
}

TEST_CASE("ledger: evaluateCompany lists every proposal that holds") {
  const std::vector<LedgerComplaint> cs = distinctComplaints("co-1", 21);
  const auto ps =
      pcs::evaluateCompany(cs, "co-1", kEnd, CompanyStanding{}, SurveyResult{0.4, false, false});
  CHECK(hasProposal(ps, LedgerRule::KeySupervision));
  CHECK(hasProposal(ps, LedgerRule::GradeReview));
  CHECK(hasProposal(ps, LedgerRule::Regrade));
  CHECK(hasProposal(ps, LedgerRule::Exit));

  const auto noSurvey = pcs::evaluateCompany(cs, "co-1", kEnd, CompanyStanding{}, std::nullopt);
  CHECK(noSurvey.size() == 2);
  CHECK_FALSE(hasProposal(noSurvey, LedgerRule::Exit));
}

TEST_CASE("ledger: a record at exactly 00:00 on the 1st belongs to that month only") {
  const int64_t midnight = cstAt(2025, 10, 1, 0, 0);
  REQUIRE(midnight == pcs::cstMidnight(Date::fromYmd(2025, 10, 1)));
  std::vector<LedgerComplaint> cs = {complaint("EDGE", "co-1", "13800138000", midnight)};
  const pcs::LedgerWindow october = {Date::fromYmd(2025, 10, 1), Date::fromYmd(2025, 11, 1)};
  const pcs::LedgerWindow september = {Date::fromYmd(2025, 9, 1), Date::fromYmd(2025, 10, 1)};
  CHECK(pcs::countComplainants(cs, "co-1", october, false).distinctComplainants == 1);
  CHECK(pcs::countComplainants(cs, "co-1", september, false).distinctComplainants == 0);
}

TEST_CASE(
    "ledger: evidence names complainants by masked keys only, and masking twice is harmless") {
  std::vector<LedgerComplaint> eleven = distinctComplaints("co-1", 10, 0, std::nullopt);
  eleven.push_back(complaint("C99", "co-1", "13700000000", cstAt(2025, 8, 30, 23, 59, 59)));
  auto p = pcs::proposeKeySupervision(pcs::countCompany(eleven, "co-1", kEnd));
  REQUIRE(p.has_value());
  REQUIRE(p->count->complainants.back().key == "m:13700000000");
  const std::vector<std::string> cases = p->count->caseIds;
  pcs::maskComplainantKeys(*p);
  CHECK(p->count->complainants.back().key == "137****0000");
  for (const pcs::ComplainantCases& c : p->count->complainants) {
    CHECK_MESSAGE(c.key.find(':') == std::string::npos, c.key);
    CHECK_MESSAGE(c.key.find("****") != std::string::npos, c.key);
  }
  CHECK(p->count->caseIds == cases);  // the cases behind the count stay
  const pcs::LedgerProposal once = *p;
  pcs::maskComplainantKeys(*p);
  CHECK(p->count->complainants.back().key == once.count->complainants.back().key);
}
