#pragma once
// Satisfaction and service surveys of an estate's residents (R11, T10).
//
// A survey belongs to one estate and one period, a month "2026-03" from the 12 months before the
// current one up to the current one; the estate's managing company and county are copied when
// it is opened, so a later change of company does not move old results. Rules:
//   - one counted response per household: the household is normalised (normaliseHousehold), so
//     "3栋2单元301" and "3幢2单元301室" are one household and the second is refused (409);
//   - the company's own staff may not answer: a respondent whose contact or identity number is
//     in the company's staff register, or who declares the company as employer, is refused
//     (403) and the refusal is recorded (status "refused"), counting for nothing; the household
//     may then not answer again in that survey (409), so the check is not passed by retrying;
//   - ratings are 满意 (satisfied), 基本满意 (basic), 不满意 (dissatisfied); the satisfaction
//     rate is (satisfied + basic) / counted responses, the usual 满意率 of property surveys;
//   - closing stores the counts, the rate and whether the company refused to fix or fixed
//     inadequately; the daily ledger job then reads the company's latest closed survey
//     (latestSurveyResult) for the regrade and exit rules of pcs/ledger.h.
//
// Who may do what (checked by the routes, surveyAccess):
//   open, close                  the property authority (city, or the estate's county) with
//                                the unit_head or dispatcher role; administrators
//   staff register               the same roles of the city's authority, or of a county in
//                                which the company manages an estate; administrators
//   record responses             the above, and every non-oversight user of the estate's street
//                                office or community
//   read                         all of the above, and oversight users

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pcs/ledger.h"

namespace pcs::server {

// The household key: digit groups (full-width and Chinese numerals read as digits, leading
// zeros dropped) and other text kept as tokens in order, with the markers 栋 幢 号楼 号 座 楼
// 单元 室 户 and punctuation as separators, joined by "-". "3栋2单元301", "3幢2单元301室",
// "3号楼2单元301" and "3-2-301" all give "3-2-301"; "东区3栋101" gives "东区-3-101".
// A household must end in its room number, the floor followed by a two-digit room (3 or 4
// digits: 101 .. 9999); text parts are Chinese characters or building letters (at most 2, as
// in "A座"). Throws pcs::Error(InvalidInput) saying what a household looks like when there is
// no room number ("abc", "Room 1"), a word ("ROOM-101"), a control or other character
// ("3-2-301!"), or the text is longer than 100 bytes.
std::string normaliseHousehold(std::string_view raw);

// The key under which a person is looked up in a staff register: a contact's normalised key
// (pcs/identity.h) or "id:" + an identity number (15 or 18 characters, upper case). "" when the
// text says nothing usable, and for a contact whose key has fewer than
// kMinStaffContactDigits digits (not a telephone number: "abc", "12345"). Throws InvalidInput
// for an identity number of the wrong shape.
inline constexpr size_t kMinStaffContactDigits = 7;
std::string staffContactKey(std::string_view contact);
std::string staffIdNumberKey(std::string_view idNumber);
// Throws InvalidInput naming `field` when `text` holds a control character (C0 including tab
// and line breaks, DEL, C1).
void refuseControlCharacters(std::string_view text, const char* field);
// What the register stores: the hex SHA-256 of the key, never the number itself.
std::string staffRegisterHash(std::string_view key);

enum class SurveyRating { Satisfied, Basic, Dissatisfied };
const char* surveyRatingKey(SurveyRating r);  // "satisfied", "basic", "dissatisfied"
const char* surveyRatingZh(SurveyRating r);   // 满意, 基本满意, 不满意
std::optional<SurveyRating> surveyRatingFromKey(std::string_view key);

// The company's latest closed survey (by closing time) up to `before`, within `months` months
// before it, as the ledger rules take it; nullopt when there is none.
std::optional<SurveyResult> latestSurveyResult(SQLite::Database& db, const std::string& companyId,
                                               int64_t before, int months);
// Companies with a closed survey in that period (so the ledger job also evaluates a company
// that has had no complaint in its windows).
std::vector<std::string> companiesWithClosedSurveys(SQLite::Database& db, int64_t since,
                                                    int64_t before);

}  // namespace pcs::server
