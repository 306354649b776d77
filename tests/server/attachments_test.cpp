// Case attachments: the name and type checks on their own, then the routes against a real
// server, including malformed multipart bodies sent byte for byte over a raw socket.
#include "attachments.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "api_client.h"
#include "audit.h"
#include "test_server.h"

using pcs::server::contentDisposition;
using pcs::server::kMaxAttachmentBytes;
using pcs::server::sanitizeFileName;
using pcs::server::sniffFileType;

namespace {

const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "\0\0\0\rIHDR-test-image";
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "JFIF-test-photo";
const std::string kPdf = "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";

// ---- a logged-in session for multipart requests ---------------------------------------------

struct Session {
  int port = 0;
  std::string cookie, csrf;

  Session(int p, const std::string& login) : port(p) {
    httplib::Client c("127.0.0.1", port);
    auto res = c.Post("/api/v1/auth/login",
                      R"({"login":")" + login + R"(","password":")" +
                          std::string(pcs::server::kDemoPassword) + R"("})",
                      "application/json");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, login, ": ", res->body);
    const std::string setCookie = res->get_header_value("Set-Cookie");
    cookie = setCookie.substr(0, setCookie.find(';'));
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    csrf = d["csrf_token"].GetString();
  }

  httplib::Result upload(const std::string& caseId, const std::string& content,
                         const std::string& fileName,
                         const std::string& declared = "application/octet-stream") {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    httplib::MultipartFormDataItems items = {{"file", content, fileName, declared}};
    return c.Post(("/api/v1/cases/" + caseId + "/attachments").c_str(),
                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, items);
  }

  httplib::Result get(const std::string& path) {
    httplib::Client c("127.0.0.1", port);
    return c.Get(path.c_str(), {{"Cookie", cookie}});
  }
};

std::string newCase(int port, const std::string& estate = "e-1") {
  ApiUser clerk(port, estate == "e-1" ? "c01.clerk" : "c02.clerk");
  ApiResult r = clerk.post(
      "/api/v1/cases",
      R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试甲",)"
      R"("complainant_contact":"139-0000-0001","estate_id":")" +
          estate + R"(","content":"楼道堆满杂物，物业不清理，附现场照片"})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json["case"]["id"].GetString();
}

int64_t storedAttachments(pcs::server::App& app) {
  return app.db().reader().execAndGet("SELECT COUNT(*) FROM attachments").getInt64();
}

// ---- raw requests ---------------------------------------------------------------------------

struct RawAnswer {
  int status = 0;  // 0: no answer before the socket timed out or closed
  std::string text;
  double seconds = 0;
};

// Sends `bytes` to the server exactly as given and reads until the server closes the
// connection (the requests carry `Connection: close`) or 5 s pass.
RawAnswer sendRaw(int port, const std::string& bytes) {
  RawAnswer a;
  const auto start = std::chrono::steady_clock::now();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  // The server may answer and close before it read everything (413); stop sending then.
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    a.text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (a.text.rfind("HTTP/1.1 ", 0) == 0) a.status = std::atoi(a.text.c_str() + 9);
  return a;
}

std::string rawPost(const Session& s, const std::string& caseId, const std::string& contentType,
                    const std::string& body) {
  return "POST /api/v1/cases/" + caseId +
         "/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: " + s.cookie +
         "\r\nX-CSRF-Token: " + s.csrf + "\r\nContent-Type: " + contentType +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A download read off the wire: httplib's client percent-decodes response header values.
RawAnswer rawGet(const Session& s, const std::string& path) {
  return sendRaw(s.port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                             "Cookie: " + s.cookie + "\r\n\r\n");
}

std::string header(const RawAnswer& a, const std::string& name) {
  const size_t end = a.text.find("\r\n\r\n");
  const std::string head = a.text.substr(0, end);
  const size_t at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const size_t from = at + name.size() + 4;
  return head.substr(from, head.find("\r\n", from) - from);
}

std::string part(const std::string& boundary, const std::string& fileName,
                 const std::string& content) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
         fileName + "\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n--" + boundary +
         "--\r\n";
}

}  // namespace

// ---- checks without a server ----------------------------------------------------------------

