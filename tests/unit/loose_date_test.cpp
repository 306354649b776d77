// Receipt times and cells as people type them into a ledger (pcs/loose_date.h).
#include "pcs/loose_date.h"

#include <doctest/doctest.h>

#include "pcs/date.h"

using namespace pcs;

namespace {
int64_t at(const char* text) {
  return *parseCst(text);
}
std::string read(std::string_view text) {
  const LooseTime t = parseLooseTime(text);
  if (!t.at) return "error: " + t.error;
  return formatCst(*t.at) + (t.dateOnly ? " (date only)" : "");
}
}  // namespace

TEST_CASE("loose date: full-width ASCII and the ideographic space become ASCII") {
  CHECK(normaliseWidth("２０２５年９月３０日") == "2025年9月30日");
  CHECK(normaliseWidth("Ａｂ（东湖）\xE3\x80\x80x") == "Ab(东湖) x");
  CHECK(normaliseCell("\xE3\x80\x80 锦绣花园 \r\n") == "锦绣花园");
  CHECK(normaliseWidth("中文，。") == "中文,。");  // U+FF0C is full-width ASCII; 。 is not
}

TEST_CASE("loose date: every written date form reads as Beijing time") {
  CHECK(read("2025-9-30") == "2025-09-30 09:00 (date only)");
  CHECK(read("2025/09/30") == "2025-09-30 09:00 (date only)");
  CHECK(read("2025.9.30") == "2025-09-30 09:00 (date only)");
  CHECK(read("2025年9月30日") == "2025-09-30 09:00 (date only)");
  CHECK(read("2025年9月30") == "2025-09-30 09:00 (date only)");
  CHECK(read("20250930") == "2025-09-30 09:00 (date only)");
  CHECK(read("2025.9.30 14:05") == "2025-09-30 14:05");
  CHECK(parseLooseTime("2025-09-30 14:05:33").at == at("2025-09-30 14:05:33"));
  CHECK(read("2025-09-30T08:15") == "2025-09-30 08:15");
  CHECK(read("2025年9月30日14时5分") == "2025-09-30 14:05");
  CHECK(read("2025年9月30日 14点05分") == "2025-09-30 14:05");
  CHECK(parseLooseTime("2025年9月30日14时5分6秒").at == at("2025-09-30 14:05:06"));
  // Full-width digits and blanks anywhere between the parts.
  CHECK(read("２０２５－０９－３０\xE3\x80\x80１４：０５") == "2025-09-30 14:05");
  CHECK(read(" 2025 - 9 - 30  14 : 05 ") == "2025-09-30 14:05");
}

TEST_CASE("loose date: Excel serial numbers in the 1900 date system") {
  CHECK(read("45930") == "2025-09-30 09:00 (date only)");
  CHECK(read("45930.5") == "2025-09-30 12:00");
  CHECK(read("４５９３０.２５") == "2025-09-30 06:00");
  CHECK(parseLooseTime("45930.58714120370").at == at("2025-09-30 14:05:29"));
  // Around Excel's phantom 1900-02-29: 59 is 02-28, 61 is 03-01, 60 does not exist.
  CHECK(formatCst(*excelSerialToCst(59)) == "1900-02-28 00:00");
  CHECK(formatCst(*excelSerialToCst(61)) == "1900-03-01 00:00");
  CHECK(formatCst(*excelSerialToCst(1)) == "1900-01-01 00:00");
  CHECK_FALSE(excelSerialToCst(60));
  CHECK_FALSE(excelSerialToCst(0));
  CHECK_FALSE(excelSerialToCst(3e6));
  CHECK(read("60") == "error: 投诉时间“60”是 Excel 的 1900-02-29，这一天并不存在");
}

TEST_CASE("loose date: what is not a date says why") {
  CHECK(read("") == "error: 投诉时间为空");
  CHECK(read("2025-13-01") == "error: 投诉时间“2025-13-01”不是有效日期");
  CHECK(read("2025-02-29") == "error: 投诉时间“2025-02-29”不是有效日期");
  CHECK(read("2025-09-30 24:00") == "error: 投诉时间“2025-09-30 24:00”的时刻不存在");
  CHECK(read("昨天下午").rfind("error: 投诉时间“昨天下午”无法识别", 0) == 0);
  CHECK(read("2025-9/30").rfind("error: ", 0) == 0);      // mixed separators
  CHECK(read("25-9-30").rfind("error: ", 0) == 0);        // two-digit year
  CHECK(read("2025-09-30 14").rfind("error: ", 0) == 0);  // an hour without minutes
  CHECK(read("约2025-09-30").rfind("error: ", 0) == 0);
}
