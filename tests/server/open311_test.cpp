// The Open311 GeoReport v2 endpoints and the administrators' API-client endpoints, against a
// real server with the demo city's organisation and users.
#include "open311.h"

#include <doctest/doctest.h>

#include "api_client.h"
#include "audit.h"
#include "case_store.h"
#include "test_server.h"

namespace {

const char* kAt = "2026-12-01T09:30:00+08:00";

// An administrator's session that can also PATCH (ApiUser sends GET and POST only).
struct AdminSession {
  explicit AdminSession(int port) : client("127.0.0.1", port) {
    auto res = client.Post(
        "/api/v1/auth/login",
        std::string(R"({"login":"admin","password":")") + pcs::server::kDemoPassword + R"("})",
        "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::string cookie = res->get_header_value("Set-Cookie");
    headers = {{"Cookie", cookie.substr(0, cookie.find(';'))}};
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    headers.emplace("X-CSRF-Token", d["csrf_token"].GetString());
  }
  ApiResult send(const std::string& method, const std::string& path, const std::string& json) {
    auto res = method == "PATCH"  ? client.Patch(path.c_str(), headers, json, "application/json")
               : method == "POST" ? client.Post(path.c_str(), headers, json, "application/json")
                                  : client.Get(path.c_str(), headers);
    REQUIRE(res);
    ApiResult r;
    r.status = res->status;
    r.body = res->body;
    r.json.Parse(r.body.c_str());
    return r;
  }
  httplib::Client client;
  httplib::Headers headers;
};

// Creates an API client in the county housing department of 东湖区 and returns {id, key}.
std::pair<std::string, std::string> newClient(AdminSession& admin, const std::string& name,
                                              const std::string& unit = "c01.housing") {
  ApiResult r = admin.send("POST", "/api/v1/admin/api-clients",
                           R"({"name":")" + name + R"(","unit_id":")" + unit + R"("})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return {r.json["id"].GetString(), r.json["api_key"].GetString()};
}

ApiResult wrap(const httplib::Result& res) {
  REQUIRE(res);
  ApiResult r;
  r.status = res->status;
  r.body = res->body;
  r.json.Parse(r.body.c_str());
  return r;
}

ApiResult postJson(TestServer& s, const std::string& key, const std::string& json) {
  return wrap(
      s.client().Post("/open311/v2/requests.json", {{"X-Api-Key", key}}, json, "application/json"));
}

ApiResult getWithKey(TestServer& s, const std::string& key, const std::string& path) {
  return wrap(s.client().Get(path.c_str(), {{"X-Api-Key", key}}));
}

std::string requestJson(const std::string& ref, const std::string& when = kAt) {
  return R"({"service_code":"housing.1.5","description":"锦绣花园3号楼楼道堆满杂物，物业不清理",)"
         R"("address_string":"锦绣花园3号楼2单元","last_name":"王","first_name":"小明",)"
         R"("phone":"139-0000-0007","attribute":{"estate_id":"e-1"},"requested_datetime":")" +
         when + R"(","external_ref":")" + ref + R"("})";
}

int64_t caseCount(TestServer& s) {
  return s.app().db().reader().execAndGet("SELECT COUNT(*) FROM cases").getInt64();
}

}  // namespace

TEST_CASE("open311: services.json lists the routing catalogue without a key") {
  TestServer s(0);
  ApiResult r = wrap(s.client().Get("/open311/v2/services.json"));
  REQUIRE(r.status == 200);
  REQUIRE(r.json.IsArray());
  CHECK(r.json.Size() == 74);
  for (const auto& e : r.json.GetArray()) {
    CHECK(std::string(e["service_code"].GetString()).size() > 0);
    CHECK(std::string(e["service_name"].GetString()).size() > 0);
    CHECK(std::string(e["description"].GetString()).size() > 0);
    CHECK(e["metadata"].GetBool() == false);
    CHECK(std::string(e["type"].GetString()) == "realtime");
  }
  CHECK(std::string(r.json[0]["service_code"].GetString()) == "housing.1.1");
  CHECK(std::string(r.json[0]["group"].GetString()).size() > 0);
}

