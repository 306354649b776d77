// Open311 GeoReport v2 endpoints for connected systems (the 12345 platform, another city's
// system), and the administrators' endpoints that issue their API keys.
//
// Which requests belong to which client: a request is registered through the ordinary workflow
// by the actor "api:<client id>", which the case's first event (register) keeps for good. A
// client reads a case only when that event names it, so a case registered by staff, or by
// another client, is "not found" whatever its external reference says. The caller's own id
// (`external_ref`) is stored in the case's external reference as "<client id>:<their ref>"
// (indexed), which is how a repeated POST finds the case it already created; the prefix keeps
// two clients' references apart and shows staff where the case came from. The requested
// service_code is kept in open311_requests, since the case's categories are only set when a
// dispatcher confirms them.
//
// Sections: output and errors | fields | API clients (admin) | client keys | services |
// create | read | registration
#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>
#include <map>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "case_store.h"
#include "json.h"
#include "json_body.h"
#include "log.h"
#include "open311.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "pcs/utf8.h"
#include "pcs/workflow.h"
#include "reference_store.h"
#include "route_util.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr size_t kMaxDescription = 20000;  // as the complaint text at intake
constexpr size_t kMaxExternalRef = 64;
constexpr size_t kMaxClientName = 100;
// GeoReport lets a caller ask for several requests at once; bound the work of one answer.
constexpr size_t kMaxRequestIds = 100;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// True when `s` is well-formed UTF-8 without control characters other than tab and newlines.
bool cleanText(std::string_view s) {
  for (size_t pos = 0; pos < s.size();) {
    const size_t start = pos;
    const char32_t cp = utf8::decodeNext(s, pos);
    if (cp == utf8::kReplacement && s.substr(start, 3) != "\xEF\xBF\xBD") return false;
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) return false;
  }
  return true;
}

void put(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// ---- output and errors ----------------------------------------------------------------------

// GeoReport's error form: a list of {code, description}, with the same HTTP status.
void geoFail(httplib::Response& res, int status, const std::string& description) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  w.StartObject();
  w.Key("code");
  w.Int(status);
  put(w, "description", description);
  w.EndObject();
  w.EndArray();
  res.status = status;
  res.set_content(buf.GetString(), kJson);
}

// Runs a GeoReport handler, answering the domain's errors in GeoReport's form. Anything else
// reaches the server's exception handler (500, logged).
template <class Fn>
httplib::Server::Handler geoRoute(Fn fn) {
  return [fn](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const Error& e) {
      geoFail(res, httpStatusFor(e.code()), e.what());
    }
  };
}

// ---- fields ---------------------------------------------------------------------------------

