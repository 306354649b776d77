#pragma once
// From a spreadsheet (sheet_reader.h) to import rows (ledger_import.h): finding the header row,
// proposing which column holds which field, converting cells, and matching estate and company
// names spelt differently from the records.
//
// The header row is the one among the first kHeaderSearchRows rows whose cells name the most
// fields (at least two), so title rows such as "东湖区物业投诉台账（2025年）" above it are passed
// over. A header cell names a field when, normalised (width, blanks, anything in brackets and a
// trailing colon or asterisk removed), it equals one of the field's names, or, being at most 8
// characters, contains one of them (the longest name wins). Every row below the header is data.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger_import.h"
#include "sheet_reader.h"

namespace SQLite {
class Database;
}

namespace pcs::server {

inline constexpr int kHeaderSearchRows = 20;

// The fields a column can be mapped to, in the order shown: JSON key and Chinese label.
struct LedgerField {
  const char* key;
  const char* label;
};
const std::vector<LedgerField>& ledgerFields();

struct SheetLayout {
  int64_t headerRow = 0;               // the sheet's row number; 0 when none was found
  std::vector<std::string> headers;    // by column
  std::map<std::string, int> mapping;  // field key -> column index
};

// The header row and the proposed mapping.
SheetLayout detectLayout(const SheetData& sheet);
// The layout with the header in row `headerRow` (its mapping proposed afresh); throws
// pcs::Error(InvalidInput) when the sheet has no such row.
SheetLayout layoutAt(const SheetData& sheet, int64_t headerRow);

// The field a header cell names, or "".
std::string fieldForHeader(const std::string& header);

// Channel as a ledger writes it (电话, 来电, 12345, 来访, 信箱, 网上 ...), or an API key.
std::optional<std::string> channelKeyFromLabel(const std::string& text);

// The data rows below the header as import rows, each with the sheet's row number. A cell that
// cannot be converted (an unreadable date, an unknown channel, a value too long) is kept as the
// row's readError, reported like any invalid row. `defaultChannel` fills an empty channel.
// `emptyRows` gets the numbers of empty rows between the header and the last data row.
std::vector<ImportRow> convertRows(const SheetData& sheet, const SheetLayout& layout,
                                   const std::string& defaultChannel,
                                   std::vector<int64_t>& emptyRows);

// ---- names ------------------------------------------------------------------------------------

struct NameMatch {
  std::string kind;  // "estate" or "company"
  std::string spelling, id, name;
  std::vector<int64_t> rows;
};
struct NameMerge {
  std::string kind;
  std::vector<std::string> spellings;  // as written in the ledger, first seen first
  std::vector<int64_t> rows;
  std::string existingId, existingName;  // a record they look like, when there is one
  std::string message;
};
struct NameReport {
  std::vector<NameMatch> matched;  // spelt differently from a record, matched by its key
  std::vector<NameMerge> proposedMerges;
};

// Resolves estate and company names that are not exact record names: a spelling whose key
// (pcs::nameKey) is that of exactly one record is set as the row's estate_id / company_id and
// listed in `matched`. Unknown spellings stay as they are (the row then fails as not found);
// those sharing a key or near each other (pcs::namesNear) or near one record are reported as
// proposed merges. Estates are looked for in `countyId` when it is set.
NameReport resolveNames(SQLite::Database& db, const std::string& countyId,
                        std::vector<ImportRow>& rows);

}  // namespace pcs::server
