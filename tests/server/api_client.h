#pragma once
// A logged-in API user for tests: keeps the session cookie and CSRF token and sends JSON.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <string>

#include "demo.h"

struct ApiResult {
  int status = 0;
  std::string body;
  rapidjson::Document json;
};

class ApiUser {
 public:
  ApiUser(int port, const std::string& login,
          const std::string& password = pcs::server::kDemoPassword)
      : client_("127.0.0.1", port) {
    auto res = client_.Post("/api/v1/auth/login",
                            R"({"login":")" + login + R"(","password":")" + password + R"("})",
                            "application/json");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, login, ": ", res->body);
    const std::string cookie = res->get_header_value("Set-Cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    csrf_ = d["csrf_token"].GetString();
  }

  ApiResult get(const std::string& path) {
    return wrap(client_.Get(path.c_str(), {{"Cookie", cookie_}}));
  }
  ApiResult post(const std::string& path, const std::string& json, bool withCsrf = true) {
    httplib::Headers h = {{"Cookie", cookie_}};
    if (withCsrf) h.emplace("X-CSRF-Token", csrf_);
    return wrap(client_.Post(path.c_str(), h, json, "application/json"));
  }

 private:
  static ApiResult wrap(const httplib::Result& res) {
    ApiResult r;
    REQUIRE(res);
    r.status = res->status;
    r.body = res->body;
    r.json.Parse(r.body.c_str());
    return r;
  }
  httplib::Client client_;
  std::string cookie_;
  std::string csrf_;
};
