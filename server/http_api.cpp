#include "http_api.h"

#include <httplib.h>

#include <atomic>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "json.h"
#include "log.h"
#include "pcs/calendar.h"
#include "pcs/deadline.h"
#include "pcs/error.h"

namespace pcs::server {

std::string errorJson(const std::string& message) {
  return toJson([&](auto& ar) { ar(cereal::make_nvp("error", message)); });
}

struct HttpServer::State {
  Options options;
  httplib::Server http;
  Calendar calendar = Calendar::builtin();
  RuleSet rules = RuleSet::builtin();
  std::atomic<int> port{0};
};

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

int statusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput: return 400;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::Unavailable: return 503;
  }
  return 500;
}

void fail(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(errorJson(message), kJson);
}

Date requireDate(const std::string& text, const char* what) {
  auto d = Date::parse(text);
  if (!d) throw Error(ErrorCode::InvalidInput, std::string(what) + " must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

void routeCalendar(HttpServer::State& s) {
  s.http.Get(R"(/api/v1/calendar/([^/]+))", [&s](const httplib::Request& req, httplib::Response& res) {
    Date d = requireDate(req.matches[1], "the calendar date");
    DayInfo info = s.calendar.info(d);
    res.set_content(toJson([&](auto& ar) {
                      ar(cereal::make_nvp("date", d.toString()),
                         cereal::make_nvp("working", info.working),
                         cereal::make_nvp("kind", std::string(dayKindKey(info.kind))),
                         cereal::make_nvp("name", info.name),
                         cereal::make_nvp("weekday", std::string(weekdayNameZh(d.isoWeekday()))),
                         cereal::make_nvp("provisional", info.provisional));
                    }),
                    kJson);
  });

  s.http.Get("/api/v1/deadline", [&s](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("rule") || !req.has_param("from"))
      throw Error(ErrorCode::InvalidInput, "deadline needs ?rule=T1..T15&from=YYYY-MM-DD");
    const Rule* rule = s.rules.find(req.get_param_value("rule"));
    if (!rule) throw Error(ErrorCode::InvalidInput, "unknown rule '" + req.get_param_value("rule") + "'");
    Date from = requireDate(req.get_param_value("from"), "from");
    Deadline dl = computeDeadline(*rule, from, s.calendar);
    res.set_content(toJson([&](auto& ar) {
                      ar(cereal::make_nvp("rule", rule->id),
                         cereal::make_nvp("title", rule->title),
                         cereal::make_nvp("from", from.toString()),
                         cereal::make_nvp("due", dl.due.toString()),
                         cereal::make_nvp("unit", std::string(ruleUnitKey(rule->unit))),
                         cereal::make_nvp("amount", rule->amount),
                         cereal::make_nvp("provisional", dl.provisional),
                         cereal::make_nvp("explanation", dl.explanation));
                    }),
                    kJson);
  });
}

}  // namespace

HttpServer::HttpServer(const Options& options) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.options = options;
  s.http.set_tcp_nodelay(true);
  s.http.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(threads); };

  s.http.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                  std::exception_ptr ep) {
    try {
      std::rethrow_exception(ep);
    } catch (const Error& e) {
      fail(res, statusFor(e.code()), e.what());
    } catch (const std::exception& e) {
      logError(req.path, e.what());
      fail(res, 500, "internal error");
    }
  });

  s.http.Get("/api/v1/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  routeCalendar(s);

  if (!s.http.set_mount_point("/", options.webRoot))
    logWarn("web", "web root " + options.webRoot + " does not exist; only the API is served");
  s.http.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
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
  logInfo("listen", "http://" + s.options.host + ":" + std::to_string(port) + "/");
  return s.http.listen_after_bind();
}

void HttpServer::stop() { state_->http.stop(); }
int HttpServer::boundPort() const { return state_->port; }

}  // namespace pcs::server