// The fields of a GeoReport request, from a form (application/x-www-form-urlencoded, as the
// standard has it, or the query string) or a JSON object. JSON strings and integers are taken;
// an object `attribute` gives the fields "attribute[<name>]" as the form spells them.
class Fields {
 public:
  explicit Fields(const httplib::Request& req) {
    const std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) == 0 && !req.body.empty()) {
      readJson(req.body);
    } else {
      // httplib has put a form body's fields into params, after the query string's.
      for (const auto& [name, value] : req.params) values_.emplace(name, value);
    }
  }

  std::optional<std::string> get(const std::string& name, size_t maxBytes) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->second.empty()) return std::nullopt;
    if (it->second.size() > maxBytes)
      bad("'" + name + "' is longer than " + std::to_string(maxBytes) + " bytes");
    if (!cleanText(it->second))
      bad("'" + name + "' is not valid UTF-8 or holds control characters");
    return it->second;
  }
  std::string required(const std::string& name, size_t maxBytes) const {
    auto v = get(name, maxBytes);
    if (!v) bad("missing field '" + name + "'");
    return *v;
  }

 private:
  void readJson(const std::string& body) {
    if (body.size() > kMaxJsonBody) bad("the JSON body is larger than 1 MiB");
    rapidjson::Document doc;
    // Iterative parsing: a deeply nested body cannot exhaust the stack.
    doc.Parse<rapidjson::kParseIterativeFlag>(body.c_str(), body.size());
    if (doc.HasParseError())
      bad(std::string("malformed JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
    if (!doc.IsObject()) bad("the JSON body must be an object");
    for (const auto& m : doc.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      if (name == "attribute" && m.value.IsObject()) {
        for (const auto& a : m.value.GetObject())
          take("attribute[" + std::string(a.name.GetString(), a.name.GetStringLength()) + "]",
               a.value);
      } else {
        take(name, m.value);
      }
    }
  }
  void take(const std::string& name, const rapidjson::Value& v) {
    if (v.IsNull()) return;
    if (v.IsString())
      values_.emplace(name, std::string(v.GetString(), v.GetStringLength()));
    else if (v.IsInt64())
      values_.emplace(name, std::to_string(v.GetInt64()));
    else
      bad("'" + name + "' must be a string");
  }

  std::multimap<std::string, std::string> values_;
};

// ---- API clients (admin) --------------------------------------------------------------------

struct ApiClient {
  std::string id, name, unitId;
  bool active = true;
  int64_t createdAt = 0;
};

ApiClient readClient(SQLite::Statement& q) {
  return ApiClient{q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getInt() != 0,
                   q.getColumn(4).getInt64()};
}

constexpr const char* kClientColumns =
    "SELECT id, name, unit_id, active, created_at FROM api_clients";

std::optional<ApiClient> findClient(SQLite::Database& db, const std::string& id) {
  SQLite::Statement q(db, std::string(kClientColumns) + " WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return readClient(q);
}

void writeClient(Writer& w, const ApiClient& c, const Reference& ref) {
  put(w, "id", c.id);
  put(w, "name", c.name);
  put(w, "unit_id", c.unitId);
  const OrgUnit* unit = ref.org.find(c.unitId);
  put(w, "unit_name", unit ? unit->name : "");
  w.Key("active");
  w.Bool(c.active);
  w.Key("created_at");
  w.Int64(c.createdAt);
}

std::string clientJson(const ApiClient& c, const Reference& ref, const std::string& key = "") {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  writeClient(w, c, ref);
  if (!key.empty()) put(w, "api_key", key);
  w.EndObject();
  return buf.GetString();
}

// A client registers cases, so its unit must be one that may: a city or county housing
// department (the workflow checks the same at every registration).
void checkClientUnit(const Reference& ref, const std::string& unitId) {
  const OrgUnit* unit = ref.org.find(unitId);
  if (!unit || !unit->active) bad("单位 '" + unitId + "' 不存在或已停用（unit_id）");
  const bool propertyAuthority = unit->kind == UnitKind::Department &&
                                 unit->handler == Handler::Housing &&
                                 (unit->level == OrgLevel::City || unit->level == OrgLevel::County);
  if (!propertyAuthority)
    bad("对接系统须挂在市、县（区）物业主管部门之下，" + unit->name + " 不是（unit_id）");
}

std::string clientName(const JsonBody& b) {
  const std::string name = b.string("name", 4 * kMaxClientName);
  if (name.empty() || utf8::length(name) > kMaxClientName)
    bad("'name' must be 1 to " + std::to_string(kMaxClientName) + " characters");
  return name;
}

void createClient(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireRole(req, res, Role::Admin);
  const JsonBody b(req.body);
  const std::string name = clientName(b);
  const std::string unitId = b.string("unit_id", 200);
  auto ref = app.reference();
  checkClientUnit(*ref, unitId);

  // The key is shown in this answer only; the table keeps its hash.
  const std::string key = newApiKey();
  const int64_t now = app.now();
  const ApiClient client = app.db().write([&](SQLite::Database& tx) {
    const int64_t n =
        tx.execAndGet(
              "SELECT COALESCE(MAX(CAST(substr(id, 4) AS INTEGER)), 0) + 1 FROM api_clients "
              "WHERE id LIKE 'ac-%'")
            .getInt64();
    ApiClient c{"ac-" + std::to_string(n), name, unitId, true, now};
    SQLite::Statement ins(tx,
                          "INSERT INTO api_clients(id, name, key_hash, unit_id, active, created_at)"
                          " VALUES(?, ?, ?, ?, 1, ?)");
    ins.bind(1, c.id);
    ins.bind(2, c.name);
    ins.bind(3, apiKeyHash(key));
    ins.bind(4, c.unitId);
    ins.bind(5, now);
    ins.exec();
    appendAudit(tx, {now, user.id, user.unitId, "api_client.create", "api_client:" + c.id,
                     "新建对接系统：" + c.name + "，所属单位：" + c.unitId});
    return c;
  });
  res.status = 201;
  res.set_content(clientJson(client, *ref, key), kJson);
}

void listClients(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  auth.requireRole(req, res, Role::Admin);
  auto ref = app.reference();
  SQLite::Statement q(app.db().reader(), std::string(kClientColumns) + " ORDER BY created_at, id");
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("clients");
  w.StartArray();
  while (q.executeStep()) {
    w.StartObject();
    writeClient(w, readClient(q), *ref);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  res.set_content(buf.GetString(), kJson);
}

void updateClient(App& app, Auth& auth, const httplib::Request& req, httplib::Response& res) {
  const CurrentUser user = auth.requireRole(req, res, Role::Admin);
  const std::string id = req.matches[1];
  const JsonBody b(req.body);
  const std::optional<bool> active = b.optBoolean("active");
  const std::optional<std::string> name =
      b.has("name") ? std::optional<std::string>(clientName(b)) : std::nullopt;
  if (!active && !name) bad("nothing to change: send active or name");
  auto ref = app.reference();
  const int64_t now = app.now();

  const ApiClient client = app.db().write([&](SQLite::Database& tx) {
    auto c = findClient(tx, id);
    if (!c) throw Error(ErrorCode::NotFound, "no API client " + id);
    std::string changes;
    if (active && *active != c->active) {
      c->active = *active;
      changes += *active ? "启用；" : "停用；";
    }
    if (name && *name != c->name) {
      changes += "名称：" + c->name + " → " + *name + "；";
      c->name = *name;
    }
    if (changes.empty()) return *c;  // nothing changed, nothing to record
    SQLite::Statement up(tx, "UPDATE api_clients SET name = ?, active = ? WHERE id = ?");
    up.bind(1, c->name);
    up.bind(2, c->active ? 1 : 0);
    up.bind(3, c->id);
    up.exec();
    appendAudit(tx, {now, user.id, user.unitId, "api_client.update", "api_client:" + c->id,
                     "修改对接系统：" + changes.substr(0, changes.size() - 3)});
    return *c;
  });
  res.set_content(clientJson(client, *ref), kJson);
}

// ---- client keys ----------------------------------------------------------------------------

// The client whose key the request carries (header X-Api-Key, else the field api_key). GeoReport
// answers a missing, unknown or deactivated key with 403.
ApiClient requireClient(App& app, const httplib::Request& req, const Fields& fields) {
  std::string key = req.get_header_value("X-Api-Key");
  if (key.empty()) key = fields.get("api_key", kMaxApiKeyBytes).value_or("");
  if (key.empty()) throw Error(ErrorCode::Forbidden, "api_key is required");
  if (key.size() > kMaxApiKeyBytes) throw Error(ErrorCode::Forbidden, "api_key is not valid");
  SQLite::Statement q(app.db().reader(), std::string(kClientColumns) + " WHERE key_hash = ?");
  q.bind(1, apiKeyHash(key));
  if (!q.executeStep()) throw Error(ErrorCode::Forbidden, "api_key is not valid");
  ApiClient c = readClient(q);
  if (!c.active) throw Error(ErrorCode::Forbidden, "api_key belongs to a deactivated client");
  return c;
}

std::string clientActor(const ApiClient& c) {
  return "api:" + c.id;
}

// True when the client registered the case (its register event names the client's actor).
bool registeredBy(const Case& c, const ApiClient& client) {
  return !c.events.empty() && c.events.front().action == actionKey(Action::Register) &&
         c.events.front().userId == clientActor(client);
}

// ---- services -------------------------------------------------------------------------------

void services(App& app, const httplib::Request&, httplib::Response& res) {
  auto ref = app.reference();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const CatalogueEntry& e : ref->catalogue.entries()) {
    w.StartObject();
    put(w, "service_code", e.code);
    put(w, "service_name", e.title);
    put(w, "description", e.text);
    w.Key("metadata");
    w.Bool(false);
    put(w, "type", "realtime");
    std::string keywords;
    for (const std::string& k : e.keywords) keywords += (keywords.empty() ? "" : ",") + k;
    put(w, "keywords", keywords);
    put(w, "group", std::string(handlerNameZh(e.handler)));
    w.EndObject();
  }
  w.EndArray();
  res.set_content(buf.GetString(), kJson);
}

// ---- read -----------------------------------------------------------------------------------

// The service_code the client asked for (see the file comment).
std::string requestedServiceCode(SQLite::Database& db, const std::string& caseId) {
  SQLite::Statement q(db, "SELECT service_code FROM open311_requests WHERE case_id = ?");
  q.bind(1, caseId);
  return q.executeStep() ? q.getColumn(0).getString() : "";
}

// The latest answer a handler unit gave the complainant, if any.
std::string latestAnswer(const Case& c) {
  const Assignment* latest = nullptr;
  for (const Assignment& a : c.assignments)
    if (a.live() && !a.answer.empty() && (!latest || a.resolvedAt >= latest->resolvedAt))
      latest = &a;
  return latest ? latest->answer : "";
}

// One request in GeoReport's form. Personal data (name, contact) never leaves here.
void writeRequest(Writer& w, const Case& c, const std::string& serviceCode, const Reference& ref) {
  const bool closed = c.state == CaseState::Closed || c.state == CaseState::Merged;
  w.StartObject();
  put(w, "service_request_id", c.id);
  put(w, "status", closed ? "closed" : "open");
  std::string notes = latestAnswer(c);
  if (notes.empty() && c.state == CaseState::Merged) notes = "已与反映同一问题的投诉合并办理";
  put(w, "status_notes", notes);
  const CatalogueEntry* entry = ref.catalogue.find(serviceCode);
  put(w, "service_name", entry ? entry->title : "");
  put(w, "service_code", serviceCode);
  put(w, "description", c.content);
  put(w, "requested_datetime", formatIso8601(c.receivedAt));
  put(w, "updated_datetime", formatIso8601(c.events.empty() ? c.registeredAt : c.events.back().at));
  put(w, "address", c.location);

  // The units handling it; before dispatch, the housing authority that owns it.
  std::string agencies;
  auto addAgency = [&](const std::string& unitId) {
    const OrgUnit* u = ref.org.find(unitId);
    const std::string name = u ? u->name : unitId;
    if (agencies.find(name) == std::string::npos) agencies += (agencies.empty() ? "" : "、") + name;
  };
  for (const Assignment& a : c.assignments)
    if (a.live()) addAgency(a.unitId);
  if (agencies.empty()) addAgency(c.ownerUnitId);
  put(w, "agency_responsible", agencies);
  w.EndObject();
}

std::string requestIdFrom(const std::string& id) {
  if (id.empty() || id.size() > 32) bad("bad service_request_id '" + id.substr(0, 32) + "'");
  return id;
}

void readRequests(App& app, const httplib::Request& req, httplib::Response& res,
                  const std::vector<std::string>& ids, bool single) {
  const ApiClient client = requireClient(app, req, Fields(req));
  auto ref = app.reference();
  SQLite::Database& db = app.db().reader();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  for (const std::string& id : ids) {
    // Another client's case, or staff's, is absent for this client.
    auto stored = CaseStore::load(db, id);
    if (!stored || !registeredBy(stored->value, client)) {
      if (single) throw Error(ErrorCode::NotFound, "no service request " + id);
      continue;
    }
    writeRequest(w, stored->value, requestedServiceCode(db, id), *ref);
  }
  w.EndArray();
  res.set_content(buf.GetString(), kJson);
}

std::vector<std::string> splitIds(const std::string& text) {
  std::vector<std::string> ids;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string id = text.substr(start, end - start);
    while (!id.empty() && id.front() == ' ') id.erase(id.begin());
    while (!id.empty() && id.back() == ' ') id.pop_back();
    if (!id.empty()) ids.push_back(requestIdFrom(id));
    if (ids.size() > kMaxRequestIds)
      bad("at most " + std::to_string(kMaxRequestIds) + " service_request_id values at once");
    start = end + 1;
  }
  return ids;
}

// ---- create ---------------------------------------------------------------------------------

std::string complainantName(const Fields& f) {
  const std::string first = f.get("first_name", 100).value_or("");
  const std::string last = f.get("last_name", 100).value_or("");
  if (first.empty() || last.empty()) return first + last;
  // Chinese names are written family name first without a space; Latin names the other way.
  bool ascii = true;
  for (unsigned char ch : first + last) ascii &= ch < 0x80;
  return ascii ? first + " " + last : last + first;
}

struct Created {
  std::string id;
  bool isNew = false;
};

void createRequest(App& app, const httplib::Request& req, httplib::Response& res) {
  const Fields f(req);
  const ApiClient client = requireClient(app, req, f);
  auto ref = app.reference();
  const int64_t now = app.now();

  // What the caller asks for, read into a case as intake would fill it.
  const std::string code = f.required("service_code", 64);
  if (!ref->catalogue.find(code))
    bad("unknown service_code '" + code + "'; services.json lists the valid ones");
  Case c;
  c.content = f.required("description", kMaxDescription);
  c.location = f.get("address_string", 1000).value_or("");
  c.complainant.name = complainantName(f);
  const std::string phone = f.get("phone", 100).value_or("");
  const std::string email = f.get("email", 100).value_or("");
  c.complainant.contact = phone.empty() ? email : email.empty() ? phone : phone + "；" + email;
  c.complainant.key = complainantKey(c.complainant.name, c.complainant.contact);
  c.receivedAt = now;
  if (auto when = f.get("requested_datetime", 64)) {
    auto t = parseIso8601(*when);
    if (!t)
      bad("'requested_datetime' must be ISO 8601 with an offset, e.g. 2026-12-01T09:30:00+08:00");
    c.receivedAt = *t;
  }
  c.channel = Channel::Open311;
  if (auto ch = f.get("channel", 32)) {
    if (*ch == channelKey(Channel::Hotline12345))
      c.channel = Channel::Hotline12345;
    else if (*ch != channelKey(Channel::Open311))
      bad("'channel' must be open311 or hotline_12345");
  }
  auto estateId = f.get("attribute[estate_id]", 100);
  if (!estateId) estateId = f.get("estate_id", 100);
  if (estateId) {
    auto estate = ReferenceStore::estate(app.db().reader(), *estateId);
    if (!estate) bad("no estate '" + *estateId + "'");
    locateCaseAt(c, *estate);
  }
  const std::string theirRef = f.get("external_ref", kMaxExternalRef).value_or("");
  if (!theirRef.empty()) c.externalRef = client.id + ":" + theirRef;

  const Actor actor{clientActor(client), client.unitId, {Role::IntakeClerk}};
  const WorkflowContext ctx{ref->org, ref->calendar, ref->rules, now};
  const Created created = app.db().write([&](SQLite::Database& tx) -> Created {
    // Idempotency: inside the write, so two copies of one POST cannot both register.
    if (!c.externalRef.empty()) {
      SQLite::Statement q(tx, "SELECT id FROM cases WHERE external_ref = ? ORDER BY seq");
      q.bind(1, c.externalRef);
      while (q.executeStep()) {
        const std::string id = q.getColumn(0).getString();
        auto existing = CaseStore::load(tx, id);
        if (existing && registeredBy(existing->value, client)) return {id, false};
      }
    }
    c.id = CaseStore::nextCaseId(tx, cstDate(now).year());
    registerCase(c, actor, ctx);
    CaseStore::insert(tx, c, now);
    SQLite::Statement service(tx,
                              "INSERT INTO open311_requests(case_id, client_id, service_code, "
                              "created_at) VALUES(?,?,?,?)");
    service.bind(1, c.id);
    service.bind(2, client.id);
    service.bind(3, code);
    service.bind(4, static_cast<int64_t>(now));
    service.exec();
    appendAudit(tx, {now, actor.userId, actor.unitId, "case.register", "case:" + c.id,
                     std::string("受理登记，渠道：") + channelZh(c.channel) + "；对接系统：" +
                         client.name + "（" + client.id + "）；服务：" + code});
    return {c.id, true};
  });

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  w.StartObject();
  put(w, "service_request_id", created.id);
  put(w, "service_notice",
      created.isNew ? "已受理登记，案件编号 " + created.id + "，将按规定时限分转办理"
                    : "此前已受理（external_ref 相同），案件编号 " + created.id);
  w.Key("account_id");
  w.Null();
  w.EndObject();
  w.EndArray();
  res.status = created.isNew ? 201 : 200;
  res.set_content(buf.GetString(), kJson);
}

}  // namespace

