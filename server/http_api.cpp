#include "http_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cereal/types/string.hpp>
#include <chrono>
#include <cstdio>

#include "app.h"
#include "auth.h"
#include "demo.h"
#include "json.h"
#include "log.h"
#include "pcs/error.h"
#include "routes.h"
#include "routing_learning.h"
#include "scheduler.h"
#include "static_files.h"

namespace pcs::server {

int httpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput:
      return 400;
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Forbidden:
      return 403;
    case ErrorCode::Conflict:
      return 409;
    case ErrorCode::Unavailable:
      return 503;
  }
  return 500;
}

std::string errorJson(const std::string& message) {
  return toJson([&](auto& ar) { ar(cereal::make_nvp("error", message)); });
}

struct HttpServer::State {
  explicit State(const Options& o) : options(o), app(o), auth(app, o.secureCookies) {}
  Options options;
  App app;
  Auth auth;
  httplib::Server http;
  std::atomic<int> port{0};
  std::atomic<int> listenSocket{-1};  // the listening socket, once httplib has made it
  // A stop() can come between bind and listen (a test that ends at once): run() then does not
  // start listening, or stop() waits until httplib is running so its stop() takes effect.
  std::atomic<bool> stopping{false};
  std::atomic<bool> listening{false};
  Scheduler scheduler{app};  // stopped before app goes
};

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
// When the request this thread is serving arrived (for the request log).
thread_local std::chrono::steady_clock::time_point t_requestStart;
constexpr int kReadTimeoutSeconds = 5;        // a request's headers and body must arrive by then
constexpr int kWriteTimeoutSeconds = 10;      // the largest file must leave by then on a slow line
constexpr int kKeepAliveSeconds = 2;          // an idle connection is closed after this
constexpr int kKeepAliveMaxRequests = 10000;  // requests per connection before it is recycled:
// high, because each reconnect costs a handshake and a worker hand-over
// Connections the kernel may hold waiting for accept(). Debian's compiled httplib listens with a
// backlog of 5: 64 clients connecting at once overflowed it, and the handshakes the kernel
// dropped were reset about a second later, so the client's first request failed with no answer
// (docs/benchmarks.md, 2e). run() raises it on the same socket before serving.
constexpr int kListenBacklog = SOMAXCONN;

void fail(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(errorJson(message), kJson);
}

void seedDemoData(HttpServer::State& s) {
  // One hash for every demo account: they share the published demo password, and hashing it
  // once keeps the first start quick.
  std::string hash;
  const bool seeded = seedDemo(
      s.app,
      [&s, &hash](const DemoUser& u, const std::string& password) {
        if (hash.empty()) hash = s.auth.hashPassword(password);
        NewUser n;
        n.login = u.login;
        n.displayName = u.displayName;
        n.unitId = u.unitId;
        n.roles = u.roles;
        n.passwordHash = hash;
        return s.auth.createUser(n, ChangeAuthor{"system", "city.housing"}).id;
      },
      s.options.demoCases, s.options.demoSeed);
  // Today's scheduler jobs at once, so the freshly loaded complaints already show their
  // reminders and ledger proposals (R10-R12) instead of a minute after the start.
  if (seeded && s.options.demoCases > 0) s.scheduler.runDue(s.app.now());
}

}  // namespace