TEST_CASE("open311: only administrators issue API keys, and only the hash is stored") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  ApiResult r =
      clerk.post("/api/v1/admin/api-clients", R"({"name":"12345平台","unit_id":"c01.housing"})");
  CHECK(r.status == 403);

  AdminSession admin(s.port());
  r = admin.send("POST", "/api/v1/admin/api-clients",
                 R"({"name":"12345平台","unit_id":"c01.housing"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json["id"].GetString(), key = r.json["api_key"].GetString();
  CHECK(id == "ac-1");
  CHECK(key.size() == 43);
  SQLite::Database& db = s.app().db().reader();
  CHECK(db.execAndGet("SELECT key_hash FROM api_clients WHERE id='ac-1'").getString() ==
        pcs::server::apiKeyHash(key));
  CHECK(db.execAndGet("SELECT COUNT(*) FROM api_clients WHERE key_hash LIKE '%" + key + "%'")
            .getInt() == 0);

  // A unit that may not register complaints cannot own a client.
  r = admin.send("POST", "/api/v1/admin/api-clients", R"({"name":"公安","unit_id":"c01.police"})");
  CHECK(r.status == 400);

  r = admin.send("GET", "/api/v1/admin/api-clients", "");
  REQUIRE(r.status == 200);
  REQUIRE(r.json["clients"].Size() == 1);
  CHECK(r.json["clients"][0].HasMember("api_key") == false);
  CHECK(std::string(r.json["clients"][0]["unit_name"].GetString()).size() > 0);

  r = admin.send("PATCH", "/api/v1/admin/api-clients/ac-1", R"({"active":false})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["active"].GetBool() == false);
  r = admin.send("PATCH", "/api/v1/admin/api-clients/ac-9", R"({"active":false})");
  CHECK(r.status == 404);

  CHECK(db.execAndGet("SELECT COUNT(*) FROM audit WHERE subject='api_client:ac-1'").getInt() == 2);
}

TEST_CASE("open311: a form-encoded request is registered through the workflow and read back") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");

  httplib::Params form = {{"api_key", key},
                          {"service_code", "housing.1.5"},
                          {"description", "锦绣花园3号楼楼道堆满杂物"},
                          {"address_string", "锦绣花园3号楼"},
                          {"first_name", "小明"},
                          {"last_name", "王"},
                          {"phone", "13900000007"},
                          {"email", "wang@example.org"},
                          {"attribute[estate_id]", "e-1"},
                          {"requested_datetime", kAt},
                          {"external_ref", "WO-1"}};
  ApiResult r = wrap(s.client().Post("/open311/v2/requests.json", form));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  REQUIRE(r.json.IsArray());
  const std::string id = r.json[0]["service_request_id"].GetString();
  CHECK(r.json[0]["account_id"].IsNull());

  // Stored as an ordinary case of the client's unit, with the marker in the external reference.
  auto stored = pcs::server::CaseStore::load(s.app().db().reader(), id);
  REQUIRE(stored);
  const pcs::Case& c = stored->value;
  CHECK(c.channel == pcs::Channel::Open311);
  CHECK(c.externalRef == clientId + ":WO-1");
  CHECK(c.complainant.name == "王小明");
  CHECK(c.countyId == "c01");
  CHECK(c.intakeUnitId == "c01.housing");
  CHECK(c.events.front().userId == "api:" + clientId);
  CHECK(c.receivedAt == *pcs::server::parseIso8601(kAt));

  r = getWithKey(s, key, "/open311/v2/requests/" + id + ".json");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const auto& q = r.json[0];
  CHECK(std::string(q["service_request_id"].GetString()) == id);
  CHECK(std::string(q["status"].GetString()) == "open");
  CHECK(std::string(q["service_code"].GetString()) == "housing.1.5");
  CHECK(std::string(q["service_name"].GetString()).size() > 0);
  CHECK(std::string(q["requested_datetime"].GetString()) == kAt);
  CHECK(std::string(q["address"].GetString()) == "锦绣花园3号楼");
  CHECK(std::string(q["agency_responsible"].GetString()).size() > 0);
  // No personal data.
  CHECK(r.body.find("王小明") == std::string::npos);
  CHECK(r.body.find("13900000007") == std::string::npos);
  CHECK(r.body.find("example.org") == std::string::npos);

  // The query form with the key as a parameter gives the same.
  r = wrap(s.client().Get(
      ("/open311/v2/requests.json?api_key=" + key + "&service_request_id=" + id).c_str()));
  REQUIRE(r.status == 200);
  CHECK(r.json.Size() == 1);

  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("open311: a JSON request repeated with the same external_ref is registered once") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");
  ApiResult r = postJson(s, key, requestJson("WO-77"));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string id = r.json[0]["service_request_id"].GetString();
  const int64_t count = caseCount(s);

  r = postJson(s, key, requestJson("WO-77"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(std::string(r.json[0]["service_request_id"].GetString()) == id);
  CHECK(caseCount(s) == count);

  // Another reference is another request; so is the same reference from another client.
  r = postJson(s, key, requestJson("WO-78"));
  CHECK(r.status == 201);
  auto [otherId, otherKey] = newClient(admin, "邻市系统");
  r = postJson(s, otherKey, requestJson("WO-77"));
  CHECK(r.status == 201);
  CHECK(std::string(r.json[0]["service_request_id"].GetString()) != id);
  CHECK(caseCount(s) == count + 2);
}

TEST_CASE("open311: bad input and bad keys are answered in GeoReport's error form") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");

  std::string body = requestJson("WO-1");
  body.replace(body.find("housing.1.5"), 11, "housing.9.9");
  ApiResult r = postJson(s, key, body);
  CHECK(r.status == 400);
  REQUIRE(r.json.IsArray());
  CHECK(r.json[0]["code"].GetInt() == 400);
  CHECK(std::string(r.json[0]["description"].GetString()).find("service_code") !=
        std::string::npos);

  r = postJson(s, key, R"({"service_code":"housing.1.5","phone":"13900000007"})");
  CHECK(r.status == 400);  // no description
  r = postJson(s, key, requestJson("WO-2", "2026-12-01 nine o'clock"));
  CHECK(r.status == 400);

  r = postJson(s, "not-a-key", requestJson("WO-3"));
  CHECK(r.status == 403);
  CHECK(r.json[0]["code"].GetInt() == 403);
  r = wrap(s.client().Post("/open311/v2/requests.json", requestJson("WO-3"), "application/json"));
  CHECK(r.status == 403);

  REQUIRE(
      admin.send("PATCH", "/api/v1/admin/api-clients/" + clientId, R"({"active":false})").status ==
      200);
  r = postJson(s, key, requestJson("WO-4"));
  CHECK(r.status == 403);
  CHECK(caseCount(s) == 0);
}

TEST_CASE("open311: a client reads only the requests it registered") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [aId, aKey] = newClient(admin, "12345平台");
  auto [bId, bKey] = newClient(admin, "邻市系统");
  ApiResult r = postJson(s, aKey, requestJson("WO-1"));
  REQUIRE(r.status == 201);
  const std::string id = r.json[0]["service_request_id"].GetString();

  r = getWithKey(s, bKey, "/open311/v2/requests/" + id + ".json");
  CHECK(r.status == 404);
  CHECK(r.json[0]["code"].GetInt() == 404);
  r = getWithKey(s, bKey, "/open311/v2/requests.json?service_request_id=" + id);
  REQUIRE(r.status == 200);
  CHECK(r.json.Size() == 0);
  r = getWithKey(s, aKey, "/open311/v2/requests.json?service_request_id=" + id + ",2026-999999");
  REQUIRE(r.status == 200);
  CHECK(r.json.Size() == 1);

  // A case registered by staff is not any client's, even with a look-alike reference.
  ApiUser clerk(s.port(), "c01.clerk");
  r = clerk.post("/api/v1/cases",
                 R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"甲",)"
                 R"("content":"楼道堆物","estate_id":"e-1","external_ref":")" +
                     aId + R"(:WO-9"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const std::string staffCase = r.json["case"]["id"].GetString();
  r = getWithKey(s, aKey, "/open311/v2/requests/" + staffCase + ".json");
  CHECK(r.status == 404);
  r = postJson(s, aKey, requestJson("WO-9"));
  CHECK(r.status == 201);
  CHECK(std::string(r.json[0]["service_request_id"].GetString()) != staffCase);
}