TEST_CASE("attachments: the type comes from the magic bytes only") {
  CHECK(std::string(sniffFileType(kJpeg)->mime) == "image/jpeg");
  CHECK(std::string(sniffFileType(kPng)->mime) == "image/png");
  CHECK(std::string(sniffFileType(kPdf)->mime) == "application/pdf");
  CHECK_FALSE(sniffFileType(""));
  CHECK_FALSE(sniffFileType("\xFF\xD8"));  // too short for JPEG
  CHECK_FALSE(sniffFileType("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"));
  CHECK_FALSE(sniffFileType("<!DOCTYPE html><script>alert(1)</script>"));
  CHECK_FALSE(sniffFileType(" %PDF-1.4"));  // not at the start
  CHECK_FALSE(sniffFileType(std::string("\x89PNG\r\n\x1A", 7)));
}

TEST_CASE("attachments: file names are sanitised") {
  CHECK(sanitizeFileName("现场照片.jpg") == "现场照片.jpg");
  CHECK(sanitizeFileName("../../etc/passwd") == "passwd");
  CHECK(sanitizeFileName("C:\\Users\\李\\Desktop\\整改通知.pdf") == "整改通知.pdf");
  CHECK(sanitizeFileName("a\r\nSet-Cookie: x=1.pdf") == "aSet-Cookie_ x=1.pdf");
  CHECK(sanitizeFileName("say \"hi\" it's.png") == "say hi its.png");
  CHECK(sanitizeFileName(std::string("nul\0byte.png", 12)) == "nulbyte.png");
  CHECK(sanitizeFileName("photo\xE2\x80\xAE"
                         "gpj.exe") == "photogpj.exe");  // U+202E removed
  CHECK(sanitizeFileName("bad\xFF\xC0\xAFutf8.png") == "bad___utf8.png");
  CHECK(sanitizeFileName("") == "附件");
  CHECK(sanitizeFileName("../..") == "附件");
  CHECK(sanitizeFileName("  ..  ") == "附件");
  CHECK(sanitizeFileName("dir/") == "附件");

  // 100 code points at most, the extension kept.
  std::string longName;
  for (int i = 0; i < 150; ++i) longName += "长";
  const std::string cut = sanitizeFileName(longName + ".pdf");
  CHECK(cut.size() == 96 * 3 + 4);
  CHECK(cut.substr(cut.size() - 4) == ".pdf");
  CHECK(sanitizeFileName(longName).size() == 100 * 3);

  // With a checked type, a name that does not end in it gets the type's extension.
  const auto pdf = sniffFileType(kPdf);
  CHECK(sanitizeFileName("scan.jpg", pdf) == "scan.jpg.pdf");
  CHECK(sanitizeFileName("报告.PDF", pdf) == "报告.PDF");
  CHECK(sanitizeFileName("", pdf) == "附件.pdf");
  CHECK(sanitizeFileName("photo.JPEG", sniffFileType(kJpeg)) == "photo.JPEG");
  CHECK(sanitizeFileName(longName + ".html", pdf).size() == 96 * 3 + 4);
}

TEST_CASE("attachments: the download header has an ASCII fallback and the UTF-8 name") {
  CHECK(contentDisposition("现场 照片.jpg") ==
        "attachment; filename=\"attachment.jpg\"; "
        "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%E7%85%A7%E7%89%87.jpg");
  CHECK(contentDisposition("报告2025.pdf") ==
        "attachment; filename=\"__2025.pdf\"; "
        "filename*=UTF-8''%E6%8A%A5%E5%91%8A2025.pdf");
  const std::string h = contentDisposition("x\r\n\"; evil=1%.pdf");
  CHECK(h.find('\r') == std::string::npos);
  CHECK(h.find('\n') == std::string::npos);
  CHECK(h == "attachment; filename=\"x_ evil=1_.pdf\"; filename*=UTF-8''x%3B%20evil%3D1%25.pdf");
}

// ---- the routes -----------------------------------------------------------------------------

