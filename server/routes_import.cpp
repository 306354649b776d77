// POST /api/v1/cases/import: bulk import of an existing complaint ledger (ledger_import.h).
#include <httplib.h>

#include "auth.h"
#include "ledger_import.h"
#include "routes.h"

namespace pcs::server {

void registerImportRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/cases/import", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const ImportRequest request = parseImportRequest(req.body);
    const ImportReport report = importLedger(app, user, request);
    res.set_content(importReportJson(report), "application/json; charset=utf-8");
  });
}

}  // namespace pcs::server