// ---- registration ---------------------------------------------------------------------------

void registerOpen311Routes(httplib::Server& http, App& app, Auth& auth) {
  http.Post("/api/v1/admin/api-clients", [&](const httplib::Request& req, httplib::Response& res) {
    createClient(app, auth, req, res);
  });
  http.Get("/api/v1/admin/api-clients", [&](const httplib::Request& req, httplib::Response& res) {
    listClients(app, auth, req, res);
  });
  http.Patch(R"(/api/v1/admin/api-clients/([^/]+))",
             [&](const httplib::Request& req, httplib::Response& res) {
               updateClient(app, auth, req, res);
             });

  http.Get("/open311/v2/services.json",
           geoRoute([&app](const auto& req, auto& res) { services(app, req, res); }));
  http.Post("/open311/v2/requests.json",
            geoRoute([&app](const auto& req, auto& res) { createRequest(app, req, res); }));
  http.Get("/open311/v2/requests.json", geoRoute([&app](const auto& req, auto& res) {
             const std::string ids = req.has_param("service_request_id")
                                         ? req.get_param_value("service_request_id")
                                         : "";
             // Listing by date or status is not offered: a client names its requests.
             if (ids.empty()) bad("service_request_id is required (one or more, comma-separated)");
             readRequests(app, req, res, splitIds(ids), false);
           }));
  http.Get(R"(/open311/v2/requests/([^/]+)\.json)", geoRoute([&app](const auto& req, auto& res) {
             readRequests(app, req, res, {requestIdFrom(req.matches[1])}, true);
           }));
}

}  // namespace pcs::server