TEST_CASE("attachments: a photo is uploaded, listed, shown with the case and downloaded") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.s01.handler");

  auto res = clerk.upload(id, kPng, "楼道.png", "image/png");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  const std::string attId = d["attachment"]["id"].GetString();
  CHECK(std::string(d["attachment"]["file_name"].GetString()) == "楼道.png");
  CHECK(std::string(d["attachment"]["mime_type"].GetString()) == "image/png");
  CHECK(d["attachment"]["size"].GetInt64() == static_cast<int64_t>(kPng.size()));
  CHECK(std::string(d["attachment"]["sha256"].GetString()) == pcs::server::sha256Hex(kPng));
  CHECK(res->get_header_value("Location") == "/api/v1/attachments/" + attId);

  auto list = clerk.get("/api/v1/cases/" + id + "/attachments");
  REQUIRE(list);
  CHECK(list->status == 200);
  d.Parse(list->body.c_str());
  REQUIRE(d["attachments"].Size() == 1);
  CHECK(std::string(d["attachments"][0]["id"].GetString()) == attId);

  ApiUser dispatcher(s.port(), "c01.dispatcher");
  ApiResult view = dispatcher.get("/api/v1/cases/" + id);
  REQUIRE(view.status == 200);
  REQUIRE(view.json["case"]["attachments"].Size() == 1);
  CHECK(std::string(view.json["case"]["attachments"][0]["file_name"].GetString()) == "楼道.png");

  auto dl = clerk.get("/api/v1/attachments/" + attId);
  REQUIRE(dl);
  CHECK(dl->status == 200);
  CHECK(dl->body == kPng);
  CHECK(dl->get_header_value("Content-Type") == "image/png");
  CHECK(dl->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(dl->get_header_value("Cache-Control") == "private, no-store");
  const RawAnswer wire = rawGet(clerk, "/api/v1/attachments/" + attId);
  CHECK(header(wire, "Content-Disposition") ==
        "attachment; filename=\"attachment.png\"; filename*=UTF-8''%E6%A5%BC%E9%81%93.png");

  CHECK(clerk.get("/api/v1/attachments/att-000000000000000000000000")->status == 404);

  auto& db = s.app().db().reader();
  CHECK(db.execAndGet("SELECT COUNT(*) FROM audit WHERE action='case.attachment' AND subject="
                      "'case:" +
                      id + "' AND detail LIKE '%楼道.png%'")
            .getInt() == 1);
  CHECK(pcs::server::verifyAudit(db).ok);
}

TEST_CASE("attachments: the content decides the type, not the name or the declared type") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");

  auto res = clerk.upload(id, kPdf, "scan.jpg", "image/jpeg");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  CHECK(std::string(d["attachment"]["mime_type"].GetString()) == "application/pdf");
  CHECK(std::string(d["attachment"]["file_name"].GetString()) == "scan.jpg.pdf");
  auto dl = clerk.get(std::string("/api/v1/attachments/") + d["attachment"]["id"].GetString());
  CHECK(dl->get_header_value("Content-Type") == "application/pdf");

  const int64_t before = storedAttachments(s.app());
  for (const auto& [content, name] : std::vector<std::pair<std::string, std::string>>{
           {"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "photo.png"},
           {"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "photo.png"},
           {"MZ\x90\0 an executable", "report.pdf"},
           {"GIF89a", "a.gif"}}) {
    auto r = clerk.upload(id, content, name, "image/png");
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 415, name, " -> ", r->body);
    CHECK(r->body.find("JPEG, PNG or PDF") != std::string::npos);
  }
  CHECK(storedAttachments(s.app()) == before);
}

TEST_CASE("attachments: a hostile file name is stored sanitised and downloads safely") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");
  const std::string mp = "multipart/form-data; boundary=b0undary";

  // Path parts, control characters, quotes and markup, byte for byte as a hostile client sends.
  RawAnswer a =
      sendRaw(s.port(),
              rawPost(clerk, id, mp, part("b0undary", "../../etc/\x01x\t\"evil\" <b>.pdf", kPdf)));
  REQUIRE_MESSAGE(a.status == 201, a.text);
  rapidjson::Document d;
  d.Parse(a.text.substr(a.text.find("\r\n\r\n") + 4).c_str());
  CHECK(std::string(d["attachment"]["file_name"].GetString()) == "xevil _b_.pdf");
  const RawAnswer dl =
      rawGet(clerk, std::string("/api/v1/attachments/") + d["attachment"]["id"].GetString());
  CHECK(dl.status == 200);
  CHECK(header(dl, "Content-Disposition") ==
        "attachment; filename=\"xevil _b_.pdf\"; filename*=UTF-8''xevil%20_b_.pdf");
  CHECK(header(dl, "Set-Cookie").empty());

  // A bare CR or LF inside the name: httplib does not recognise the part's header, so the form
  // has no `file` part and nothing is stored (sanitizeFileName strips them in any case, as the
  // test of names shows).
  for (const char* name : {"x\rSet-Cookie: a=b.pdf", "x\nSet-Cookie: a=b.pdf"}) {
    RawAnswer r = sendRaw(s.port(), rawPost(clerk, id, mp, part("b0undary", name, kPdf)));
    CHECK_MESSAGE(r.status == 400, r.text);
  }
  CHECK(storedAttachments(s.app()) == 1);
}

