// Company ledger rules (R9-R12).
//
// Sections:
//   1. Windows
//   2. Counting distinct complainants
//   3. Chinese wording of numbers and criteria
//   4. Proposals

#include "pcs/ledger.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "pcs/identity.h"

namespace pcs {

// ---------------------------------------------------------------------------------------------
// 1. Windows
// ---------------------------------------------------------------------------------------------

bool LedgerWindow::contains(int64_t unixSeconds) const {
  if (unixSeconds >= endAt()) return false;
  return unbounded || unixSeconds >= startAt();
}

std::string LedgerWindow::describeZh() const {
  // The end is exclusive; staff read inclusive ranges, so show the last day counted.
  const std::string last = end.addDays(-1).toString();
  if (unbounded) return last + " 及以前";
  return start.toString() + " 至 " + last;
}

LedgerWindow trailingWindow(Date end, int months) {
  LedgerWindow w;
  w.end = end;
  if (months <= 0) {
    w.unbounded = true;
    w.start = end;
  } else {
    w.start = end.addMonths(-months);
  }
  return w;
}

Date windowEndFor(int64_t nowUnix) {
  return cstDate(nowUnix).addDays(1);
}

// ---------------------------------------------------------------------------------------------
// 2. Counting distinct complainants
// ---------------------------------------------------------------------------------------------

namespace {

using ComplaintRefs = std::vector<const LedgerComplaint*>;

// Received order, ties by case id: evidence lists must not depend on how the input was sorted.
void sortReceived(ComplaintRefs& refs) {
  std::sort(refs.begin(), refs.end(), [](const LedgerComplaint* a, const LedgerComplaint* b) {
    if (a->receivedAt != b->receivedAt) return a->receivedAt < b->receivedAt;
    return a->caseId < b->caseId;
  });
}

// `refs` are one company's complaints, already in received order.
ComplainantCount countSorted(const ComplaintRefs& refs, std::string_view companyId,
                             const LedgerWindow& window, bool substantiatedOnly) {
  ComplainantCount out;
  out.companyId = std::string(companyId);
  out.window = window;
  out.substantiatedOnly = substantiatedOnly;

  std::unordered_map<std::string, size_t> indexOfKey;
  for (const LedgerComplaint* c : refs) {
    if (!window.contains(c->receivedAt)) continue;
    if (substantiatedOnly && !c->substantiated.value_or(false)) continue;

    // A complaint with no name and no contact is its own complainant (see identity.h).
    std::string key =
        c->complainantKey.empty() ? anonymousComplainantKey(c->caseId) : c->complainantKey;
    auto [it, inserted] = indexOfKey.try_emplace(key, out.complainants.size());
    if (inserted) out.complainants.push_back({std::move(key), {}});
    out.complainants[it->second].caseIds.push_back(c->caseId);
    out.caseIds.push_back(c->caseId);
    ++out.complaints;
  }
  out.distinctComplainants = static_cast<int>(out.complainants.size());
  return out;
}

CompanyCounts countCompanySorted(const ComplaintRefs& refs, std::string_view companyId, Date end,
                                 const LedgerThresholds& t) {
  CompanyCounts c;
  c.companyId = std::string(companyId);
  c.all = countSorted(refs, companyId, trailingWindow(end, t.keySupervisionMonths), false);
  c.substantiatedHalfYear =
      countSorted(refs, companyId, trailingWindow(end, t.gradeReviewMonths), true);
  c.substantiatedYear = countSorted(refs, companyId, trailingWindow(end, t.exitMonths), true);
  return c;
}

ComplaintRefs refsOf(std::span<const LedgerComplaint> complaints, std::string_view companyId) {
  ComplaintRefs refs;
  for (const LedgerComplaint& c : complaints)
    if (c.companyId == companyId) refs.push_back(&c);
  sortReceived(refs);
  return refs;
}

}  // namespace

ComplainantCount countComplainants(std::span<const LedgerComplaint> complaints,
                                   std::string_view companyId, const LedgerWindow& window,
                                   bool substantiatedOnly) {
  return countSorted(refsOf(complaints, companyId), companyId, window, substantiatedOnly);
}

CompanyCounts countCompany(std::span<const LedgerComplaint> complaints, std::string_view companyId,
                           Date end, const LedgerThresholds& t) {
  return countCompanySorted(refsOf(complaints, companyId), companyId, end, t);
}

std::vector<CompanyCounts> countAllCompanies(std::span<const LedgerComplaint> complaints, Date end,
                                             const LedgerThresholds& t) {
  // One pass to group, so a city's whole ledger is not rescanned once per company. Complaints
  // not yet linked to a company (empty id) belong to no ledger.
  std::map<std::string, ComplaintRefs, std::less<>> byCompany;
  for (const LedgerComplaint& c : complaints)
    if (!c.companyId.empty()) byCompany[c.companyId].push_back(&c);

  std::vector<CompanyCounts> out;
  out.reserve(byCompany.size());
  for (auto& [companyId, refs] : byCompany) {
    sortReceived(refs);
    out.push_back(countCompanySorted(refs, companyId, end, t));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. Chinese wording of numbers and criteria
// ---------------------------------------------------------------------------------------------

const char* ledgerRuleKey(LedgerRule r) {
  switch (r) {
    case LedgerRule::KeySupervision:
      return "key_supervision";
    case LedgerRule::GradeReview:
      return "grade_review";
    case LedgerRule::Regrade:
      return "regrade";
    case LedgerRule::Exit:
      return "exit";
  }
  return "";
}

const char* ledgerRuleZh(LedgerRule r) {
  switch (r) {
    case LedgerRule::KeySupervision:
      return "重点督办";
    case LedgerRule::GradeReview:
      return "等级核查";
    case LedgerRule::Regrade:
      return "重新核定服务等级";
    case LedgerRule::Exit:
      return "启动退出程序";
  }
  return "";
}

namespace {

// "55%" or "55.5%": a share to one decimal, without locale-dependent formatting.
std::string percentZh(double share) {
  const long long tenths = std::llround(share * 1000.0);
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += "." + std::to_string(std::llabs(tenths % 10));
  return out + "%";
}

// "近12个月内（2024-09-01 至 2025-08-31）" or "截至2025-08-31累计".
std::string periodZh(const LedgerWindow& w, int months) {
  if (w.unbounded) return "截至" + w.end.addDays(-1).toString() + "累计";
  return "近" + std::to_string(months) + "个月内（" + w.describeZh() + "）";
}

LedgerCriterion countCriterion(const ComplainantCount& c, int months, int threshold) {
  LedgerCriterion k;
  k.what = c.substantiatedOnly ? "substantiated_distinct" : "distinct_complainants";
  k.value = c.distinctComplainants;
  k.threshold = threshold;
  k.textZh = periodZh(c.window, months) + "有" + std::to_string(c.distinctComplainants) +
             "名不同投诉人" + (c.substantiatedOnly ? "的投诉经查属实" : "投诉") + "（共" +
             std::to_string(c.complaints) + "件，同一投诉人不重复计算），超过" +
             std::to_string(threshold) + "名";
  return k;
}

std::string joinZh(const std::vector<LedgerCriterion>& criteria, const char* separator) {
  std::string out;
  for (size_t i = 0; i < criteria.size(); ++i) {
    if (i > 0) out += separator;
    out += criteria[i].textZh;
  }
  return out;
}

// The survey facts that qualify for regrade (R11) or, with `forExit`, for exit (R12).
std::vector<LedgerCriterion> surveyCriteria(const SurveyResult& s, double satisfactionBelow,
                                            bool forExit) {
  std::vector<LedgerCriterion> out;
  if (s.refusedToFix) out.push_back({"refused_to_fix", 1, 1, "企业对投诉问题拒不整改"});
  if (!forExit && s.fixInadequate) out.push_back({"fix_inadequate", 1, 1, "整改不到位"});
  if (s.satisfaction && *s.satisfaction < satisfactionBelow)
    out.push_back(
        {"satisfaction", *s.satisfaction, satisfactionBelow,
         "客户满意度为" + percentZh(*s.satisfaction) + "，不足" + percentZh(satisfactionBelow)});
  return out;
}

LedgerProposal makeProposal(LedgerRule rule, const char* ruleId, std::string_view companyId) {
  LedgerProposal p;
  p.rule = rule;
  p.ruleId = ruleId;
  p.companyId = std::string(companyId);
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 4. Proposals
// ---------------------------------------------------------------------------------------------

std::optional<LedgerProposal> proposeKeySupervision(const CompanyCounts& c,
                                                    const LedgerThresholds& t) {
  if (c.all.distinctComplainants <= t.keySupervision) return std::nullopt;

  LedgerProposal p = makeProposal(LedgerRule::KeySupervision, "R10", c.companyId);
  p.count = c.all;
  p.criteria.push_back(countCriterion(c.all, t.keySupervisionMonths, t.keySupervision));
  p.explanationZh = "该企业" + p.criteria.front().textZh +
                    "，建议单独建立台账，实施重点督办（投诉举报处理流程一（五））。";
  return p;
}

std::optional<LedgerProposal> proposeGradeReview(const CompanyCounts& c,
                                                 const CompanyStanding& standing,
                                                 const LedgerThresholds& t) {
  LedgerProposal p = makeProposal(LedgerRule::GradeReview, "R11", c.companyId);

  // Any one of the three triggers suffices; each one that holds is listed.
  if (c.substantiatedHalfYear.distinctComplainants > t.gradeReview) {
    p.count = c.substantiatedHalfYear;
    p.criteria.push_back(
        countCriterion(c.substantiatedHalfYear, t.gradeReviewMonths, t.gradeReview));
  }
  if (standing.lowCredit) {
    std::string text = "信用评价等级低";
    if (!standing.creditRating.empty()) text += "（" + standing.creditRating + "）";
    p.criteria.push_back({"low_credit", 1, 1, text});
  }
  if (standing.monthsOnBlackList >= t.longBlackListMonths) {
    p.criteria.push_back({"black_list_months", static_cast<double>(standing.monthsOnBlackList),
                          static_cast<double>(t.longBlackListMonths),
                          "已连续" + std::to_string(standing.monthsOnBlackList) +
                              "个月列入“黑榜”（长期在黑榜按连续" +
                              std::to_string(t.longBlackListMonths) + "个月及以上认定）"});
  }
  if (p.criteria.empty()) return std::nullopt;

  p.explanationZh = "该企业" + joinZh(p.criteria, "；") +
                    "。建议县级住建部门联合街办（乡镇）、社区在规定时限内（T10）完成服务质量和"
                    "客户满意度调查，并在小区显著位置公示（投诉举报处理流程三（三））。";
  return p;
}

std::optional<LedgerProposal> proposeRegrade(std::string_view companyId, const SurveyResult& s,
                                             const LedgerThresholds& t) {
  LedgerProposal p = makeProposal(LedgerRule::Regrade, "R11", companyId);
  p.criteria = surveyCriteria(s, t.regradeSatisfaction, false);
  if (p.criteria.empty()) return std::nullopt;

  p.explanationZh = "等级核查结果：" + joinZh(p.criteria, "；") +
                    "。建议有管辖权的住建部门联合街办（乡镇）、社区在规定时限内（T11）重新核定"
                    "小区物业服务等级，并将降级情况同步推送同级发改、市场监管部门"
                    "（投诉举报处理流程三（三））。";
  return p;
}

std::optional<LedgerProposal> proposeExit(const CompanyCounts& c, const SurveyResult& s,
                                          const LedgerThresholds& t) {
  // Both halves are required: the count alone, or a failed survey alone, is not enough.
  if (c.substantiatedYear.distinctComplainants <= t.exitCount) return std::nullopt;
  std::vector<LedgerCriterion> conduct = surveyCriteria(s, t.exitSatisfaction, true);
  if (conduct.empty()) return std::nullopt;

  LedgerProposal p = makeProposal(LedgerRule::Exit, "R12", c.companyId);
  p.count = c.substantiatedYear;
  p.criteria.push_back(countCriterion(c.substantiatedYear, t.exitMonths, t.exitCount));
  p.explanationZh = "该企业" + p.criteria.front().textZh + "；且" + joinZh(conduct, "；") +
                    "。建议属地住建部门会同街道（乡镇）依法依规启动物业企业退出机制"
                    "（投诉举报处理流程三（四））。";
  for (LedgerCriterion& k : conduct) p.criteria.push_back(std::move(k));
  return p;
}

std::vector<LedgerProposal> evaluateCompany(std::span<const LedgerComplaint> complaints,
                                            std::string_view companyId, Date end,
                                            const CompanyStanding& standing,
                                            const std::optional<SurveyResult>& survey,
                                            const LedgerThresholds& t) {
  const CompanyCounts counts = countCompany(complaints, companyId, end, t);
  std::vector<LedgerProposal> out;
  if (auto p = proposeKeySupervision(counts, t)) out.push_back(std::move(*p));
  if (auto p = proposeGradeReview(counts, standing, t)) out.push_back(std::move(*p));
  if (survey) {
    if (auto p = proposeRegrade(companyId, *survey, t)) out.push_back(std::move(*p));
    if (auto p = proposeExit(counts, *survey, t)) out.push_back(std::move(*p));
  }
  return out;
}

void maskComplainantKeys(LedgerProposal& p) {
  if (!p.count) return;
  for (ComplainantCases& c : p.count->complainants) {
    // complainantKey() and anonymousComplainantKey() keys have a one-letter kind and a colon.
    const bool raw = c.key.size() >= 2 && c.key[1] == ':';
    if (raw) c.key = maskComplainantKey(c.key);
  }
}

}  // namespace pcs
