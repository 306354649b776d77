// Weekly statistics packages for the discipline commission (R13, T14; reports.h):
//   GET  /api/v1/reports/weekly                      issued versions
//   GET  /api/v1/reports/weekly/{week}[.xlsx|.html]  one version, as JSON, workbook or print page
//   GET  /api/v1/reports/weekly/{week}/preview       computed now, not stored
//   POST /api/v1/reports/weekly/{week}/issue         issue, or re-issue as a correction
// Readers: discipline commissions (city: every scope; county: its county), city-level reviewers
// and unit heads, administrators. Issuers: discipline commissions and administrators. Every
// read is recorded in the audit log, as oversight reads are.
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <filesystem>
#include <random>

#include "audit.h"
#include "auth.h"
#include "json_body.h"
#include "pcs/error.h"
#include "reports.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr int kMaxListed = 500;

// What a user may do with packages.
struct Access {
  bool allScopes = false;  // the city and every county
  std::string countyId;    // otherwise only this county's packages
  bool mayIssue = false;
};

Access accessOf(App& app, const CurrentUser& user) {
  auto ref = app.reference();
  const OrgUnit* unit = ref->org.find(user.unitId);
  if (!unit || !unit->active) throw Error(ErrorCode::Forbidden, "your unit no longer exists");
  Access a;
  if (user.has(Role::Admin)) {
    a.allScopes = a.mayIssue = true;
  } else if (unit->kind == UnitKind::Oversight) {
    a.mayIssue = true;
    if (unit->level == OrgLevel::City) {
      a.allScopes = true;
    } else if (const OrgUnit* county = ref->org.ancestorAt(unit->id, OrgLevel::County)) {
      a.countyId = county->id;
    }
  } else if (unit->level == OrgLevel::City &&
             (user.has(Role::Reviewer) || user.has(Role::UnitHead))) {
    a.allScopes = true;
  }
  if (!a.allScopes && a.countyId.empty())
    throw Error(ErrorCode::Forbidden,
                "weekly statistics are for the discipline commission, city-level reviewers and "
                "heads, and administrators");
  return a;
}

// The scope asked for (default: the city, or the user's county), checked against the access.
std::string scopeOf(const httplib::Request& req, const Access& a, const OrgTree& org) {
  std::string scope = req.has_param("scope") ? req.get_param_value("scope") : "";
  if (scope.size() > 100) bad("'scope' is longer than 100 bytes");
  if (scope.empty()) scope = a.allScopes ? kCityScope : a.countyId;
  checkReportScope(scope, org);
  if (!a.allScopes && scope != a.countyId)
    throw Error(ErrorCode::Forbidden, "a county's discipline commission sees its own county only");
  return scope;
}

int versionOf(const httplib::Request& req) {
  if (!req.has_param("version")) return 0;
  const std::string v = req.get_param_value("version");
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(v) < 1)
    bad("'version' must be a positive whole number, got '" + v + "'");
  return std::stoi(v);
}

std::string metaJson(const PackageMeta& m) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("week");
  w.String(m.week.c_str());
  w.Key("scope");
  w.String(m.scope.c_str());
  w.Key("version");
  w.Int(m.version);
  w.Key("issued_at");
  w.String(formatCst(m.issuedAt).c_str());
  w.Key("issued_by");
  w.String(m.issuedBy.c_str());
  w.Key("issued_by_unit");
  w.String(m.issuedByUnit.c_str());
  w.Key("reason");
  w.String(m.reason.c_str());
  w.EndObject();
  return buf.GetString();
}

void recordRead(App& app, const CurrentUser& user, const std::string& subject,
                const std::string& detail) {
  app.db().write([&](SQLite::Database& tx) {
    appendAudit(tx, {app.now(), user.id, user.unitId, "report.view", subject, detail});
  });
}

std::string temporaryPath(const App& app) {
  static std::atomic<uint64_t> counter{0};
  std::random_device random;
  const uint64_t tag = (uint64_t{random()} << 32) ^ random() ^ ++counter;
  char name[48];
  std::snprintf(name, sizeof name, "report-%016llx.xlsx", static_cast<unsigned long long>(tag));
  return (std::filesystem::path(app.options().dataDir) / name).string();
}

std::string dispositionFor(const PackageMeta& m, const char* extension) {
  const std::string name =
      "weekly-" + m.scope + "-" + m.week + "-v" + std::to_string(m.version) + "." + extension;
  return "attachment; filename=\"" + name + "\"";
}

