// Bulk import of complaint ledgers: POST /api/v1/cases/import (rows as JSON, ledger_import.h)
// and the file uploads /api/v1/imports, /imports/{id}, /imports/{id}/run (import_uploads.h).
#include <httplib.h>

#include "auth.h"
#include "import_uploads.h"
#include "ledger_import.h"
#include "pcs/error.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

std::optional<int64_t> headerRowParam(const httplib::Request& req) {
  if (!req.has_param("header_row")) return std::nullopt;
  const std::string v = req.get_param_value("header_row");
  if (v.empty() || v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(v) < 1)
    throw Error(ErrorCode::InvalidInput, "'header_row' must be a row number from 1");
  return std::stoll(v);
}

}  // namespace

void registerImportRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/cases/import", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const ImportRequest request = parseImportRequest(req.body);
    const ImportReport report = importLedger(app, user, request);
    res.set_content(importReportJson(report), kJson);
  });

  // The file is the whole body (any Content-Type); ?name= is its file name.
  http.Post("/api/v1/imports", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    res.status = 201;
    res.set_content(createUpload(app, user, req.get_param_value("name"),
                                 req.get_param_value("sheet"), req.body),
                    kJson);
  });

  http.Get(R"(/api/v1/imports/([A-Za-z0-9-]+))",
           [&](const httplib::Request& req, httplib::Response& res) {
             const CurrentUser user = auth.requireUser(req);
             res.set_content(uploadView(app, user, req.matches[1], req.get_param_value("sheet"),
                                        headerRowParam(req)),
                             kJson);
           });

  http.Post(R"(/api/v1/imports/([A-Za-z0-9-]+)/run)",
            [&](const httplib::Request& req, httplib::Response& res) {
              const CurrentUser user = auth.requireUser(req);
              res.set_content(runUpload(app, user, req.matches[1], req.body), kJson);
            });
}

}  // namespace pcs::server
