#pragma once
// Dates and text as people type them into a hand-kept ledger (spreadsheet import).
//
// Cells are first normalised: full-width ASCII (U+FF01-U+FF5E) becomes its ASCII twin and the
// ideographic space U+3000 an ASCII space, so "２０２５年９月３０日" reads like "2025年9月30日".
// A receipt time is then read in any of these forms (Beijing time), blanks allowed anywhere
// between the parts:
//   2025-9-30, 2025/09/30, 2025.9.30, 2025年9月30日, 20250930           (a date only)
//   any of those followed by H:MM or H:MM:SS (or 14时05分, 14点05分), with a blank, "T" or "日"
//   between the date and the time: 2025.9.30 14:05, 2025-09-30 14:05:33, 2025年9月30日14时5分
//   an Excel serial number in the 1900 date system, as a number or numeric text: 45930 is
//   2025-09-30, 45930.5 is 12:00 that day. Serial 60 is Excel's non-existent 1900-02-29 and is
//   refused; serials above it are counted from 1899-12-30, those below from 1899-12-31.
// A value that names a date but no time of day (including a whole serial number) is taken as
// kLooseDefaultHour:00 that day, the start of office hours.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pcs {

inline constexpr int kLooseDefaultHour = 9;

// Full-width ASCII and U+3000 replaced by ASCII; every other byte kept as it is.
std::string normaliseWidth(std::string_view text);

// normaliseWidth, then blanks (space, tab, CR, LF) removed at either end.
std::string normaliseCell(std::string_view text);

struct LooseTime {
  std::optional<int64_t> at;  // Unix seconds; empty when the text could not be read
  bool dateOnly = false;      // the time of day is kLooseDefaultHour:00, not typed
  std::string error;          // why not, in Chinese, for a clerk
};

// Reads a receipt time in one of the forms above.
LooseTime parseLooseTime(std::string_view text);

// The instant an Excel 1900-system serial number names (fraction = time of day, rounded to the
// second); nullopt for serial 60, non-positive or past 9999-12-31 serials.
std::optional<int64_t> excelSerialToCst(double serial);

}  // namespace pcs
