#pragma once
// Bulk import of an existing complaint ledger (R2): many intake rows in one request.
//
// Every row is validated exactly as intake validates one complaint (pcs::registerCase on a copy)
// and is either imported or reported with its row number and the reason. A row's identity is
// "<source>:<external_ref>" when it carries an external reference, otherwise "import:" + a keyed
// hash (BLAKE2b, the installation's key) of its normalised receipt time, complainant key and
// content; it is stored in Case::externalRef, so importing the same rows again creates no
// duplicates (they are skipped). Every valid row is stored in one write transaction: an exception
// part-way leaves the database as it was. With allOrNothing, one invalid row stores nothing at all.

#include <SQLiteCpp/Database.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth.h"

namespace pcs::server {

class App;

// Most rows one request may carry; a longer ledger is sent in several requests (re-sending a
// part is harmless, its rows are skipped). The body is also bounded by kMaxJsonBody (1 MiB).
inline constexpr size_t kMaxImportRows = 5000;
// Largest import body: 5,000 rows of a few hundred bytes each, well inside the 16 MiB payload
// limit of the server.
inline constexpr size_t kMaxImportBodyBytes = 8u << 20;
inline constexpr size_t kMaxImportSourceBytes = 200;

// One row as sent; empty strings are absent fields.
struct ImportRow {
  int64_t row = 0;  // the row number in the source sheet, echoed in the report
  std::string receivedAt, channel, complainantName, complainantContact, content, location;
  std::string estateId, estateName, companyId, companyName, countyId, externalRef, state;
  std::string readError;  // set when the row's JSON could not be read (wrong type, too long)
};

struct ImportRequest {
  std::string source;  // the ledger's name, e.g. the spreadsheet file
  bool dryRun = false;
  bool allOrNothing = false;
  std::vector<ImportRow> rows;
};

struct ImportRowError {
  int64_t row = 0;
  std::string error;
};
struct ImportSkip {
  int64_t row = 0;
  std::string caseId;  // the case the row was already imported as; empty in a dry run
  std::string reason;
  int64_t sameAsRow = 0;  // a repeat of this earlier row of the same request
};
struct ImportedCase {
  int64_t row = 0;
  std::string id;
};

struct ImportReport {
  int64_t imported = 0;  // rows stored now
  int64_t valid = 0;     // rows that passed validation and are new (imported unless not stored)
  bool stored = false;   // false for a dry run and for an all-or-nothing import with errors
  bool dryRun = false;
  std::vector<ImportRowError> errors;
  std::vector<ImportSkip> skipped;
  std::vector<ImportedCase> cases;
};

// Test hook: throw before the N-th insert (1-based; 0 = never), to prove an interrupted import
// rolls back. Not reachable through HTTP.
struct ImportHooks {
  int failAtInsert = 0;
};

// Reads the request body. Throws pcs::Error(InvalidInput) when the body itself is malformed:
// not JSON, no source, no rows, more than kMaxImportRows rows. A row that cannot be read is
// kept with its readError and reported like any other invalid row.
ImportRequest parseImportRequest(std::string_view body);

// "import:" + the hex keyed BLAKE2b hash (the installation's key) of the normalised receipt
// time, complainant key and content.
std::string importIdentity(std::string_view key, int64_t receivedAt,
                           std::string_view complainantKey, std::string_view content);
// The installation's key for importIdentity (settings 'import_identity_key', migration 6).
std::string importIdentityKey(SQLite::Database& db);

// Throws pcs::Error(Forbidden) unless `user` may import (an intake clerk or dispatcher of a city
// or county property authority); returns the county whose estates the user's names mean ("" for
// the city's authority: the whole city).
std::string requireImporter(App& app, const CurrentUser& user);

// Validates and (unless a dry run) stores the rows for `user`, who must be an intake clerk or
// dispatcher of a property authority (pcs::Error(Forbidden) otherwise). Writes one "case.import"
// audit entry plus a "case.register" entry per case, in the same transaction.
ImportReport importLedger(App& app, const CurrentUser& user, const ImportRequest& request,
                          const ImportHooks& hooks = {});

// The report as the API answers it (docs/api.md).
std::string importReportJson(const ImportReport& report);

}  // namespace pcs::server
