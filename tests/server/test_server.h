#pragma once
// Starts a real server on 127.0.0.1 with an ephemeral port for one test, and stops it after.
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>

#include "http_api.h"

class TestServer {
 public:
  // `demoCases` < 0: an empty database; otherwise the demo city with that many complaints.
  // `webRoot`: the folder served as the web root; empty means an empty folder of the test's own.
  explicit TestServer(int demoCases = -1, const std::string& webRoot = {}) {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcs-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir_ / "web");
    options_.port = 0;
    options_.dataDir = (dir_ / "data").string();
    options_.webRoot = webRoot.empty() ? (dir_ / "web").string() : webRoot;
    options_.demo = demoCases >= 0;
    options_.demoCases = demoCases < 0 ? 0 : demoCases;
    server_ = std::make_unique<pcs::server::HttpServer>(options_);
    thread_ = std::thread([this] { server_->run(); });
    for (int i = 0; i < 500 && server_->boundPort() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->boundPort());
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  httplib::Client& client() { return *client_; }
  pcs::server::App& app() { return server_->app(); }
  int port() const { return server_->boundPort(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path dir_;
  pcs::server::Options options_;
  std::unique_ptr<pcs::server::HttpServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// Runs `check` with the process's time zone set to each of a few zones far from China's (behind
// UTC, a half-hour offset, UTC itself), then restores the zone the test started with. The
// product counts days and months in China Standard Time, so nothing `check` compares may move.
template <class Check>
void inEachTimeZone(Check check) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  for (const char* zone : {"America/Los_Angeles", "Asia/Kathmandu", "UTC"}) {
    ::setenv("TZ", zone, 1);
    ::tzset();
    check(zone);
  }
  if (old)
    ::setenv("TZ", saved.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
}
