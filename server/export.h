#pragma once
// The complaint ledger (投诉台账) as a file: one row per case in the columns a county office
// keeps, written as CSV or as an .xlsx workbook. The routes (routes_exports.cpp) choose the
// cases; this file turns them into rows and rows into bytes.
//
// Personal data (R18): the complainant's name and contact are masked unless the exporting user
// may call that complainant back (case_view.h maySeeContact); oversight users always get masked
// rows. writeLedger() reports how many rows carried them in clear, so the caller can record it.
//
// Spreadsheet formulas (CSV/formula injection): a cell that starts with = + - @, a tab or a CR
// is prefixed with an apostrophe in CSV, so a spreadsheet shows it as text instead of running
// it; the .xlsx writer stores every cell as a string, which Excel never evaluates.

#include <SQLiteCpp/Database.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "app.h"
#include "case_store.h"
#include "pcs/workflow.h"

namespace pcs::server {

// The most rows one export may hold. 100,000 cases is more than a county registers in years;
// a larger request is almost certainly a filter left off, and its file would take hundreds of
// megabytes of the server's memory.
inline constexpr int64_t kMaxExportRows = 100000;

// Cases read per CaseStore::list call while exporting (the list's largest page).
inline constexpr int kExportPageSize = 500;

inline constexpr size_t kLedgerColumns = 20;
using LedgerRow = std::array<std::string, kLedgerColumns>;

// 案件编号, 投诉人, 联系方式, ... 销号时间: the header row, in column order.
const LedgerRow& ledgerHeader();

// What to export and for whom.
struct LedgerQuery {
  CaseFilter filter;  // limit and cursor are ignored: every matching case is exported
  Visibility visibility;
  Actor actor;
  int64_t now = 0;
  int64_t maxRows = kMaxExportRows;  // tests lower it
};

struct LedgerSummary {
  int64_t rows = 0;      // cases written (the header not counted)
  int64_t unmasked = 0;  // rows whose complainant name and contact are in clear
};

// Receives the header and then one row per case, in order.
class LedgerSink {
 public:
  virtual ~LedgerSink() = default;
  virtual void row(const LedgerRow& cells) = 0;
};

// Writes the header and the rows of every case the query matches, in the filter's order, from
// one consistent snapshot of the database. Throws pcs::Error(InvalidInput) asking to narrow the
// filter, before writing anything, when more than q.maxRows cases match.
LedgerSummary writeLedger(SQLite::Database& db, const Reference& ref, const LedgerQuery& q,
                          LedgerSink& sink);

// True when a spreadsheet would read the cell as a formula (it starts with = + - @, tab or CR).
bool looksLikeFormula(std::string_view cell);

// One CSV field (RFC 4180): a formula-like cell gets a leading apostrophe; a field holding a
// comma, a double quote, CR or LF is quoted, with its quotes doubled.
std::string csvField(std::string_view cell);

// CSV for Excel on Chinese Windows: UTF-8 with a byte order mark, CRLF after every record.
class CsvLedger : public LedgerSink {
 public:
  CsvLedger();
  void row(const LedgerRow& cells) override;
  const std::string& text() const { return text_; }
  // Hands the text over without copying; the ledger is empty afterwards.
  std::string release() { return std::move(text_); }

 private:
  std::string text_;
};

// An .xlsx workbook with one sheet 投诉台账: bold, frozen header row, column widths for the
// ledger, an autofilter over every row. libxlsxwriter writes files, so the workbook is built in
// `path` (its temporary files go beside it, in the same folder) in constant-memory mode, read
// back by finish(), and the file removed when the object goes away.
class XlsxLedger : public LedgerSink {
 public:
  // Throws pcs::Error(Unavailable) when the file cannot be created.
  explicit XlsxLedger(std::string path);
  ~XlsxLedger() override;
  XlsxLedger(const XlsxLedger&) = delete;
  XlsxLedger& operator=(const XlsxLedger&) = delete;

  void row(const LedgerRow& cells) override;
  // Closes the workbook and returns the file's bytes. Call once, after the last row.
  std::string finish();

 private:
  struct Impl;
  std::string path_;
  Impl* impl_;
};

// Content-Disposition for an export made on `day`: the Chinese name 投诉台账-YYYY-MM-DD.<ext>
// as filename*=UTF-8''..., and cases-YYYY-MM-DD.<ext> as the ASCII fallback. Only the date and
// the fixed extension go into it, never anything the user typed.
std::string exportDisposition(Date day, std::string_view extension);

}  // namespace pcs::server
