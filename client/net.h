#pragma once
// The client's only way to the server: asynchronous HTTP requests to the API on the page's own
// origin (the browser sends the session cookie itself). Answers arrive between frames, on the
// main thread, through the callback given with the request.
//
// Every state-changing request carries the session's CSRF token (X-CSRF-Token). A 401 on any
// request but the login itself means the session ended; the owner learns it through
// onSessionEnded and shows the sign-in screen again.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pcs::client {

struct Response {
  int status = 0;    // HTTP status; 0 when the server could not be reached at all
  std::string body;  // the answer's body (JSON for the API)

  bool ok() const { return status >= 200 && status < 300; }
  // The message to show for a failed request: the server's {"error": ...} text when there is
  // one, otherwise a Chinese description of the status.
  std::string errorText() const;
};

using ResponseHandler = std::function<void(const Response&)>;

class Net {
 public:
  // `path` starts with /api/v1/. The handler runs exactly once.
  void get(std::string_view path, ResponseHandler done);
  void post(std::string_view path, std::string body, ResponseHandler done);

  void setCsrfToken(std::string token) { csrf_ = std::move(token); }
  void setSessionEndedHandler(std::function<void()> handler) { sessionEnded_ = std::move(handler); }

  // Requests sent and not yet answered.
  int inFlight() const { return inFlight_; }

  // Called by the transport; not for screens.
  void finish(ResponseHandler& done, Response response, bool loginRequest);

 private:
  void send(const char* method, std::string_view path, std::string body, ResponseHandler done);

  std::string csrf_;
  std::function<void()> sessionEnded_;
  int inFlight_ = 0;
};

// Percent-encodes `text` for a URL query value.
std::string urlEncode(std::string_view text);

}  // namespace pcs::client
