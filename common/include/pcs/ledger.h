#pragma once
// Company ledger rules (R9-R12): distinct complainants per company over rolling windows, and
// the proposals they lead to. Nothing here changes a company's status: each rule produces a
// proposal with its evidence, and a person confirms it.
//
//   R10 key supervision (重点督办)  more than 10 distinct complainants      (annex 一(五))
//   R11 grade review (等级核查)      more than 10 substantiated distinct in half a year, or a low
//                                     credit rating, or a long stay on the black list (三(三))
//   R11 regrade (重新核定等级)       after the survey: refusal or failure to fix, or satisfaction
//                                     below 60%                                      (三(三))
//   R12 exit (退出程序)              more than 20 substantiated distinct in one year AND (refusal
//                                     to fix or satisfaction below 50%)              (三(四))
//
// Counting (R9): one complainant per complainantKey() (pcs/identity.h); a complaint whose key
// is "" counts as its own complainant (anonymousComplainantKey(caseId)). All thresholds are
// "more than" (超过): a count equal to the threshold does not fire.
//
// Windows are half-open [start, end) on China Standard Time dates: a complaint received at
// 00:00:00 CST on `start` counts, one a second earlier does not, and `end` is the first day not
// counted. A window of N months ending on `end` starts on end.addMonths(-N), so half a year
// before 2025-08-31 starts on 2025-02-28.
//
// Input is a plain record, independent of the case model, so the server and the client can
// both run the rules on what they hold.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pcs/date.h"

namespace pcs {

struct LedgerComplaint {
  std::string caseId;
  std::string companyId;
  std::string complainantKey;         // from complainantKey(); "" for no name and no contact
  int64_t receivedAt = 0;             // Unix seconds
  std::optional<bool> substantiated;  // unset while handling has not concluded
};

// Every number the rules use, with the notice's defaults. A city may configure its own.
struct LedgerThresholds {
  int keySupervision = 10;  // R10 fires above this many distinct complainants
  // R10's window in months; 0 counts every complaint ever received. The notice gives no window
  // for 一(五). Twelve months is the default because (a) a company must be able to leave the
  // key-supervision ledger once complaints stop, which an all-time count never allows, (b) it
  // matches the longest window the notice does set (R12, one year) and the yearly credit
  // evaluation, and (c) while complaints keep coming, the rolling year keeps it on the ledger.
  int keySupervisionMonths = 12;
  int gradeReview = 10;       // R11 fires above this many substantiated distinct complainants
  int gradeReviewMonths = 6;  // 半年内
  int exitCount = 20;         // R12 fires above this many substantiated distinct complainants
  int exitMonths = 12;        // 一年内
  double regradeSatisfaction = 0.60;  // R11 regrade below this share satisfied (不足60%)
  double exitSatisfaction = 0.50;     // R12 exit below this share satisfied (不足50%)
  // "长期在黑榜": at least this many consecutive monthly black lists. The notice gives no
  // number; three months is a quarter, and the red/black list is updated monthly (R14).
  int longBlackListMonths = 3;
};

// Facts about a company that come from outside the complaint ledger (credit system, R14 list).
struct CompanyStanding {
  std::string creditRating;   // as the credit system names it, shown in the evidence
  bool lowCredit = false;     // the credit system rates it low (信用评价等级低)
  int monthsOnBlackList = 0;  // consecutive monthly black lists up to now
};

// The outcome of the satisfaction and service survey (T10) of a grade review.
struct SurveyResult {
  std::optional<double> satisfaction;  // share satisfied, 0..1; unset when not measured
  bool refusedToFix = false;           // 拒不整改
  bool fixInadequate = false;          // 整改不到位 (R11 only; R12 names refusal alone)
};

struct LedgerWindow {
  Date start;              // first day counted; ignored when `unbounded`
  Date end;                // first day not counted
  bool unbounded = false;  // every complaint before `end`

