#pragma once
// The monthly red/black list and bulletin of a county (R14, T15): the system drafts them from
// the month's data, a property-authority head reviews (every edit with a reason) and publishes,
// and a published issue never changes again. A correction is a new issue that names the one it
// corrects; objections from companies are recorded against an entry with their outcome.
//
// The month's figures per company (monthFigures), all for estates in the county:
//   complaints      cases received in the month ([1st 00:00 CST, next 1st), R5 windows)
//   complainants    their distinct complainants (R9, pcs/ledger.h)
//   substantiated   distinct complainants of those cases found substantiated (属实)
//   closed          cases closed (销号) in the month
//   overdue         cases still open when drafted whose next deadline fell before the month's
//                   end (逾期未办结: a rectification not done in time)
//   satisfaction    pooled over the company's surveys of estates in the county closed in the
//                   12 months up to the month's end: (满意 + 基本满意) / counted responses
//
// Drafting (draftLists), with PublicationThresholds:
//   red list (红榜, praise)      no substantiated complaint, nothing overdue, at most
//                                redMaxComplainants complainants, and a measured satisfaction
//                                of at least redSatisfaction;
//   black list (黑榜, criticism) more than blackSubstantiated substantiated complainants, or
//                                more than blackOverdue overdue cases, or a measured
//                                satisfaction below blackSatisfaction.
// The two are disjoint. Every entry stores its figures and thresholds as evidence.
//
// Companies considered: those managing an estate in the county, and those with a case in the
// county in the month.

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pcs/date.h"

namespace pcs::server {

struct PublicationThresholds {
  double redSatisfaction = 0.90;    // red: at least 90% satisfied
  int redMaxComplainants = 2;       // red: rarely complained about (至多2名投诉人)
  int blackSubstantiated = 2;       // black: more than 2 substantiated complainants in the month
  int blackOverdue = 0;             // black: any case overdue
  double blackSatisfaction = 0.60;  // black: below 60% (the notice's regrade line, R11)
  int surveyMonths = 12;            // surveys counted: closed in the 12 months up to month end
};

// The cases (and surveys) behind each figure of CompanyMonth, so every figure of an issue
// drills down to what it counts. Case ids in the order received (complaints, substantiated) or
// by id (closed, overdue); survey ids ascending.
struct FigureCases {
  std::vector<std::string> complaints;     // behind complaints and complainants
  std::vector<std::string> substantiated;  // the substantiated complaints behind substantiated
  std::vector<std::string> closed;
  std::vector<std::string> overdue;
  std::vector<int64_t> surveys;  // behind satisfaction and survey_responses
};

struct CompanyMonth {
  std::string companyId, companyName;
  int complaints = 0;
  int complainants = 0;
  int substantiated = 0;
  int closed = 0;
  int overdue = 0;
  int surveyResponses = 0;  // counted responses behind `satisfaction`
  std::optional<double> satisfaction;
  FigureCases cases;
};

enum class ListKind { Red, Black };
const char* listKindKey(ListKind k);  // "red", "black"
const char* listKindZh(ListKind k);   // 红榜, 黑榜

struct DraftEntry {
  ListKind list = ListKind::Red;
  CompanyMonth figures;
  std::string reasonsZh;  // every criterion that held, one sentence
};

// The first day of `month` ("YYYY-MM"); nullopt for anything else.
std::optional<Date> parseMonth(const std::string& month);

// The figures of every company considered for `countyId` in the month starting `first`.
// Sorted by company id.
std::vector<CompanyMonth> monthFigures(SQLite::Database& db, const std::string& countyId,
                                       Date first, const PublicationThresholds& t = {});

// The red and black entries, red first; red by satisfaction (highest first), black by
// substantiated, then overdue (most first); ties by company id.
std::vector<DraftEntry> draftLists(const std::vector<CompanyMonth>& figures,
                                   const PublicationThresholds& t = {});

// The entry's evidence as stored: {"complaints":..,"complainants":..,"substantiated":..,
// "closed":..,"overdue":..,"satisfaction":0.95|null,"survey_responses":..,"thresholds":{..}}.
std::string evidenceJson(const CompanyMonth& m, const PublicationThresholds& t);

// "93.3%", or "未测评" without a measurement.
std::string percentZh(const std::optional<double>& share);

}  // namespace pcs::server