TEST_CASE("attachments: another county's user gets 404 for upload, list and download") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk"), other(s.port(), "c02.dispatcher");
  auto res = clerk.upload(id, kJpeg, "a.jpg");
  REQUIRE(res->status == 201);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  const std::string attId = d["attachment"]["id"].GetString();

  auto up = other.upload(id, kJpeg, "b.jpg");
  CHECK(up->status == 404);
  CHECK(other.get("/api/v1/cases/" + id + "/attachments")->status == 404);
  auto dl = other.get("/api/v1/attachments/" + attId);
  CHECK(dl->status == 404);
  CHECK(dl->body.find(kJpeg) == std::string::npos);
  CHECK(storedAttachments(s.app()) == 1);
}

TEST_CASE("attachments: oversight cannot upload but can list and download") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk"), oversight(s.port(), "city.discipline");
  auto res = clerk.upload(id, kJpeg, "a.jpg");
  REQUIRE(res->status == 201);
  rapidjson::Document d;
  d.Parse(res->body.c_str());

  auto up = oversight.upload(id, kJpeg, "b.jpg");
  CHECK(up->status == 403);
  CHECK(oversight.get("/api/v1/cases/" + id + "/attachments")->status == 200);
  auto dl = oversight.get(std::string("/api/v1/attachments/") + d["attachment"]["id"].GetString());
  CHECK(dl->status == 200);
  CHECK(dl->body == kJpeg);
  CHECK(storedAttachments(s.app()) == 1);
}

TEST_CASE("attachments: a merged case takes no more attachments") {
  TestServer s(0);
  const std::string a = newCase(s.port()), b = newCase(s.port());
  ApiUser dispatcher(s.port(), "c01.dispatcher");
  ApiResult r = dispatcher.post(
      "/api/v1/cases/" + a + "/actions",
      R"({"action":"merge","target_case_id":")" + b + R"(","reason":"同一投诉人重复反映"})");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  Session clerk(s.port(), "c01.clerk");
  auto res = clerk.upload(a, kPng, "a.png");
  CHECK(res->status == 409);
  CHECK(storedAttachments(s.app()) == 0);
  CHECK(clerk.upload(b, kPng, "b.png")->status == 201);
}

TEST_CASE("attachments: a case holds at most 20 attachments") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");
  for (int i = 0; i < pcs::server::kMaxAttachmentsPerCase; ++i)
    REQUIRE(clerk.upload(id, kPng, std::to_string(i) + ".png")->status == 201);
  auto res = clerk.upload(id, kPng, "extra.png");
  CHECK(res->status == 409);
  CHECK(res->body.find("20") != std::string::npos);
  CHECK(storedAttachments(s.app()) == pcs::server::kMaxAttachmentsPerCase);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("attachments: sizes: empty 400, 10 MiB stored, above 10 MiB 413, above 16 MiB 413") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");

  CHECK(clerk.upload(id, "", "empty.pdf")->status == 400);

  std::string exact = kPdf;
  exact.resize(kMaxAttachmentBytes, ' ');
  auto ok = clerk.upload(id, exact, "big.pdf");
  REQUIRE(ok);
  CHECK_MESSAGE(ok->status == 201, ok->body);

  std::string over = exact + " ";
  auto big = clerk.upload(id, over, "too-big.pdf");
  REQUIRE(big);
  CHECK(big->status == 413);
  CHECK(big->body.find("10 MiB") != std::string::npos);

  // Above the server's request limit httplib reads and discards the body, then answers 413.
  const std::string hugeBody = part("x", "huge.pdf", kPdf + std::string(17u << 20, ' '));
  RawAnswer huge =
      sendRaw(s.port(), rawPost(clerk, id, "multipart/form-data; boundary=x", hugeBody));
  CHECK(huge.status == 413);
  CHECK(huge.seconds < 2.0);

  CHECK(storedAttachments(s.app()) == 1);
  CHECK(s.client().Get("/api/v1/health")->status == 200);
}

