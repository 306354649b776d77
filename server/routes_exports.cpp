// Exports of the ledger and filtered lists as .xlsx and CSV: GET /api/v1/exports/cases.csv and
// /api/v1/exports/cases.xlsx, under the filters and visibility of GET /api/v1/cases. The rows
// come from export.h; this file checks the user, records personal data leaving in clear (R18)
// and sets the download headers.
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <random>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "case_filter_query.h"
#include "export.h"
#include "pcs/error.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kCsvType = "text/csv; charset=utf-8";
constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

enum class Format { Csv, Xlsx };

LedgerQuery queryFor(App& app, const CurrentUser& user, const httplib::Request& req) {
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  LedgerQuery q;
  q.filter = parseCaseFilterQuery(req);
  q.visibility = visibilityFor(*unit, ref->org);
  q.actor = user.actor();
  q.now = app.now();
  return q;
}

// A name no other export uses, in the data folder (the server's own disk, not a shared /tmp).
std::string temporaryXlsxPath(const App& app) {
  static std::atomic<uint64_t> counter{0};
  std::random_device random;
  const uint64_t tag = (uint64_t{random()} << 32) ^ random() ^ ++counter;
  char name[40];
  std::snprintf(name, sizeof name, "export-%016llx.xlsx", static_cast<unsigned long long>(tag));
  return (std::filesystem::path(app.options().dataDir) / name).string();
}

void exportCases(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res,
                 Format format) {
  const CurrentUser user = auth.requireUser(req);
  const LedgerQuery q = queryFor(app, user, req);
  auto ref = app.reference();
  const char* extension = format == Format::Csv ? "csv" : "xlsx";

  // Build the whole file first: a refusal (too many rows) must still be a clean 400.
  std::string body;
  LedgerSummary summary;
  if (format == Format::Csv) {
    CsvLedger csv;
    summary = writeLedger(app.db().reader(), *ref, q, csv);
    body = csv.release();
  } else {
    XlsxLedger xlsx(temporaryXlsxPath(app));
    summary = writeLedger(app.db().reader(), *ref, q, xlsx);
    body = xlsx.finish();
  }

  // Personal data in clear leaves the system only on record (R18), written before it is sent.
  if (summary.unmasked > 0) {
    app.db().write([&](SQLite::Database& tx) {
      appendAudit(tx, {app.now(), user.id, user.unitId, "pii.export",
                       std::string("export:cases.") + extension,
                       std::string("导出投诉台账（") + (format == Format::Csv ? "CSV" : "Excel") +
                           "）共" + std::to_string(summary.rows) + "件，其中" +
                           std::to_string(summary.unmasked) + "件含投诉人姓名和联系方式明文"});
    });
  }

  res.set_header("Content-Disposition", exportDisposition(cstDate(q.now), extension));
  // The file may hold personal data: no shared or browser cache keeps a copy.
  res.set_header("Cache-Control", "no-store");
  // Moved, not copied as set_content would: an export can be tens of megabytes.
  res.body = std::move(body);
  res.set_header("Content-Type", format == Format::Csv ? kCsvType : kXlsxType);
}

}  // namespace

void registerExportRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Get("/api/v1/exports/cases.csv", [&](const httplib::Request& req, httplib::Response& res) {
    exportCases(app, auth, req, res, Format::Csv);
  });
  http.Get("/api/v1/exports/cases.xlsx", [&](const httplib::Request& req, httplib::Response& res) {
    exportCases(app, auth, req, res, Format::Xlsx);
  });
}

}  // namespace pcs::server
