// The session cache (server/auth.h, kSessionCacheMs): a session used again and again is served
// from memory, yet every change of the account or the session applies to the very next request.
// Each test first uses the session several times, so it is surely cached, then changes it.
// clang-format off
#include "pcs/serialize.h"  // first: configures rapidjson the way cereal does
// clang-format on

#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <string>

#include "api_client.h"
#include "demo.h"
#include "test_server.h"

namespace {

// A session of its own (ApiUser has no PATCH and no logout, and hides its cookie).
struct Login {
  std::string cookie, csrf, userId;
};

Login login(httplib::Client& c, const std::string& who,
            const std::string& password = pcs::server::kDemoPassword) {
  auto res =
      c.Post("/api/v1/auth/login", R"({"login":")" + who + R"(","password":")" + password + R"("})",
             "application/json");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, who, ": ", res->body);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  const std::string cookie = res->get_header_value("Set-Cookie");
  return {cookie.substr(0, cookie.find(';')), d["csrf_token"].GetString(),
          d["user"]["id"].GetString()};
}

int meStatus(httplib::Client& c, const Login& l) {
  auto res = c.Get("/api/v1/auth/me", {{"Cookie", l.cookie}});
  REQUIRE(res);
  return res->status;
}

// Uses the session enough times that it is served from the cache.
void warm(httplib::Client& c, const Login& l) {
  for (int i = 0; i < 5; ++i) REQUIRE(meStatus(c, l) == 200);
}

int patchUser(httplib::Client& c, const Login& admin, const std::string& id,
              const std::string& json) {
  auto res =
      c.Patch(("/api/v1/users/" + id).c_str(),
              {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, json, "application/json");
  REQUIRE(res);
  return res->status;
}

}  // namespace

TEST_CASE("session cache: a deactivated user's cached session is refused at once") {
  TestServer s(0);
  httplib::Client& c = s.client();
  const Login admin = login(c, "admin");
  const Login clerk = login(c, "c01.clerk");
  warm(c, clerk);
  REQUIRE(patchUser(c, admin, clerk.userId, R"({"active":false})") == 200);
  CHECK(meStatus(c, clerk) == 401);
  auto list = c.Get("/api/v1/cases", {{"Cookie", clerk.cookie}});
  REQUIRE(list);
  CHECK(list->status == 401);
  // The administrator's own cached session is untouched by the change.
  CHECK(meStatus(c, admin) == 200);
}

TEST_CASE("session cache: a password reset by an administrator ends cached sessions at once") {
  TestServer s(0);
  httplib::Client& c = s.client();
  const Login admin = login(c, "admin");
  const Login handler = login(c, "c01.s01.handler");
  warm(c, handler);
  REQUIRE(patchUser(c, admin, handler.userId, R"({"password":"新的足够长的密码2026"})") == 200);
  CHECK(meStatus(c, handler) == 401);
  // The new password opens a fresh session.
  const Login again = login(c, "c01.s01.handler", "新的足够长的密码2026");
  CHECK(meStatus(c, again) == 200);
}

TEST_CASE("session cache: a changed role applies to the next request") {
  TestServer s(0);
  httplib::Client& c = s.client();
  const Login admin = login(c, "admin");
  const Login clerk = login(c, "c01.clerk");
  auto users = [&] {
    auto res = c.Get("/api/v1/users", {{"Cookie", clerk.cookie}});
    REQUIRE(res);
    return res->status;
  };
  warm(c, clerk);
  REQUIRE(users() == 403);
  REQUIRE(patchUser(c, admin, clerk.userId, R"({"roles":["intake_clerk","admin"]})") == 200);
  CHECK(users() == 200);
  REQUIRE(patchUser(c, admin, clerk.userId, R"({"roles":["intake_clerk"]})") == 200);
  CHECK(users() == 403);
  auto me = c.Get("/api/v1/auth/me", {{"Cookie", clerk.cookie}});
  REQUIRE(me);
  REQUIRE(me->status == 200);
  rapidjson::Document d;
  d.Parse(me->body.c_str());
  REQUIRE(d["user"]["roles"].Size() == 1);
  CHECK(std::string(d["user"]["roles"][0].GetString()) == "intake_clerk");
}

TEST_CASE("session cache: logout ends the cached session at once") {
  TestServer s(0);
  httplib::Client& c = s.client();
  const Login clerk = login(c, "c01.clerk");
  const Login other = login(c, "c01.clerk");  // the same account in a second browser
  warm(c, clerk);
  warm(c, other);
  auto out = c.Post("/api/v1/auth/logout", {{"Cookie", clerk.cookie}, {"X-CSRF-Token", clerk.csrf}},
                    "", "application/json");
  REQUIRE(out);
  REQUIRE(out->status == 200);
  CHECK(meStatus(c, clerk) == 401);
  CHECK(meStatus(c, other) == 200);
}

TEST_CASE("session cache: changing one's password ends the account's other cached sessions") {
  TestServer s(0);
  httplib::Client& c = s.client();
  const Login here = login(c, "c01.dispatcher");
  const Login there = login(c, "c01.dispatcher");
  warm(c, here);
  warm(c, there);
  const std::string body = std::string(R"({"old_password":")") + pcs::server::kDemoPassword +
                           R"(","new_password":"换一个更长的密码2026"})";
  auto changed =
      c.Post("/api/v1/auth/password", {{"Cookie", here.cookie}, {"X-CSRF-Token", here.csrf}}, body,
             "application/json");
  REQUIRE(changed);
  REQUIRE_MESSAGE(changed->status == 200, changed->body);
  CHECK(meStatus(c, there) == 401);
  CHECK(meStatus(c, here) == 200);
}
