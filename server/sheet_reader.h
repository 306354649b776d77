#pragma once
// Reads an uploaded complaint ledger, .xlsx or .csv, into rows of text cells.
//
// The format is told by the bytes, not the name: a ZIP archive is read as .xlsx (zip_reader.h,
// xml_reader.h), anything else as CSV (csv_reader.h). Every cell is normalised
// (pcs::normaliseCell: full-width ASCII and U+3000 to ASCII, blanks trimmed). Rows keep the
// sheet's own row numbers (1-based, gaps where the sheet has none); cells keep their columns
// (gaps are empty strings). Limits: kMaxSheetRows rows with content, kMaxSheetColumns columns
// (cells further right are ignored), kMaxSharedStrings shared strings. Bad files throw
// pcs::Error(InvalidInput) saying what is wrong.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pcs::server {

inline constexpr size_t kMaxSheetRows = 6000;
inline constexpr size_t kMaxSheetColumns = 100;
inline constexpr size_t kMaxSharedStrings = 200000;
inline constexpr size_t kMaxCellBytes = 32000;

struct SheetRow {
  int64_t number = 0;              // the sheet's own row number
  std::vector<std::string> cells;  // by column, A = 0
};

struct SheetData {
  std::string format;               // "xlsx" or "csv"
  std::string encoding;             // csv: "utf-8", "utf-8-bom" or "gb18030"; xlsx: "utf-8"
  std::vector<std::string> sheets;  // xlsx: the workbook's sheet names in order; csv: empty
  std::string sheet;                // the sheet read
  std::vector<SheetRow> rows;       // rows with at least one non-empty cell, in order
};

// Reads `bytes`; for an xlsx, the sheet called `sheet`, or the first one when it is empty.
SheetData readSheetFile(std::string_view bytes, std::string_view sheet = {});

// Column letters: 0 -> "A", 26 -> "AA"; and back (-1 when `letters` is no column).
std::string columnLetters(size_t index);
int columnIndex(std::string_view letters);

}  // namespace pcs::server
