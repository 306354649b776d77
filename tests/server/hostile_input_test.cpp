// Regressions found by trying to break the server: each request once crashed it or made it
// swell. The server must answer with a 4xx and keep answering.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "api_client.h"
#include "test_server.h"

TEST_CASE("hostile: deeply nested JSON is refused, not a crash (once a stack overflow)") {
  TestServer s(0);
  httplib::Client c("127.0.0.1", s.port());
  const std::string body =
      R"({"login":)" + std::string(150000, '[') + std::string(150000, ']') + "}";
  auto res = c.Post("/api/v1/auth/login", body, "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body.find("nests deeper") != std::string::npos);
  // A logged-in endpoint too, and the server still answers.
  ApiUser clerk(s.port(), "c01.clerk");
  ApiResult r = clerk.post("/api/v1/cases",
                           "{\"content\":" + std::string(20, '[') + std::string(20, ']') + "}");
  CHECK(r.status == 400);
  CHECK(c.Get("/api/v1/health")->status == 200);
}

TEST_CASE("hostile: a request for many byte ranges gets 416 (once 725 MB for one request)") {
  TestServer s;
  httplib::Client c("127.0.0.1", s.port());
  std::string ranges = "bytes=0-";
  for (int i = 0; i < 2000; ++i) ranges += ",0-";
  auto res = c.Get("/api/v1/rules", {{"Range", ranges}});
  REQUIRE(res);
  CHECK(res->status == 416);
  MESSAGE("416 body bytes: ", res->body.size());
  CHECK(res->body.size() < 1000000);  // httplib still repeats the short error per range
  // One range still works.
  auto one = c.Get("/api/v1/rules", {{"Range", "bytes=0-9"}});
  REQUIRE(one);
  CHECK(one->status == 206);
  CHECK(one->body.size() == 10);
}

TEST_CASE("hostile: a dozen stalled connections do not starve other clients (once 8 threads)") {
  TestServer s;
  std::vector<int> stalled;
  for (int i = 0; i < 12; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(s.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    const char partial[] = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n";  // never finished
    REQUIRE(::send(fd, partial, sizeof partial - 1, 0) > 0);
    stalled.push_back(fd);
  }
  httplib::Client c("127.0.0.1", s.port());
  c.set_read_timeout(3, 0);
  const auto start = std::chrono::steady_clock::now();
  auto res = c.Get("/api/v1/health");
  const auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(res);
  CHECK(res->status == 200);
  // A hang detector, not a benchmark: the answer must not wait for the stalled clients.
  CHECK(waited < std::chrono::seconds(3));
  for (int fd : stalled) ::close(fd);
}
