#pragma once
// The HTTP front: routes under /api/v1/ and the static web root. Handlers are thin: they parse,
// call the domain, and turn pcs::Error into a status code with a message.

#include <memory>

#include "options.h"

namespace httplib {
class Server;
}

namespace pcs::server {

class HttpServer {
 public:
  explicit HttpServer(const Options& options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and serves until stop(); false when the address could not be bound.
  bool run();
  // Stops accepting; requests in flight finish. Safe from any thread.
  void stop();
  // The port actually bound (useful with --port 0), valid once run() is listening.
  int boundPort() const;
  class App& app();

  struct State;  // defined in http_api.cpp; public so route helpers there can take it

 private:
  std::unique_ptr<State> state_;
};

}  // namespace pcs::server