  int64_t startAt() const { return cstMidnight(start); }
  int64_t endAt() const { return cstMidnight(end); }
  bool contains(int64_t unixSeconds) const;
  std::string describeZh() const;  // "2025-02-28 至 2025-08-30（含）" or "2025-08-30 及以前"
};

// The `months`-month window ending before `end`; months <= 0 gives an unbounded window.
LedgerWindow trailingWindow(Date end, int months);
// The first day not counted when "now" is `nowUnix`: tomorrow in CST, so today counts.
Date windowEndFor(int64_t nowUnix);

// One complainant and the cases that make up their single count.
struct ComplainantCases {
  std::string key;                   // complainantKey, or anonymousComplainantKey(caseId)
  std::vector<std::string> caseIds;  // in order received
};

// How many distinct complainants a company has in a window, and who they are.
struct ComplainantCount {
  std::string companyId;
  LedgerWindow window;
  bool substantiatedOnly = false;
  int complaints = 0;                          // complaints counted (before merging repeats)
  int distinctComplainants = 0;                // == complainants.size()
  std::vector<ComplainantCases> complainants;  // ordered by first complaint received
  std::vector<std::string> caseIds;            // every case counted, in order received
};

// Counts `companyId`'s complaints in `window`; with `substantiatedOnly`, only those whose
// substantiated is set and true. Ties in receivedAt are ordered by case id, so the result does
// not depend on the input order.
ComplainantCount countComplainants(std::span<const LedgerComplaint> complaints,
                                   std::string_view companyId, const LedgerWindow& window,
                                   bool substantiatedOnly);

// The three counts the rules need for one company.
struct CompanyCounts {
  std::string companyId;
  ComplainantCount all;                    // R10: all complaints, keySupervisionMonths
  ComplainantCount substantiatedHalfYear;  // R11: substantiated, gradeReviewMonths
  ComplainantCount substantiatedYear;      // R12: substantiated, exitMonths
};

CompanyCounts countCompany(std::span<const LedgerComplaint> complaints, std::string_view companyId,
                           Date end, const LedgerThresholds& t = {});
// Every company that appears in `complaints`, sorted by company id.
std::vector<CompanyCounts> countAllCompanies(std::span<const LedgerComplaint> complaints, Date end,
                                             const LedgerThresholds& t = {});

enum class LedgerRule { KeySupervision, GradeReview, Regrade, Exit };
const char* ledgerRuleKey(LedgerRule r);  // "key_supervision", "grade_review", "regrade", "exit"
const char* ledgerRuleZh(LedgerRule r);  // 重点督办, 等级核查, 重新核定服务等级, 启动退出程序

// One reason a rule fired, with the numbers behind it.
struct LedgerCriterion {
  std::string what;      // "distinct_complainants", "substantiated_distinct", "low_credit",
                         // "black_list_months", "refused_to_fix", "fix_inadequate",
                         // "satisfaction"
  double value = 0;      // the observed number (count, months, share; 1 for a true flag)
  double threshold = 0;  // the configured threshold it was compared with
  std::string textZh;  // one sentence, e.g. "近12个月内有11名不同投诉人投诉，超过10名"
};

// A proposal a person confirms or dismisses. `count` is the complainant evidence when the rule
// counts complainants (the window, the number, the cases and keys); `criteria` lists every
// condition that held.
struct LedgerProposal {
  LedgerRule rule = LedgerRule::KeySupervision;
  std::string ruleId;  // "R10", "R11", "R12"
  std::string companyId;
  std::optional<ComplainantCount> count;
  std::vector<LedgerCriterion> criteria;
  std::string explanationZh;  // the whole reason in one Chinese paragraph
};

// R10: more than keySupervision distinct complainants in the key-supervision window.
std::optional<LedgerProposal> proposeKeySupervision(const CompanyCounts& c,
                                                    const LedgerThresholds& t = {});
// R11: more than gradeReview substantiated distinct complainants in gradeReviewMonths, or low
// credit, or at least longBlackListMonths consecutive black lists.
std::optional<LedgerProposal> proposeGradeReview(const CompanyCounts& c,
                                                 const CompanyStanding& standing,
                                                 const LedgerThresholds& t = {});
// R11 after the survey: refused to fix, fixed inadequately, or satisfaction below
// regradeSatisfaction.
std::optional<LedgerProposal> proposeRegrade(std::string_view companyId, const SurveyResult& s,
                                             const LedgerThresholds& t = {});
// R12: more than exitCount substantiated distinct complainants in exitMonths AND (refused to
// fix or satisfaction below exitSatisfaction). Without a survey only refusal can qualify.
std::optional<LedgerProposal> proposeExit(const CompanyCounts& c, const SurveyResult& s,
                                          const LedgerThresholds& t = {});

// Evidence names each complainant by complainantKey(), which holds a telephone number, an
// e-mail address or a name (R18). Replaces every key of `p` with maskComplainantKey()'s form
// ("138****8000", "张*", "匿名"), as the proposal is stored and shown; the case ids stay, so
// the count can still be checked case by case. A key already masked is left as it is.
void maskComplainantKeys(LedgerProposal& p);

// Every proposal for one company as of `end` (first day not counted), in the order R10, R11,
// regrade, R12. `survey` is the latest grade-review survey, if there is one.
std::vector<LedgerProposal> evaluateCompany(std::span<const LedgerComplaint> complaints,
                                            std::string_view companyId, Date end,
                                            const CompanyStanding& standing,
                                            const std::optional<SurveyResult>& survey,
                                            const LedgerThresholds& t = {});

}  // namespace pcs