HttpServer::HttpServer(const Options& options) : state_(std::make_unique<State>(options)) {
  State& s = *state_;
  if (options.demo) seedDemoData(s);
  s.app.routingLearning().rebuild(s.app.db());  // learns the closed cases, demo ones included
  s.scheduler.start();

  s.http.set_tcp_nodelay(true);
  // Replaces httplib's default socket options, which set SO_REUSEPORT on Linux: with it a second
  // server started on a port in use would bind as well and silently take half the connections.
  // SO_REUSEADDR still lets a restarted server bind while old connections linger in TIME_WAIT.
  // The callback runs on the listening socket before bind; run() needs it for the backlog.
  s.http.set_socket_options([&s](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    s.listenSocket = sock;
  });
  s.http.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(threads); };
  // A connection holds a worker thread while it is open: short read timeouts and a bounded
  // keep-alive stop a handful of slow or idle clients from starving everyone else.
  s.http.set_read_timeout(kReadTimeoutSeconds, 0);
  s.http.set_write_timeout(kWriteTimeoutSeconds, 0);
  s.http.set_keep_alive_timeout(kKeepAliveSeconds);
  s.http.set_keep_alive_max_count(kKeepAliveMaxRequests);
  s.http.set_payload_max_length(options.maxBodyBytes);

  s.http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const Error& e) {
          fail(res, httpStatusFor(e.code()), e.what());
        } catch (const Unauthorized& e) {
          fail(res, 401, e.what());
        } catch (const TooManyAttempts& e) {
          res.set_header("Retry-After", std::to_string(e.retryAfter()));
          fail(res, 429, e.what());
        } catch (const std::exception& e) {
          logError(req.method + " " + req.path, e.what());
          fail(res, 500, "internal error; the server log has the details");
        }
      });
  // One line per API request (and per refused request of any kind): method, path, status and
  // time taken. The pre-routing handler below stamps the start on the serving thread.
  s.http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const bool api = req.path.rfind("/api/", 0) == 0 || req.path.rfind("/open311/", 0) == 0;
    if (!api && res.status < 400) return;
    const auto took = std::chrono::steady_clock::now() - t_requestStart;
    char ms[32];
    std::snprintf(ms, sizeof ms, " %.1f ms",
                  std::chrono::duration<double, std::milli>(took).count());
    const std::string line = std::to_string(res.status) + ms;
    if (res.status >= 500)
      logError(req.method + " " + req.path, line);
    else
      logInfo(req.method + " " + req.path, line);
  });

  // httplib answers any Range header itself, and a list of thousands of ranges over one file
  // made it build a response of hundreds of megabytes. One range is plenty for this server.
  s.http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    t_requestStart = std::chrono::steady_clock::now();
    const std::string range = req.get_header_value("Range");
    if (range.find(',') == std::string::npos) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 416;
    res.set_content(errorJson("only one byte range per request is served"), kJson);
    return httplib::Server::HandlerResponse::Handled;
  });

  s.http.Get("/api/v1/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  registerCalendarRoutes(s.http, s.app);
  registerAuthRoutes(s.http, s.app, s.auth);
  registerCaseRoutes(s.http, s.app, s.auth);
  registerImportRoutes(s.http, s.app, s.auth);
  registerAttachmentRoutes(s.http, s.app, s.auth);
  registerExportRoutes(s.http, s.app, s.auth);
  registerAdminRoutes(s.http, s.app, s.auth);
  registerOpen311Routes(s.http, s.app, s.auth);
  registerReportRoutes(s.http, s.app, s.auth);
  registerMeetingRoutes(s.http, s.app, s.auth);
  registerSurveyRoutes(s.http, s.app, s.auth);
  registerProcedureRoutes(s.http, s.app, s.auth);
  registerPublicationRoutes(s.http, s.app, s.auth);
  registerPublicPages(s.http, s.app);
  // Anything else under /api/ is an unknown endpoint, not a file.
  s.http.Get("/api/.*", [](const httplib::Request& req, httplib::Response& res) {
    fail(res, 404, "no such endpoint: " + req.path);
  });

  if (!registerStaticFiles(s.http, options.webRoot))
    logWarn("web", "web root " + options.webRoot + " does not exist; only the API is served");
}

HttpServer::~HttpServer() = default;

bool HttpServer::run() {
  State& s = *state_;
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
    if (port < 0) return false;
  } else if (!s.http.bind_to_port(s.options.host, port)) {
    logError("listen", "cannot bind " + s.options.host + ":" + std::to_string(port));
    return false;
  }
  s.port = port;
  // listen() again on a listening socket only changes its backlog (Linux, BSD).
  if (s.listenSocket < 0 || ::listen(s.listenSocket, kListenBacklog) != 0)
    logWarn("listen", "could not raise the listen backlog; bursts of new connections may fail");
  logInfo("listen", "http://" + s.options.host + ":" + std::to_string(port) + "/");
  s.listening = true;
  if (s.stopping) return true;
  return s.http.listen_after_bind();
}

void HttpServer::stop() {
  State& s = *state_;
  s.scheduler.stop();
  s.stopping = true;
  // httplib's stop() does nothing before its listen loop runs, so a stop between bind and
  // listen would be lost; run() saw `stopping` (and returns) or this sees `listening`.
  for (int i = 0; i < 5000 && s.listening && !s.http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  s.http.stop();
}
int HttpServer::boundPort() const {
  return state_->port;
}
App& HttpServer::app() {
  return state_->app;
}

}  // namespace pcs::server