TEST_CASE("open311: the status becomes closed once the case is closed through the normal API") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");
  ApiResult r = postJson(s, key, requestJson("WO-5"));
  REQUIRE(r.status == 201);
  const std::string id = r.json[0]["service_request_id"].GetString();
  const std::string path = "/open311/v2/requests/" + id + ".json";

  ApiUser dispatcher(s.port(), "c01.dispatcher"), police(s.port(), "c01.police"),
      reviewer(s.port(), "city.police.reviewer");
  const std::string actions = "/api/v1/cases/" + id + "/actions";
  auto step = [&](ApiUser& u, const std::string& body) {
    ApiResult res = u.post(actions, body);
    REQUIRE_MESSAGE(res.status == 200, body, " -> ", res.body);
  };
  step(dispatcher, R"({"action":"dispatch","targets":[{"unit_id":"c01.police"}]})");
  step(police, R"({"action":"accept","assignment_id":1})");
  r = getWithKey(s, key, path);
  CHECK(std::string(r.json[0]["status"].GetString()) == "open");
  step(police, R"({"action":"resolve","assignment_id":1,"substantiated":true,)"
               R"("text":"已清理楼道堆物并答复投诉人"})");
  step(police, R"({"action":"submit_review","assignment_id":1})");
  step(reviewer, R"({"action":"approve","assignment_id":1})");

  r = getWithKey(s, key, path);
  REQUIRE(r.status == 200);
  CHECK(std::string(r.json[0]["status"].GetString()) == "closed");
  CHECK(std::string(r.json[0]["status_notes"].GetString()) == "已清理楼道堆物并答复投诉人");
  CHECK(std::string(r.json[0]["agency_responsible"].GetString()).find("公安") != std::string::npos);
  CHECK(std::string(r.json[0]["updated_datetime"].GetString()) !=
        std::string(r.json[0]["requested_datetime"].GetString()));

  pcs::server::AuditVerification v = pcs::server::verifyAudit(s.app().db().reader());
  CHECK_MESSAGE(v.ok, v.message);
}

