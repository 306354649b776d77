// GET /api/v1/calendar/{date} and GET /api/v1/deadline: the public deadline-engine contract.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include "test_server.h"

namespace {
rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
}  // namespace

TEST_CASE("calendar api: a day's kind, name and provisional flag") {
  TestServer s;
  auto res = s.client().Get("/api/v1/calendar/2025-10-11");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").find("application/json") == 0);
  auto d = parse(res->body);
  CHECK(std::string(d["date"].GetString()) == "2025-10-11");
  CHECK(d["working"].GetBool());
  CHECK(std::string(d["kind"].GetString()) == "adjusted_workday");
  CHECK_FALSE(d["provisional"].GetBool());

  d = parse(s.client().Get("/api/v1/calendar/2025-10-01")->body);
  CHECK(std::string(d["kind"].GetString()) == "holiday");
  CHECK(std::string(d["name"].GetString()).find("国庆") != std::string::npos);
  CHECK_FALSE(d["working"].GetBool());

  d = parse(s.client().Get("/api/v1/calendar/2027-01-01")->body);
  CHECK(d["provisional"].GetBool());
  CHECK(std::string(d["kind"].GetString()) == "holiday");
  d = parse(s.client().Get("/api/v1/calendar/2025-10-12")->body);
  CHECK(std::string(d["kind"].GetString()) == "weekend");
}

TEST_CASE("calendar api: a bad date is a 400 that says what was wrong") {
  TestServer s;
  for (const char* bad :
       {"/api/v1/calendar/2025-02-30", "/api/v1/calendar/yesterday", "/api/v1/calendar/2025-1-1"}) {
    auto res = s.client().Get(bad);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->body.find("YYYY-MM-DD") != std::string::npos);
  }
}

TEST_CASE("deadline api: due date, unit, provisional flag and explanation") {
  TestServer s;
  auto res = s.client().Get("/api/v1/deadline?rule=T1&from=2025-09-30");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto d = parse(res->body);
  CHECK(std::string(d["rule"].GetString()) == "T1");
  CHECK(std::string(d["from"].GetString()) == "2025-09-30");
  CHECK(std::string(d["due"].GetString()) == "2025-10-16");
  CHECK(std::string(d["unit"].GetString()) == "working_days");
  CHECK_FALSE(d["provisional"].GetBool());
  CHECK(std::string(d["explanation"].GetString()).find("起算日不计入") != std::string::npos);

  d = parse(s.client().Get("/api/v1/deadline?rule=T3&from=2025-09-30")->body);
  CHECK(std::string(d["due"].GetString()) == "2025-10-09");
  CHECK(std::string(d["unit"].GetString()) == "days");
  d = parse(s.client().Get("/api/v1/deadline?rule=T4&from=2025-01-31")->body);
  CHECK(std::string(d["unit"].GetString()) == "months");
  CHECK(std::string(d["due"].GetString()) == "2025-02-28");
  d = parse(s.client().Get("/api/v1/deadline?rule=T1&from=2026-12-24")->body);
  CHECK(d["provisional"].GetBool());
}

TEST_CASE("deadline api: unknown rule, bad date and missing parameters are 400s") {
  TestServer s;
  auto res = s.client().Get("/api/v1/deadline?rule=T99&from=2025-09-30");
  CHECK(res->status == 400);
  CHECK(res->body.find("T99") != std::string::npos);
  res = s.client().Get("/api/v1/deadline?rule=T1&from=2025-09-31");
  CHECK(res->status == 400);
  res = s.client().Get("/api/v1/deadline?rule=T1");
  CHECK(res->status == 400);
  CHECK(res->body.find("from") != std::string::npos);
  CHECK(s.client().Get("/api/v1/health")->status == 200);
}

TEST_CASE("rules api: the time-limit rules T1-T15 with units and amounts") {
  TestServer s;
  auto res = s.client().Get("/api/v1/rules");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto d = parse(res->body);
  REQUIRE(d["rules"].IsArray());
  CHECK(d["rules"].Size() == 15);
  CHECK(std::string(d["rules"][0]["id"].GetString()) == "T1");
  CHECK(std::string(d["rules"][0]["unit"].GetString()) == "working_days");
  CHECK(d["rules"][0]["amount"].GetInt() == 7);
}