void getPackage(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireUser(req);
  const Access access = accessOf(app, user);
  std::string week = req.matches[1];
  enum class Form { Json, Xlsx, Html } form = Form::Json;
  for (const auto& [suffix, f] : {std::pair{".xlsx", Form::Xlsx}, std::pair{".html", Form::Html}})
    if (week.size() > 5 && week.compare(week.size() - 5, 5, suffix) == 0) {
      form = f;
      week.resize(week.size() - 5);
    }
  const Date monday = parseReportWeek(week, app.now());
  const std::string scope = scopeOf(req, access, app.reference()->org);
  const int version = versionOf(req);

  const auto p = loadPackage(app.db().reader(), monday.toString(), scope, version);
  if (!p)
    throw Error(ErrorCode::NotFound, "no weekly package for " + monday.toString() + " (" + scope +
                                         ")" +
                                         (version ? " version " + std::to_string(version) : ""));
  const char* formName = form == Form::Json ? "JSON" : form == Form::Xlsx ? "Excel" : "打印页";
  recordRead(app, user, "report:" + p->meta.week + ":" + scope,
             "查看周报（" + p->meta.week + "，" + scope + "）第" + std::to_string(p->meta.version) +
                 "版（" + formName + "）");

  res.set_header("Cache-Control", "no-store");
  switch (form) {
    case Form::Json:
      res.set_content("{\"package\":" + metaJson(p->meta) + ",\"report\":" + p->data + "}", kJson);
      break;
    case Form::Html:
      res.set_content(weeklyPackageHtml(*p), kHtml);
      break;
    case Form::Xlsx:
      res.set_header("Content-Disposition", dispositionFor(p->meta, "xlsx"));
      res.body = weeklyPackageXlsx(*p, temporaryPath(app));
      res.set_header("Content-Type", kXlsxType);
      break;
  }
}

}  // namespace

void registerReportRoutes(httplib::Server& http, App& app, Auth& auth) {
  http.Get("/api/v1/reports/weekly", [&](const httplib::Request& req, httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const Access access = accessOf(app, user);
    std::string scope;
    if (req.has_param("scope") || !access.allScopes)
      scope = scopeOf(req, access, app.reference()->org);
    int limit = 100;
    if (req.has_param("limit")) {
      const std::string l = req.get_param_value("limit");
      if (l.empty() || l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(l) < 1 || std::stoi(l) > kMaxListed)
        bad("'limit' must be 1 to 500");
      limit = std::stoi(l);
    }
    std::string body = "{\"packages\":[";
    bool first = true;
    for (const PackageMeta& m : listPackages(app.db().reader(), scope, limit)) {
      body += (first ? "" : ",") + metaJson(m);
      first = false;
    }
    body += "]}";
    res.set_content(body, kJson);
  });

  http.Get(R"(/api/v1/reports/weekly/([^/]+))",
           [&](const httplib::Request& req, httplib::Response& res) {
             getPackage(app, auth, req, res);
           });

  http.Get(R"(/api/v1/reports/weekly/([^/]+)/preview)", [&](const httplib::Request& req,
                                                            httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const Access access = accessOf(app, user);
    const Date monday = parseReportWeek(req.matches[1], app.now());
    auto ref = app.reference();
    const std::string scope = scopeOf(req, access, ref->org);
    const std::string data = computeWeeklyReport(app.db().reader(), *ref, monday, scope, app.now());
    recordRead(app, user, "report:" + monday.toString() + ":" + scope,
               "预览周报（" + monday.toString() + "，" + scope + "）");
    res.set_header("Cache-Control", "no-store");
    res.set_content("{\"package\":null,\"report\":" + data + "}", kJson);
  });

  http.Post(R"(/api/v1/reports/weekly/([^/]+)/issue)", [&](const httplib::Request& req,
                                                           httplib::Response& res) {
    const CurrentUser user = auth.requireUser(req);
    const Access access = accessOf(app, user);
    if (!access.mayIssue)
      throw Error(ErrorCode::Forbidden,
                  "only the discipline commission or an administrator issues weekly "
                  "packages");
    const JsonBody body(req.body);
    const Date monday = parseReportWeek(req.matches[1], app.now());
    std::string scope = body.optString("scope", 100).value_or("");
    if (scope.empty()) scope = access.allScopes ? kCityScope : access.countyId;
    checkReportScope(scope, app.reference()->org);
    if (!access.allScopes && scope != access.countyId)
      throw Error(ErrorCode::Forbidden,
                  "a county's discipline commission issues its own county's package");
    const std::string reason = body.optString("reason", 2000).value_or("");
    const auto meta = issueWeeklyPackage(app, monday, scope, user.id, user.unitId, reason);
    const auto p = loadPackage(app.db().reader(), meta->week, scope, meta->version);
    res.status = 201;
    res.set_header("Location", "/api/v1/reports/weekly/" + meta->week + "?scope=" + scope +
                                   "&version=" + std::to_string(meta->version));
    res.set_content("{\"package\":" + metaJson(p->meta) + ",\"report\":" + p->data + "}", kJson);
  });
}

}  // namespace pcs::server
