// Household keys, staff-register keys, ratings, and the survey results the ledger job reads.
#include "surveys.h"

#include <SQLiteCpp/Statement.h>
#include <sodium.h>

#include <string>

#include "pcs/date.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/utf8.h"
#include "route_util.h"

namespace pcs::server {

namespace {

constexpr size_t kMaxHouseholdBytes = 100;

// 〇 零 一 .. 九 as a digit, or -1.
int chineseDigit(char32_t c) {
  switch (c) {
    case U'〇':
    case U'零':
      return 0;
    case U'一':
      return 1;
    case U'二':
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

bool isChineseNumeral(char32_t c) {
  return chineseDigit(c) >= 0 || c == U'十';
}

// A run of Chinese numerals as a number: "十二" 12, "二十" 20, "二十三" 23, otherwise digit by
// digit ("三〇一" 301).
std::string chineseNumber(const std::u32string& run) {
  const size_t ten = run.find(U'十');
  if (ten == std::u32string::npos) {
    std::string digits;
    for (char32_t c : run) digits += static_cast<char>('0' + chineseDigit(c));
    return digits;
  }
  const int tens = ten == 0 ? 1 : chineseDigit(run[ten - 1]);
  const int ones = ten + 1 < run.size() ? chineseDigit(run[ten + 1]) : 0;
  return std::to_string(tens * 10 + (ones < 0 ? 0 : ones));
}

// Separators between the parts of a household address.
bool isMarker(char32_t c) {
  switch (c) {
    case U'栋':
    case U'幢':
    case U'号':
    case U'座':
    case U'楼':
    case U'单':
    case U'元':
    case U'室':
    case U'户':
    case U'层':
    case U'-':
    case U'－':
    case U'—':
    case U'#':
    case U'＃':
    case U'/':
    case U'、':
    case U'.':
    case U'·':
    case U' ':
    case U'\u3000':
    case U'(':
    case U')':
    case U'（':
    case U'）':
    case U',':
    case U'，':
      return true;
    default:
      return false;
  }
}

std::string stripZeros(const std::string& digits) {
  const size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

bool isControl(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0);
}

// A Chinese character that may name a part of the estate (东区, 南苑, 甲).
bool isHan(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

bool isLetter(char32_t c) {
  return c >= U'A' && c <= U'Z';
}

// Shortest and longest room number: the floor followed by a two-digit room (101 .. 9999).
constexpr size_t kMinRoomDigits = 3;
constexpr size_t kMaxRoomDigits = 4;
// Building letters ("A座", "AB栋"); longer words ("ROOM") are not part of a household.
constexpr size_t kMaxLetters = 2;

const char* const kHouseholdShape = "户号应写明楼栋、单元和房号，例如3栋2单元301或3-2-301";

[[noreturn]] void badHousehold(const std::string& what) {
  bad("'household': " + what + "；" + kHouseholdShape);
}

}  // namespace

std::string normaliseHousehold(std::string_view raw) {
  if (raw.size() > kMaxHouseholdBytes)
    bad("'household' is at most " + std::to_string(kMaxHouseholdBytes) + " bytes");
  std::vector<std::string> tokens;
  std::string digits, text;
  std::u32string numerals;
  auto flush = [&] {
    if (!numerals.empty()) digits += chineseNumber(numerals), numerals.clear();
    if (!digits.empty()) tokens.push_back(stripZeros(digits)), digits.clear();
    if (!text.empty()) tokens.push_back(text), text.clear();
  };
  size_t pos = 0;
  while (pos < raw.size()) {
    char32_t c = utf8::decodeNext(raw, pos);
    if (c >= U'０' && c <= U'９') c = c - U'０' + U'0';  // full-width digits
    if (c >= U'Ａ' && c <= U'Ｚ') c = c - U'Ａ' + U'A';
    if (c >= U'ａ' && c <= U'ｚ') c = c - U'ａ' + U'a';
    if (c >= U'a' && c <= U'z') c = c - U'a' + U'A';
    if (c >= U'0' && c <= U'9') {
      if (!text.empty() || !numerals.empty()) flush();
      digits += static_cast<char>(c);
    } else if (isChineseNumeral(c)) {
      if (!text.empty() || !digits.empty()) flush();
      numerals += c;
    } else if (isMarker(c)) {
      flush();
    } else if (c == utf8::kReplacement) {
      bad("'household' is not valid UTF-8");
    } else if (isControl(c)) {
      bad("'household' 含有控制字符，请删除后重试");
    } else if (isHan(c) || isLetter(c)) {
      if (!digits.empty() || !numerals.empty()) flush();
      utf8::append(text, c);
    } else {
      std::string shown;
      utf8::append(shown, c);
      badHousehold("不能含有“" + shown + "”");
    }
  }
  flush();
  if (tokens.empty()) badHousehold("没有楼栋和房号");
  const std::string& room = tokens.back();
  const bool numeric = room.find_first_not_of("0123456789") == std::string::npos;
  if (!numeric || room.size() < kMinRoomDigits || room.size() > kMaxRoomDigits)
    badHousehold("“" + std::string(raw) + "”没有房号（最后应是楼层加房间号，3至4位数字，如301）");
  for (const std::string& t : tokens) {
    size_t letters = 0;
    for (char ch : t) letters += ch >= 'A' && ch <= 'Z';
    if (letters > kMaxLetters) badHousehold("“" + t + "”不是楼栋或单元的编号");
  }
  std::string key;
  for (const std::string& t : tokens) key += (key.empty() ? "" : "-") + t;
  return key;
}

std::string staffContactKey(std::string_view contact) {
  std::string key = normaliseContact(contact).key;
  size_t digits = 0;
  for (char c : key) digits += c >= '0' && c <= '9';
  return digits >= kMinStaffContactDigits ? key : "";
}

void refuseControlCharacters(std::string_view text, const char* field) {
  for (size_t pos = 0; pos < text.size();)
    if (isControl(utf8::decodeNext(text, pos)))
      bad("'" + std::string(field) + "' 含有控制字符，请删除后重试");
}

std::string staffIdNumberKey(std::string_view idNumber) {
  std::string id;
  for (char c : idNumber) {
    if (c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    id += c;
  }
  if (id.empty()) return "";
  const bool shape = (id.size() == 18 || id.size() == 15) &&
                     id.find_first_not_of("0123456789X") == std::string::npos &&
                     id.find('X') >= id.size() - 1;
  if (!shape) bad("身份证号码应为15或18位（最后一位可为X）");
  return "id:" + id;
}

std::string staffRegisterHash(std::string_view key) {
  const std::string salted = "pcs-company-staff:" + std::string(key);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(salted.data()), salted.size());
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

const char* surveyRatingKey(SurveyRating r) {
  switch (r) {
    case SurveyRating::Satisfied:
      return "satisfied";
    case SurveyRating::Basic:
      return "basic";
    case SurveyRating::Dissatisfied:
      return "dissatisfied";
  }
  return "";
}

const char* surveyRatingZh(SurveyRating r) {
  switch (r) {
    case SurveyRating::Satisfied:
      return "满意";
    case SurveyRating::Basic:
      return "基本满意";
    case SurveyRating::Dissatisfied:
      return "不满意";
  }
  return "";
}

std::optional<SurveyRating> surveyRatingFromKey(std::string_view key) {
  for (SurveyRating r : {SurveyRating::Satisfied, SurveyRating::Basic, SurveyRating::Dissatisfied})
    if (key == surveyRatingKey(r)) return r;
  return std::nullopt;
}

std::optional<SurveyResult> latestSurveyResult(SQLite::Database& db, const std::string& companyId,
                                               int64_t before, int months) {
  const int64_t since = cstMidnight(cstDate(before).addMonths(-months));
  SQLite::Statement st(db,
                       "SELECT satisfaction, refused_to_fix, fix_inadequate FROM surveys "
                       "WHERE company_id = ? AND state = 'closed' AND closed_at >= ? "
                       "AND closed_at < ? ORDER BY closed_at DESC, id DESC LIMIT 1");
  st.bind(1, companyId);
  st.bind(2, since);
  st.bind(3, before);
  if (!st.executeStep()) return std::nullopt;
  SurveyResult r;
  if (!st.getColumn(0).isNull()) r.satisfaction = st.getColumn(0).getDouble();
  r.refusedToFix = st.getColumn(1).getInt() != 0;
  r.fixInadequate = st.getColumn(2).getInt() != 0;
  return r;
}

std::vector<std::string> companiesWithClosedSurveys(SQLite::Database& db, int64_t since,
                                                    int64_t before) {
  SQLite::Statement st(db,
                       "SELECT DISTINCT company_id FROM surveys WHERE state = 'closed' "
                       "AND closed_at >= ? AND closed_at < ? ORDER BY company_id");
  st.bind(1, since);
  st.bind(2, before);
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

}  // namespace pcs::server
