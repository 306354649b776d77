#include "net.h"

#include <emscripten/fetch.h>

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "json_util.h"

namespace pcs::client {
namespace {

// What one request keeps alive until its answer: the owner, the handler, and the buffers the
// fetch API reads from while the request is in flight.
struct Pending {
  Net* net = nullptr;
  ResponseHandler done;
  std::string method, url, body, csrf;
  std::vector<const char*> headers;
  bool login = false;
};

void onFetchDone(emscripten_fetch_t* fetch) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(fetch->userData));
  Response response;
  response.status = fetch->status;
  if (fetch->data && fetch->numBytes > 0)
    response.body.assign(fetch->data, static_cast<size_t>(fetch->numBytes));
  emscripten_fetch_close(fetch);
  pending->net->finish(pending->done, std::move(response), pending->login);
}

std::string statusText(int status) {
  if (status == 0) return "无法连接服务器，请检查网络后重试";
  if (status == 401) return "请先登录";
  if (status == 403) return "没有权限进行此操作";
  if (status == 404) return "未找到";
  if (status == 409) return "数据已被他人修改，请刷新后重试";
  if (status == 429) return "请求过于频繁，请稍后再试";
  if (status >= 500) return "服务器出错，请稍后再试";
  return "请求失败（HTTP " + std::to_string(status) + "）";
}

}  // namespace

std::string Response::errorText() const {
  if (ok()) return {};
  if (!body.empty()) {
    const JsonDoc doc = parseJson(body);
    if (doc.valid()) {
      std::string message = str(doc.root(), "error");
      if (!message.empty()) return message;
    }
  }
  return statusText(status);
}

void Net::get(std::string_view path, ResponseHandler done) {
  send("GET", path, {}, std::move(done));
}

void Net::post(std::string_view path, std::string body, ResponseHandler done) {
  send("POST", path, std::move(body), std::move(done));
}

void Net::send(const char* method, std::string_view path, std::string body, ResponseHandler done) {
  auto pending = std::make_unique<Pending>();
  pending->net = this;
  pending->done = std::move(done);
  pending->method = method;
  pending->url = std::string(path);
  pending->body = std::move(body);
  pending->csrf = csrf_;
  pending->login = path == "/api/v1/auth/login";
  pending->headers = {"Accept", "application/json"};
  if (pending->method != "GET") {
    pending->headers.push_back("Content-Type");
    pending->headers.push_back("application/json");
    if (!pending->csrf.empty()) {
      pending->headers.push_back("X-CSRF-Token");
      pending->headers.push_back(pending->csrf.c_str());
    }
  }
  pending->headers.push_back(nullptr);

  emscripten_fetch_attr_t attr;
  emscripten_fetch_attr_init(&attr);
  std::strncpy(attr.requestMethod, pending->method.c_str(), sizeof attr.requestMethod - 1);
  attr.attributes = EMSCRIPTEN_FETCH_LOAD_TO_MEMORY;
  attr.requestHeaders = pending->headers.data();
  if (pending->method != "GET") {
    attr.requestData = pending->body.data();
    attr.requestDataSize = pending->body.size();
  }
  attr.onsuccess = onFetchDone;
  attr.onerror = onFetchDone;  // HTTP errors arrive here too, with their status and body
  attr.userData = pending.get();
  ++inFlight_;
  const std::string url = pending->url;
  pending.release();  // owned by the request until onFetchDone
  emscripten_fetch(&attr, url.c_str());
}

void Net::finish(ResponseHandler& done, Response response, bool loginRequest) {
  --inFlight_;
  const bool ended = response.status == 401 && !loginRequest;
  if (done) done(response);
  if (ended && sessionEnded_) sessionEnded_();
}

std::string urlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace pcs::client