TEST_CASE("open311: requested_datetime with +08:00 and with Z name the same instant") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");
  ApiResult a = postJson(s, key, requestJson("WO-A", "2026-12-01T09:30:00+08:00"));
  ApiResult b = postJson(s, key, requestJson("WO-B", "2026-12-01T01:30:00Z"));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  SQLite::Database& db = s.app().db().reader();
  auto ca = pcs::server::CaseStore::load(db, a.json[0]["service_request_id"].GetString());
  auto cb = pcs::server::CaseStore::load(db, b.json[0]["service_request_id"].GetString());
  REQUIRE(ca);
  REQUIRE(cb);
  CHECK(ca->value.receivedAt == cb->value.receivedAt);
  CHECK(pcs::formatCst(ca->value.receivedAt) == "2026-12-01 09:30");
}

TEST_CASE("open311: ISO 8601 times are parsed with their offset and written in Beijing time") {
  using pcs::server::formatIso8601;
  using pcs::server::parseIso8601;
  const int64_t t = *parseIso8601("2026-12-01T09:30:00+08:00");
  CHECK(parseIso8601("2026-12-01T01:30:00Z") == t);
  CHECK(parseIso8601("2026-12-01T01:30Z") == t);
  CHECK(parseIso8601("2026-11-30T20:30:00-05:00") == t);
  CHECK(parseIso8601("2026-12-01T09:30:00.250+0800") == t);
  CHECK(parseIso8601("2026-12-01T09:30:00+08") == t);
  CHECK(parseIso8601("2026-12-01 09:30:00") == t);  // no offset: Beijing time
  CHECK(formatIso8601(t) == "2026-12-01T09:30:00+08:00");
  CHECK(formatIso8601(*parseIso8601("2026-12-31T23:59:59Z")) == "2027-01-01T07:59:59+08:00");
  for (const char* bad : {"2026-02-30T09:30:00Z", "2026-12-01T24:00:00Z", "2026-12-01T09:60Z",
                          "2026-12-01T09:30:00+8", "2026-12-01T09:30:00+08:", "2026-12-01",
                          "2026-12-01T09:30:00Zjunk", "2026-12-01T09:30:00+15:00", ""})
    CHECK_MESSAGE(!parseIso8601(bad), bad);
}

TEST_CASE("open311: malformed bodies and queries are refused with 400, nothing stored") {
  TestServer s(0);
  AdminSession admin(s.port());
  auto [clientId, key] = newClient(admin, "12345平台");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const std::string& body :
       {deep, std::string("[1,2]"), std::string("{\"description\":"),
        std::string(R"({"service_code":"housing.1.5","description":"\u0000x","phone":"1"})"),
        std::string(R"({"service_code":"housing.1.5","description":["x"],"phone":"1"})")}) {
    ApiResult r = postJson(s, key, body);
    CHECK_MESSAGE(r.status == 400, body.substr(0, 60), " -> ", r.body);
    CHECK(r.json.IsArray());
  }
  httplib::Params form = {{"api_key", key},
                          {"service_code", "housing.1.5"},
                          {"description", "\xff\xfe"},
                          {"phone", "13900000007"}};
  CHECK(wrap(s.client().Post("/open311/v2/requests.json", form)).status == 400);
  CHECK(caseCount(s) == 0);

  CHECK(getWithKey(s, key, "/open311/v2/requests.json").status == 400);
  std::string many = "/open311/v2/requests.json?service_request_id=";
  for (int i = 0; i < 101; ++i) many += "2026-00000" + std::to_string(i % 10) + ",";
  CHECK(getWithKey(s, key, many).status == 400);
}
