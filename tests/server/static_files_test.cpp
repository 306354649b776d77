// The web root handler against a real server on 127.0.0.1. Requests go over a raw TCP socket so
// the request target reaches the server byte for byte as written (httplib::Client would
// normalise or re-encode some of the traversal spellings this file is about).
//
// The temporary tree, `base`:
//   web/            the web root: index.html, app.js, app.wasm, style.css, font.otf, ...,
//                   sub/ (nested files), api/ (must stay hidden behind the API routes),
//                   link.txt -> ../outside.txt, sneaky -> ../web2, alias.js -> app.js
//   web2/secret.txt a sibling whose path shares the root's prefix
//   outside.txt     a file next to the root
#include "static_files.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "test_server.h"

namespace {

namespace fs = std::filesystem;

struct RawResponse {
  int status = 0;
  std::string head;                                 // status line and header lines, raw
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  size_t count(const std::string& name) const { return headers.count(name); }
};

// Sends `method target` with `extraHeaders` (each line ending in \r\n) and reads the answer
// until the server closes the connection.
RawResponse rawRequest(int port, const std::string& method, const std::string& target,
                       const std::string& extraHeaders = "") {
  RawResponse r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders +
                        "Connection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    raw.append(buf, static_cast<size_t>(n));
  ::close(fd);

  size_t end = raw.find("\r\n\r\n");
  REQUIRE_MESSAGE(end != std::string::npos, "no complete response for ", target);
  r.head = raw.substr(0, end + 2);
  r.body = raw.substr(end + 4);
  r.status = std::stoi(r.head.substr(9, 3));
  size_t line = r.head.find("\r\n") + 2;
  while (line < r.head.size()) {
    size_t next = r.head.find("\r\n", line);
    std::string h = r.head.substr(line, next - line);
    size_t colon = h.find(':');
    std::string name = h.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = colon == std::string::npos ? "" : h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers.emplace(name, value);
    line = next + 2;
  }
  return r;
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  CHECK(rc == Z_STREAM_END);
  return out;
}

void writeFile(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// Bytes that compress well, like a real WebAssembly module (and unlike random data).
std::string repetitiveBytes(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "\0asm\x01 func " + std::to_string(i % 97) + ";";
  s.resize(n);
  return s;
}

const std::string kIndex = "<!doctype html><title>测试</title><script src=\"app.js\"></script>";
const std::string kScript = "console.log('hello');\n" + std::string(4000, ' ') + "// end\n";
const std::string kSecret = "SECRET-do-not-serve";

// A web root with its hostile neighbours, and a server for it.
struct WebFixture {
  fs::path base;
  fs::path root;
  std::string wasm = repetitiveBytes(200000);
  std::unique_ptr<TestServer> server;

  WebFixture() {
    static int n = 0;
    base = fs::temp_directory_path() /
           ("pcs-static-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    root = base / "web";
    writeFile(root / "index.html", kIndex);
    writeFile(root / "app.js", kScript);
    writeFile(root / "app.wasm", wasm);
    writeFile(root / "style.css", "body{margin:0}");
    writeFile(root / "font.otf", repetitiveBytes(50000));
    writeFile(root / "font.ttf", "ttf");
    writeFile(root / "logo.png", "png");
    writeFile(root / "logo.svg", "<svg/>");
    writeFile(root / "favicon.ico", "ico");
    writeFile(root / "data.bin", "bin");
    writeFile(root / "sub" / "index.html", "<p>sub</p>");
    writeFile(root / "sub" / "deeper" / "data.json", R"({"ok":true})");
    writeFile(root / "api" / "secret.txt", kSecret);
    writeFile(root / ".hidden", kSecret);
    writeFile(base / "web2" / "secret.txt", kSecret);
    writeFile(base / "outside.txt", kSecret);
    fs::create_symlink("../outside.txt", root / "link.txt");
    fs::create_symlink("../web2", root / "sneaky");
    fs::create_symlink(base / "outside.txt", root / "absolute-link.txt");
    fs::create_symlink("app.js", root / "alias.js");
    server = std::make_unique<TestServer>(-1, root.string());
  }
  ~WebFixture() {
    server.reset();
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  RawResponse get(const std::string& target, const std::string& headers = "") {
    return rawRequest(server->port(), "GET", target, headers);
  }
};

// Every refusal looks the same: 404, a fixed body, nothing about the file system.
void checkRefused(const RawResponse& r, const std::string& target) {
  CHECK_MESSAGE(r.status == 404, target, " -> ", r.status);
  CHECK_MESSAGE(r.body == "Not Found", target, " -> ", r.body);
  CHECK_MESSAGE(r.head.find("pcs-static") == std::string::npos, target);
  CHECK(r.header("x-content-type-options") == "nosniff");
}

}  // namespace

TEST_CASE("static: / serves index.html with the page's security headers") {
  WebFixture f;
  RawResponse r = f.get("/");
  REQUIRE(r.status == 200);
  CHECK(r.body == kIndex);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.header("cache-control") == "no-cache");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("x-frame-options") == "DENY");
  CHECK(r.header("referrer-policy") == "no-referrer");
  std::string csp = r.header("content-security-policy");
  CHECK(csp == pcs::server::kPageContentSecurityPolicy);
  CHECK(csp.find("script-src 'self' 'wasm-unsafe-eval'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);

  CHECK(f.get("/index.html").body == kIndex);
  CHECK(f.get("/sub/").body == "<p>sub</p>");
  CHECK(f.get("/sub/deeper/data.json").body == R"({"ok":true})");
}

TEST_CASE("static: non-HTML files carry no page headers") {
  WebFixture f;
  RawResponse r = f.get("/app.js");
  REQUIRE(r.status == 200);
  CHECK(r.body == kScript);
  CHECK(r.count("content-security-policy") == 0);
  CHECK(r.count("x-frame-options") == 0);
  CHECK(r.header("x-content-type-options") == "nosniff");
}

TEST_CASE("static: content types by extension") {
  WebFixture f;
  const std::pair<const char*, const char*> cases[] = {
      {"/index.html", "text/html; charset=utf-8"},
      {"/app.js", "text/javascript"},
      {"/style.css", "text/css"},
      {"/app.wasm", "application/wasm"},
      {"/font.otf", "font/otf"},
      {"/font.ttf", "font/ttf"},
      {"/logo.png", "image/png"},
      {"/logo.svg", "image/svg+xml"},
      {"/sub/deeper/data.json", "application/json"},
      {"/favicon.ico", "image/vnd.microsoft.icon"},
      {"/data.bin", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) {
    RawResponse r = f.get(path);
    CHECK_MESSAGE(r.status == 200, path);
    CHECK_MESSAGE(r.header("content-type") == type, path);
    CHECK_MESSAGE(r.header("x-content-type-options") == "nosniff", path);
  }
  CHECK(pcs::server::staticContentType("A.WASM") == "application/wasm");
  CHECK(pcs::server::staticContentType("README") == "application/octet-stream");
  CHECK(pcs::server::staticContentType("archive.tar.gz") == "application/octet-stream");
}

TEST_CASE("static: traversal in every spelling is refused with 404") {
  WebFixture f;
  const std::string abs = (f.base / "outside.txt").string();
  const std::string targets[] = {
      // Dot segments, plain and percent-encoded in any case mix.
      "/../outside.txt",
      "/sub/../../outside.txt",
      "/./index.html",
      "/%2e%2e/outside.txt",
      "/%2E%2E/outside.txt",
      "/.%2e/outside.txt",
      "/%2e./outside.txt",
      "/%2e%2e%2foutside.txt",
      "/..%2foutside.txt",
      "/..%2Foutside.txt",
      "/sub/..%2f..%2foutside.txt",
      "/..",
      "/%2e%2e",
      // Backslashes, raw and encoded.
      "/%2e%2e%5coutside.txt",
      "/..%5coutside.txt",
      "/..\\outside.txt",
      "/sub\\..\\..\\outside.txt",
      // NUL anywhere.
      "/index.html%00",
      "/index.html%00.png",
      "/%00",
      "/app%00.js",
      // Absolute and drive paths.
      "//etc/passwd",
      "/%2fetc/passwd",
      "/" + abs,
      "//" + abs,
      "/%2f" + abs.substr(1),
      "/C:/Windows/win.ini",
      "/c:%5cwindows%5cwin.ini",
      "/C%3a/Windows/win.ini",
      // The sibling directory with the same prefix, directly and through a symlink.
      "/../web2/secret.txt",
      "/%2e%2e/web2/secret.txt",
      "/sneaky/secret.txt",
      // Symlinks that resolve outside, relative and absolute.
      "/link.txt",
      "/absolute-link.txt",
      // Dot files and directories (only regular files are served).
      "/.hidden",
      "/sub",
      "/sub/deeper",
      "/sub/deeper/",
      // Not there at all.
      "/missing.js",
  };
  for (const std::string& t : targets) {
    RawResponse r = f.get(t);
    checkRefused(r, t);
    CHECK_MESSAGE(r.body.find(kSecret) == std::string::npos, t);
  }
  // HEAD is refused alike (without the body).
  RawResponse head = rawRequest(f.server->port(), "HEAD", "/../outside.txt");
  CHECK(head.status == 404);
  CHECK(head.body.empty());
  CHECK(head.header("x-content-type-options") == "nosniff");
}

TEST_CASE("static: the path is decoded once, never twice") {
  WebFixture f;
  writeFile(f.root / "%2e%2e" / "plain.txt", "literal name");
  // %252e is "%2e" after one decoding: the literal folder above, not a parent reference.
  RawResponse r = f.get("/%252e%252e/plain.txt");
  CHECK(r.status == 200);
  CHECK(r.body == "literal name");
  checkRefused(f.get("/%252e%252e/outside.txt"), "/%252e%252e/outside.txt");
  checkRefused(f.get("/%252e%252e%252foutside.txt"), "/%252e%252e%252foutside.txt");
}

TEST_CASE("static: symlinks that stay inside the root are followed") {
  WebFixture f;
  RawResponse r = f.get("/alias.js");
  CHECK(r.status == 200);
  CHECK(r.body == kScript);
}

TEST_CASE("static: files are cached with an ETag and revalidated with 304") {
  WebFixture f;
  RawResponse r = f.get("/app.wasm");
  REQUIRE(r.status == 200);
  CHECK(r.header("cache-control") == "public, max-age=300");
  const std::string etag = r.header("etag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');

  RawResponse again = f.get("/app.wasm", "If-None-Match: " + etag + "\r\n");
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("etag") == etag);
  CHECK(again.header("cache-control") == "public, max-age=300");
  CHECK(again.header("x-content-type-options") == "nosniff");

  CHECK(f.get("/app.wasm", "If-None-Match: \"other\", W/" + etag + "\r\n").status == 304);
  CHECK(f.get("/app.wasm", "If-None-Match: *\r\n").status == 304);
  CHECK(f.get("/app.wasm", "If-None-Match: \"other\"\r\n").status == 200);

  // index.html may be stored but must be revalidated; the revalidation is cheap too.
  RawResponse page = f.get("/");
  CHECK(page.header("cache-control") == "no-cache");
  REQUIRE(!page.header("etag").empty());
  RawResponse page304 = f.get("/", "If-None-Match: " + page.header("etag") + "\r\n");
  CHECK(page304.status == 304);
  CHECK(page304.header("x-frame-options") == "DENY");

  // A changed file gets a new tag, so the old one no longer matches.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  writeFile(f.root / "app.wasm", f.wasm + "more");
  RawResponse changed = f.get("/app.wasm", "If-None-Match: " + etag + "\r\n");
  CHECK(changed.status == 200);
  CHECK(changed.header("etag") != etag);
  CHECK(changed.body == f.wasm + "more");
}

TEST_CASE("static: wasm and fonts are sent gzip-compressed when accepted") {
  WebFixture f;
  RawResponse plain = f.get("/app.wasm");
  CHECK(plain.count("content-encoding") == 0);
  CHECK(plain.header("vary") == "Accept-Encoding");
  CHECK(plain.body == f.wasm);

  RawResponse gz = f.get("/app.wasm", "Accept-Encoding: gzip, deflate, br\r\n");
  REQUIRE(gz.status == 200);
  CHECK(gz.count("content-encoding") == 1);
  CHECK(gz.header("content-encoding") == "gzip");
  CHECK(gz.header("vary") == "Accept-Encoding");
  CHECK(gz.header("content-type") == "application/wasm");
  CHECK(gz.body.size() < f.wasm.size() / 4);
  CHECK(std::stoul(gz.header("content-length")) == gz.body.size());
  CHECK(gunzip(gz.body) == f.wasm);
  // The two encodings are different representations with different validators.
  CHECK(gz.header("etag") != plain.header("etag"));
  CHECK(
      f.get("/app.wasm", "Accept-Encoding: gzip\r\nIf-None-Match: " + plain.header("etag") + "\r\n")
          .status == 200);
  CHECK(f.get("/app.wasm", "Accept-Encoding: gzip\r\nIf-None-Match: " + gz.header("etag") + "\r\n")
            .status == 304);

  // The cached copy is the same on the next request, and is replaced when the file changes.
  CHECK(f.get("/app.wasm", "Accept-Encoding: gzip\r\n").body == gz.body);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  writeFile(f.root / "app.wasm", "changed " + f.wasm);
  CHECK(gunzip(f.get("/app.wasm", "Accept-Encoding: gzip\r\n").body) == "changed " + f.wasm);

  RawResponse font = f.get("/font.otf", "Accept-Encoding: gzip\r\n");
  CHECK(font.header("content-encoding") == "gzip");
  CHECK(gunzip(font.body) == repetitiveBytes(50000));

  // gzip refused by quality zero, or not offered: identity.
  for (const char* ae : {"gzip;q=0", "br", "identity", "gzip; q=0.000, identity"}) {
    RawResponse r = f.get("/app.wasm", std::string("Accept-Encoding: ") + ae + "\r\n");
    CHECK_MESSAGE(r.count("content-encoding") == 0, ae);
    CHECK_MESSAGE(r.body == "changed " + f.wasm, ae);
  }
}

TEST_CASE("static: text is compressed once, by httplib, never twice") {
  WebFixture f;
  RawResponse r = f.get("/app.js", "Accept-Encoding: gzip\r\n");
  REQUIRE(r.status == 200);
  CHECK(r.count("content-encoding") == 1);
  CHECK(r.header("content-encoding") == "gzip");
  CHECK(r.header("vary") == "Accept-Encoding");
  CHECK(gunzip(r.body) == kScript);
  // The bytes depend on the coding httplib picks, so the tag is weak.
  CHECK(r.header("etag").rfind("W/\"", 0) == 0);
}

TEST_CASE("static: HEAD answers with the headers and no body") {
  WebFixture f;
  RawResponse r = rawRequest(f.server->port(), "HEAD", "/app.wasm");
  CHECK(r.status == 200);
  CHECK(r.body.empty());
  CHECK(r.header("content-type") == "application/wasm");
  CHECK(r.header("content-length") == std::to_string(f.wasm.size()));
  CHECK(!r.header("etag").empty());

  RawResponse page = rawRequest(f.server->port(), "HEAD", "/");
  CHECK(page.status == 200);
  CHECK(page.body.empty());
  CHECK(page.header("x-frame-options") == "DENY");
}

TEST_CASE("static: CR and LF in the path cannot inject a header") {
  WebFixture f;
  const std::string targets[] = {
      "/%0d%0aSet-Cookie:%20injected=1", "/index.html%0d%0aX-Injected:%20yes",
      "/app.js%0aX-Injected:%20yes",     "/app.js%0dX-Injected:%20yes",
      "/sub/%0d%0a%0d%0a<html>injected",
  };
  for (const std::string& t : targets) {
    RawResponse r = f.get(t);
    checkRefused(r, t);
    CHECK_MESSAGE(r.count("set-cookie") == 0, t);
    CHECK_MESSAGE(r.count("x-injected") == 0, t);
    CHECK_MESSAGE(r.head.find("njected") == std::string::npos, t);
  }
  // In the query string: the file is served, still without the header.
  RawResponse q = f.get("/index.html?x=%0d%0aX-Injected:%20yes");
  CHECK(q.status == 200);
  CHECK(q.count("x-injected") == 0);
  CHECK(q.head.find("njected") == std::string::npos);
}

TEST_CASE("static: the API routes keep their paths") {
  WebFixture f;
  RawResponse health = f.get("/api/v1/health");
  CHECK(health.status == 200);
  CHECK(health.body.find("ok") != std::string::npos);
  RawResponse unknown = f.get("/api/v1/nope");
  CHECK(unknown.status == 404);
  CHECK(unknown.header("content-type").find("application/json") == 0);
  // A folder named api in the web root stays hidden behind the API prefix.
  RawResponse file = f.get("/api/secret.txt");
  CHECK(file.status == 404);
  CHECK(file.body.find(kSecret) == std::string::npos);
}

TEST_CASE("static: a missing web root answers 404, and is picked up once created") {
  TestServer s;  // its own, empty web folder
  std::error_code ec;
  fs::remove_all(s.dir() / "web", ec);
  checkRefused(rawRequest(s.port(), "GET", "/"), "/ (no root)");
  writeFile(s.dir() / "web" / "index.html", kIndex);
  CHECK(rawRequest(s.port(), "GET", "/").body == kIndex);
}
