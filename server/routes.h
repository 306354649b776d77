#pragma once
// Registration of the API's route groups on the HTTP server. Each group lives in its own
// routes_*.cpp. Handlers throw pcs::Error and Unauthorized (auth.h); the server's exception
// handler turns them into status codes with a JSON {"error": ...} body.

namespace httplib {
class Server;
}

namespace pcs::server {

class App;
class Auth;

// /api/v1/auth/login, logout, me, password; /api/v1/users (administrators).
void registerAuthRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/cases (intake, lists, the case view, actions, contact), /api/v1/board/counts,
// /api/v1/routing/suggest, and the reference lists (estates, companies, units, catalogue).
void registerCaseRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/cases/import (ledger_import.h) and /api/v1/imports (ledger files, import_uploads.h).
void registerImportRoutes(httplib::Server&, App&, Auth&);

// /api/v1/cases/{id}/attachments (upload, list), /api/v1/attachments/{id} (download).
void registerAttachmentRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/exports/cases.csv and cases.xlsx: the ledger or any filtered list.
void registerExportRoutes(httplib::Server& http, App& app, Auth& auth);

// /open311/v2/services.json, requests.json, requests/{id}.json: connected systems, API keys.
void registerOpen311Routes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/admin/...: calendar arrangements, scheduler runs, ledger proposals, API clients.
void registerAdminRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/reports/weekly...: the weekly statistics packages for the discipline commission.
void registerReportRoutes(httplib::Server& http, App& app, Auth& auth);
// /api/v1/joint-meeting/..., /api/v1/meetings, /api/v1/listed-matters, /api/v1/bulletins
// (R15, R16) and /api/v1/oversight/cases (R13, R17).
void registerMeetingRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/surveys (satisfaction surveys, R11) and /api/v1/companies/{id}/staff (surveys.h).
void registerSurveyRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/bulletins: the monthly red/black list and bulletin, drafted, reviewed, published,
// corrected, objected to (R14, publication.h).
void registerPublicationRoutes(httplib::Server& http, App& app, Auth& auth);

// /api/v1/procedures (grade reviews and exit procedures, R11 R12, procedures.h) and
// /api/v1/estates/{id}/grade (an estate's service grade and its history).
void registerProcedureRoutes(httplib::Server& http, App& app, Auth& auth);

// /public/ and /public/bulletins/{id}: published bulletins as HTML, without login.
void registerPublicPages(httplib::Server& http, App& app);

// /api/v1/calendar/{date}, /api/v1/deadline, /api/v1/rules: public, read-only.
void registerCalendarRoutes(httplib::Server& http, App& app);

}  // namespace pcs::server