TEST_CASE("attachments: malformed multipart answers 400 quickly and stores nothing") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");
  const std::string mp = "multipart/form-data; boundary=";
  // 15 MiB: a parser that rescans its buffer for every 4 KiB read would take minutes here.
  const size_t kBig = 15u << 20;
  const std::string junk(kBig, 'a');
  const std::string longBoundary(1024, 'B');

  struct Bad {
    const char* what;
    std::string contentType;
    std::string body;
  };
  const std::vector<Bad> cases = {
      {"the boundary never appears", mp + "zzz", junk},
      {"a boundary-like prefix repeated", mp + "zzz",
       [&] {
         std::string b;
         while (b.size() < kBig) b += "\r\n--zz";
         return b;
       }()},
      {"a part with no header end", mp + "zzz",
       "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n" + junk},
      {"a part header that never ends in many lines", mp + "zzz",
       [&] {
         std::string b = "--zzz\r\nContent-Disposition: form-data; name=\"file\"\r\n";
         while (b.size() < kBig) b += "X-Pad: 1\r\n";
         return b;
       }()},
      {"a part that is never closed", mp + "zzz",
       "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n" + kPdf +
           junk},
      {"a 1,024-character boundary", mp + longBoundary, part(longBoundary, "a.pdf", kPdf)},
      {"a 1,024-character boundary almost matched again and again", mp + longBoundary,
       [&] {
         std::string b = part(longBoundary, "a.pdf", kPdf);
         const std::string near = "\r\n--" + longBoundary.substr(1) + "x";
         while (b.size() < kBig) b.insert(b.size() - longBoundary.size() - 8, near);
         return b;
       }()},
      {"a quoted 71-character boundary", mp + "\"" + std::string(71, 'q') + "\"",
       part(std::string(71, 'q'), "a.pdf", kPdf)},
      {"a multipart content type without a boundary", "multipart/form-data", part("x", "a", kPdf)},
      {"an empty boundary", mp, part("", "a.pdf", kPdf)},
      {"not multipart", "application/pdf", kPdf},
      {"no part named file", mp + "zzz",
       [] {
         return std::string(
             "--zzz\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.pdf\"\r\n\r\n" +
             kPdf + "\r\n--zzz--\r\n");
       }()},
      {"an empty file", mp + "zzz", part("zzz", "a.pdf", "")},
  };
  for (const Bad& b : cases) {
    RawAnswer a = sendRaw(s.port(), rawPost(clerk, id, b.contentType, b.body));
    const std::string what = b.what;
    CHECK_MESSAGE(a.status == 400, what, ": ", a.text.substr(0, 300));
    CHECK_MESSAGE(a.seconds < 2.0, what, ": ", a.seconds, " s");
    MESSAGE(what, ": ", a.status, " in ", a.seconds, " s");
    auto health = s.client().Get("/api/v1/health");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
  CHECK(storedAttachments(s.app()) == 0);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("attachments: a long name is cut; an over-long part header line is refused") {
  TestServer s(0);
  const std::string id = newCase(s.port());
  Session clerk(s.port(), "c01.clerk");
  const std::string mp = "multipart/form-data; boundary=zzz";

  RawAnswer a =
      sendRaw(s.port(), rawPost(clerk, id, mp, part("zzz", std::string(8000, 'n') + ".pdf", kPdf)));
  REQUIRE_MESSAGE(a.status == 201, a.text.substr(0, 300));
  rapidjson::Document d;
  d.Parse(a.text.substr(a.text.find("\r\n\r\n") + 4).c_str());
  CHECK(std::string(d["attachment"]["file_name"].GetString()) == std::string(96, 'n') + ".pdf");

  // httplib bounds a part's header line (8 KiB), so a huge one never reaches a regex.
  for (size_t n : {100000u, 1000000u}) {
    RawAnswer r = sendRaw(s.port(), rawPost(clerk, id, mp, part("zzz", std::string(n, 'n'), kPdf)));
    CHECK(r.status == 400);
    CHECK(r.seconds < 2.0);
    CHECK(s.client().Get("/api/v1/health")->status == 200);
  }
  CHECK(storedAttachments(s.app()) == 1);
}
