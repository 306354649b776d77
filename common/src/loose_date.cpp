#include "pcs/loose_date.h"

#include <cmath>
#include <vector>

#include "pcs/date.h"
#include "pcs/utf8.h"

namespace pcs {
namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// The text split into runs of digits and what stands between them (blanks dropped, so
// "2025 - 9" has the separator "-"; "2025 9" has the empty separator).
struct Tokens {
  std::string lead;                // before the first number
  std::vector<std::string> nums;   // digit runs
  std::vector<std::string> after;  // after[i] follows nums[i]
};

Tokens tokenize(std::string_view s) {
  Tokens t;
  std::string* sep = &t.lead;
  for (size_t i = 0; i < s.size();) {
    if (isDigit(s[i])) {
      size_t j = i;
      while (j < s.size() && isDigit(s[j])) ++j;
      t.nums.emplace_back(s.substr(i, j - i));
      t.after.emplace_back();
      sep = &t.after.back();
      i = j;
    } else {
      if (!isBlank(s[i])) *sep += s[i];
      ++i;
    }
  }
  return t;
}

int toInt(const std::string& digits) {
  if (digits.empty() || digits.size() > 9) return -1;
  return std::stoi(digits);
}

LooseTime fail(std::string why) {
  LooseTime r;
  r.error = std::move(why);
  return r;
}

bool isNumericText(std::string_view s) {
  size_t i = 0, digits = 0;
  while (i < s.size() && isDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isDigit(s[i])) ++i, ++digits;
  }
  return digits > 0 && i == s.size();
}

// year, month, day as typed; nullopt when they name no real date.
std::optional<Date> ymd(int y, int m, int d) {
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > Date::daysInMonth(y, m))
    return std::nullopt;
  return Date::fromYmd(y, m, d);
}

}  // namespace

std::string normaliseWidth(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const char32_t cp = utf8::decodeNext(text, i);
    if (cp >= 0xFF01 && cp <= 0xFF5E)
      out += static_cast<char>(cp - 0xFEE0);
    else if (cp == 0x3000)
      out += ' ';
    else
      out.append(text.substr(start, i - start));
  }
  return out;
}

std::string normaliseCell(std::string_view text) {
  std::string s = normaliseWidth(text);
  size_t b = 0, e = s.size();
  while (b < e && isBlank(s[b])) ++b;
  while (e > b && isBlank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::optional<int64_t> excelSerialToCst(double serial) {
  if (!(serial >= 1) || serial >= 2958466) return std::nullopt;  // 2958465 = 9999-12-31
  const double whole = std::floor(serial);
  if (whole == 60) return std::nullopt;  // 1900-02-29, which Lotus and Excel pretend existed
  // 1899-12-31 is day 0 below the phantom day; from serial 61 on, the phantom shifts by one.
  // Day numbers count from 1970-01-01: 1899-12-30 is day -25569.
  const Date base = Date::fromDayNumber(whole < 60 ? -25568 : -25569);
  const int64_t seconds = std::llround((serial - whole) * kSecondsPerDay);
  return cstMidnight(base.addDays(static_cast<int32_t>(whole))) + seconds;
}

LooseTime parseLooseTime(std::string_view raw) {
  const std::string s = normaliseCell(raw);
  if (s.empty()) return fail("投诉时间为空");
  const std::string quoted = "“" + s + "”";

  if (isNumericText(s)) {
    // 8 digits are YYYYMMDD (a serial that large is past the year 9999).
    if (s.size() == 8 && s.find('.') == std::string::npos) {
      auto d = ymd(toInt(s.substr(0, 4)), toInt(s.substr(4, 2)), toInt(s.substr(6, 2)));
      if (!d) return fail("投诉时间" + quoted + "不是有效日期");
      LooseTime r;
      r.at = cstMidnight(*d) + kLooseDefaultHour * 3600;
      r.dateOnly = true;
      return r;
    }
    const double serial = std::strtod(s.c_str(), nullptr);
    if (std::floor(serial) == 60)
      return fail("投诉时间" + quoted + "是 Excel 的 1900-02-29，这一天并不存在");
    auto at = excelSerialToCst(serial);
    if (!at) return fail("投诉时间" + quoted + "不是有效的 Excel 日期序号");
    LooseTime r;
    r.dateOnly = serial == std::floor(serial);
    r.at = *at + (r.dateOnly ? kLooseDefaultHour * 3600 : 0);
    return r;
  }

  const Tokens t = tokenize(s);
  const std::string bad = "投诉时间" + quoted +
                          "无法识别，请写成 2025-09-30、2025/9/30、2025年9月30日 或 "
                          "2025-09-30 14:05 等形式";
  if (!t.lead.empty() || (t.nums.size() != 3 && t.nums.size() != 5 && t.nums.size() != 6))
    return fail(bad);
  // The date: three numbers, the year first with four digits.
  const std::string& s1 = t.after[0];
  const std::string& s2 = t.after[1];
  const bool chinese = s1 == "年" && s2 == "月";
  if (!chinese && !(s1 == s2 && (s1 == "-" || s1 == "/" || s1 == "."))) return fail(bad);
  if (t.nums[0].size() != 4) return fail(bad);
  auto date = ymd(toInt(t.nums[0]), toInt(t.nums[1]), toInt(t.nums[2]));
  if (!date) return fail("投诉时间" + quoted + "不是有效日期");
  const std::string& s3 = t.after[2];
  LooseTime r;
  if (t.nums.size() == 3) {
    if (!(s3.empty() || (chinese && s3 == "日") || (!chinese && s3 == "日"))) return fail(bad);
    r.at = cstMidnight(*date) + kLooseDefaultHour * 3600;
    r.dateOnly = true;
    return r;
  }
  // The time: after a blank, "T" or "日"; hours and minutes, perhaps seconds.
  if (!(s3.empty() || s3 == "T" || s3 == "日")) return fail(bad);
  const std::string& s4 = t.after[3];
  const std::string& s5 = t.after[4];
  const bool colon = s4 == ":";
  if (!colon && s4 != "时" && s4 != "点") return fail(bad);
  int hh = toInt(t.nums[3]), mm = toInt(t.nums[4]), ss = 0;
  if (t.nums.size() == 5) {
    if (!(colon ? s5.empty() : (s5.empty() || s5 == "分"))) return fail(bad);
  } else {
    if (!(colon ? s5 == ":" : s5 == "分")) return fail(bad);
    const std::string& s6 = t.after[5];
    if (!(colon ? s6.empty() : (s6.empty() || s6 == "秒"))) return fail(bad);
    ss = toInt(t.nums[5]);
  }
  if (t.nums[3].size() > 2 || t.nums[4].size() > 2 || (colon && t.nums[4].size() != 2))
    return fail(bad);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59)
    return fail("投诉时间" + quoted + "的时刻不存在");
  r.at = cstMidnight(*date) + hh * 3600 + mm * 60 + ss;
  return r;
}

}  // namespace pcs
