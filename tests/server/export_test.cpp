// Ledger exports (CSV and .xlsx) against a real server with the demo city's organisation.
#include "export.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api_client.h"
#include "pcs/error.h"
#include "test_server.h"

namespace {

const std::string kBom = "\xEF\xBB\xBF";

std::string intakeBody(const std::string& contentJson, const std::string& estate = "e-1") {
  return R"({"received_at":"2026-12-01 09:30","channel":"phone","complainant_name":"测试甲",)"
         R"("complainant_contact":"139-0000-0001","estate_id":")" +
         estate + R"(","content":")" + contentJson + R"("})";
}

// A logged-in session whose downloads keep their response headers (ApiUser keeps only bodies).
class Downloader {
 public:
  Downloader(int port, const std::string& login) : client_("127.0.0.1", port) {
    auto res = client_.Post(
        "/api/v1/auth/login",
        R"({"login":")" + login + R"(","password":")" + pcs::server::kDemoPassword + R"("})",
        "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::string cookie = res->get_header_value("Set-Cookie");
    cookie_ = cookie.substr(0, cookie.find(';'));
  }
  httplib::Result get(const std::string& path) {
    return client_.Get(path.c_str(), {{"Cookie", cookie_}});
  }
  const std::string& cookie() const { return cookie_; }
  std::string csv(const std::string& query = "") {
    auto res = get("/api/v1/exports/cases.csv" + query);
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    return res->body;
  }

 private:
  httplib::Client client_;
  std::string cookie_;
};

int64_t auditCount(pcs::server::App& app, const std::string& action) {
  return app.db()
      .reader()
      .execAndGet("SELECT COUNT(*) FROM audit WHERE action='" + action + "'")
      .getInt64();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The text of one member of a zip file, through the unzip tool.
std::string unzipMember(const std::filesystem::path& zip, const std::string& member) {
  const std::string command = "unzip -p '" + zip.string() + "' '" + member + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

// The response head exactly as sent (status line and header lines), read from a raw socket:
// the HTTP client decodes header values, which would hide what went over the wire.
std::string rawHead(int port, const std::string& target, const std::string& cookie) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string request = "GET " + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie +
                              "\r\nConnection: close\r\n\r\n";
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, n);
  ::close(fd);
  return response.substr(0, response.find("\r\n\r\n") + 2);
}

}  // namespace

TEST_CASE("export: a CSV field is quoted per RFC 4180 and formulas are defused") {
  using pcs::server::csvField;
  CHECK(csvField("plain 文本") == "plain 文本");
  CHECK(csvField("a,b") == "\"a,b\"");
  CHECK(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csvField("line1\nline2") == "\"line1\nline2\"");
  CHECK(csvField("cr\rhere") == "\"cr\rhere\"");
  CHECK(csvField("=1+1") == "'=1+1");
  CHECK(csvField("+86 139") == "'+86 139");
  CHECK(csvField("-2") == "'-2");
  CHECK(csvField("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csvField("\tx") == "'\tx");
  CHECK(csvField("\rx") == "\"'\rx\"");
  CHECK(csvField("=HYPERLINK(\"u\",\"v\")") == "\"'=HYPERLINK(\"\"u\"\",\"\"v\"\")\"");
  CHECK(csvField("a=b") == "a=b");  // only the first character matters
  CHECK(csvField("") == "");
}

TEST_CASE("export: the CSV ledger has a BOM, the Chinese header, CRLF and the case's fields") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  // Commas, quotes and a line break in one complaint; a formula in another.
  ApiResult a = clerk.post("/api/v1/cases", intakeBody(R"(他说\"物业,不管\"\n第二行)"));
  REQUIRE_MESSAGE(a.status == 201, a.body);
  const std::string idA = a.json["case"]["id"].GetString();
  ApiResult b = clerk.post("/api/v1/cases", intakeBody(R"(=HYPERLINK(\"http://x\",\"点我\"))"));
  REQUIRE_MESSAGE(b.status == 201, b.body);
  const std::string idB = b.json["case"]["id"].GetString();
  REQUIRE(dispatcher
              .post("/api/v1/cases/" + idA + "/actions",
                    R"({"action":"dispatch","targets":[{"unit_id":"c01.s01"},)"
                    R"({"unit_id":"c01.police"}]})")
              .status == 200);

  Downloader d(s.port(), "c01.dispatcher");
  const std::string csv = d.csv();
  REQUIRE(csv.rfind(kBom, 0) == 0);
  const std::string header =
      "案件编号,投诉人,联系方式,投诉时间,投诉渠道,投诉内容,小区,物业服务企业,所属县（区）,"
      "街道（乡镇）,承办单位,紧急,状态,分转时限,办理时限,剩余/逾期,是否属实,办结情况,回访结果,"
      "销号时间\r\n";
  CHECK(csv.substr(kBom.size(), header.size()) == header);
  // Every record ends in CRLF; the only bare LF is the one inside the quoted complaint.
  size_t bareLf = 0;
  for (size_t i = 0; i < csv.size(); ++i)
    if (csv[i] == '\n' && (i == 0 || csv[i - 1] != '\r')) ++bareLf;
  CHECK(bareLf == 1);
  CHECK(contains(csv, "\"他说\"\"物业,不管\"\"\n第二行\""));
  CHECK(contains(csv, "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\""));

  // The dispatched case's row: names instead of ids, Beijing time, live units joined by 、.
  auto ref = s.app().reference();
  const std::string police = ref->org.get("c01.police").name;
  const size_t row = csv.find("\r\n" + idA + ",");
  REQUIRE(row != std::string::npos);
  const std::string line = csv.substr(row + 2, csv.find("\r\n", row + 2) - row - 2);
  CHECK(contains(line, ",2026-12-01 09:30,电话,"));
  CHECK(contains(line, ",锦绣花园,云川市安居物业服务有限公司,东湖区,朝阳街道,"));
  CHECK(contains(line, ",朝阳街道、" + police + ",否,"));
  CHECK(contains(csv, "\r\n" + idB + ","));
}

TEST_CASE("export: names and contacts are masked unless the user calls back, and recorded") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  const std::string id =
      clerk.post("/api/v1/cases", intakeBody("楼道堆满杂物")).json["case"]["id"].GetString();
  const int64_t before = auditCount(s.app(), "pii.export");

  // Oversight sees every case and never the complainant; nothing to record.
  const std::string oversight = Downloader(s.port(), "city.discipline").csv();
  CHECK(contains(oversight, id + ",测**,139****0001,"));
  CHECK_FALSE(contains(oversight, "139-0000-0001"));
  // City housing sees the case but does not call this complainant back (the county does).
  const std::string city = Downloader(s.port(), "city.reviewer").csv();
  CHECK(contains(city, id + ",测**,139****0001,"));
  CHECK(auditCount(s.app(), "pii.export") == before);

  // The county that owns the case calls back: in clear, and one audit entry per export.
  const std::string county = Downloader(s.port(), "c01.dispatcher").csv();
  CHECK(contains(county, id + ",测试甲,139-0000-0001,"));
  CHECK(auditCount(s.app(), "pii.export") == before + 1);
  {
    // Scoped: a statement left open would pin this thread's reader to an old snapshot.
    SQLite::Statement st(s.app().db().reader(),
                         "SELECT subject, detail FROM audit WHERE action='pii.export'");
    REQUIRE(st.executeStep());
    CHECK(st.getColumn(0).getString() == "export:cases.csv");
    CHECK(contains(st.getColumn(1).getString(), "共1件，其中1件含投诉人姓名和联系方式明文"));
  }

  // A street office sees the case once dispatched to it, and then calls back too.
  REQUIRE(dispatcher
              .post("/api/v1/cases/" + id + "/actions",
                    R"({"action":"dispatch","targets":[{"unit_id":"c01.s01"}]})")
              .status == 200);
  const std::string street = Downloader(s.port(), "c01.s01.handler").csv();
  CHECK(contains(street, id + ",测试甲,139-0000-0001,"));
  CHECK(auditCount(s.app(), "pii.export") == before + 2);
}

TEST_CASE("export: another county's cases are not in the file") {
  TestServer s(0);
  ApiUser c01(s.port(), "c01.clerk"), c02(s.port(), "c02.clerk");
  const std::string mine =
      c01.post("/api/v1/cases", intakeBody("东湖的投诉")).json["case"]["id"].GetString();
  const std::string theirs =
      c02.post("/api/v1/cases", intakeBody("紫荆的投诉", "e-6")).json["case"]["id"].GetString();

  const std::string csv = Downloader(s.port(), "c02.dispatcher").csv();
  CHECK(contains(csv, "\r\n" + theirs + ","));
  CHECK_FALSE(contains(csv, mine));
  CHECK_FALSE(contains(csv, "东湖的投诉"));
  // Filters narrow further, as in GET /cases.
  const std::string none = Downloader(s.port(), "c01.dispatcher").csv("?state=closed");
  CHECK_FALSE(contains(none, mine));
}

TEST_CASE("export: the xlsx file is a workbook whose sheet holds the header and the cases") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  const std::string id =
      clerk.post("/api/v1/cases", intakeBody(R"(=1+1 电梯困人)")).json["case"]["id"].GetString();

  Downloader d(s.port(), "c01.dispatcher");
  auto res = d.get("/api/v1/exports/cases.xlsx");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  CHECK(res->get_header_value("Content-Type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const std::string body = res->body;
  REQUIRE(body.rfind("PK\x03\x04", 0) == 0);

  const std::filesystem::path file = s.dir() / "download.xlsx";
  std::ofstream(file, std::ios::binary) << body;
  const std::string sheet = unzipMember(file, "xl/worksheets/sheet1.xml");
  CHECK(contains(sheet, "案件编号"));
  CHECK(contains(sheet, "销号时间"));
  CHECK(contains(sheet, id));
  CHECK(contains(sheet, "=1+1 电梯困人"));
  CHECK_FALSE(contains(sheet, "<f>"));  // a string cell, never a formula
  CHECK(contains(sheet, "<pane ySplit=\"1\""));
  CHECK(contains(sheet, "<autoFilter ref=\"A1:T2\""));
  CHECK(contains(unzipMember(file, "xl/workbook.xml"), "投诉台账"));

  // The temporary workbook is gone from the data folder.
  for (const auto& entry : std::filesystem::directory_iterator(s.dir() / "data"))
    CHECK_FALSE(contains(entry.path().filename().string(), "export-"));
}

TEST_CASE("export: more cases than the cap are refused with a request to narrow the filter") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  for (int i = 0; i < 3; ++i)
    REQUIRE(clerk.post("/api/v1/cases", intakeBody("投诉" + std::to_string(i))).status == 201);

  pcs::server::LedgerQuery q;
  q.visibility.all = true;
  q.actor = {"u-test", "city.housing", {pcs::Role::Reviewer}};
  q.now = s.app().now();
  q.maxRows = 2;
  pcs::server::CsvLedger csv;
  try {
    pcs::server::writeLedger(s.app().db().reader(), *s.app().reference(), q, csv);
    FAIL("an export over the cap was written");
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::InvalidInput);
    CHECK(contains(e.what(), "3 cases match, more than the 2 one export may hold"));
    CHECK(contains(e.what(), "narrow the filter"));
  }
  CHECK(csv.text().size() == kBom.size());  // nothing written

  q.maxRows = 3;
  const pcs::server::LedgerSummary sum =
      pcs::server::writeLedger(s.app().db().reader(), *s.app().reference(), q, csv);
  CHECK(sum.rows == 3);
  CHECK(sum.unmasked == 0);
}

TEST_CASE("export: CR and LF in a filter never split the response headers") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  clerk.post("/api/v1/cases", intakeBody("楼道堆满杂物"));
  Downloader d(s.port(), "c01.dispatcher");
  const std::string date = pcs::cstDate(s.app().now()).toString();

  for (const std::string ext : {"csv", "xlsx"}) {
    CAPTURE(ext);
    const std::string head = rawHead(
        s.port(), "/api/v1/exports/cases." + ext + "?q=%0d%0aSet-Cookie:x&county=%0d%0aX-Evil:1",
        d.cookie());
    CAPTURE(head);
    CHECK(head.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK_FALSE(contains(head, "Set-Cookie"));
    CHECK_FALSE(contains(head, "X-Evil"));
    CHECK(contains(head, "\r\nContent-Disposition: attachment; filename=\"cases-" + date + "." +
                             ext + "\"; filename*=UTF-8''%E6%8A%95%E8%AF%89%E5%8F%B0%E8%B4%A6-" +
                             date + "." + ext + "\r\n"));
    CHECK(contains(head, "\r\nCache-Control: no-store\r\n"));
    // Every header line is one of ours: nothing the user typed became a line of its own.
    size_t lines = 0;
    for (size_t at = head.find("\r\n"); at != std::string::npos; at = head.find("\r\n", at + 2))
      ++lines;
    CHECK(lines < 12);
  }
  auto bad = d.get("/api/v1/exports/cases.csv?state=%0d%0aSet-Cookie:x");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK_FALSE(bad->has_header("Set-Cookie"));
}

TEST_CASE("export: a bad filter or no session gets a clear refusal") {
  TestServer s(0);
  Downloader d(s.port(), "c01.dispatcher");
  auto r = d.get("/api/v1/exports/cases.csv?state=lost");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(contains(r->body, "unknown state 'lost'"));
  r = d.get("/api/v1/exports/cases.xlsx?urgent=maybe");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(contains(r->body, "'urgent' must be true or false"));

  httplib::Client anonymous("127.0.0.1", s.port());
  auto a = anonymous.Get("/api/v1/exports/cases.csv");
  REQUIRE(a);
  CHECK(a->status == 401);
}

TEST_CASE("export: the same filters select the same cases as GET /cases") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), dispatcher(s.port(), "c01.dispatcher");
  for (const char* content : {"楼道堆满杂物", "电梯困人", "杂物堵住消防通道"})
    REQUIRE(clerk.post("/api/v1/cases", intakeBody(content)).status == 201);
  Downloader d(s.port(), "c01.dispatcher");

  for (const std::string query : {"?q=杂物", "?to=2026-12-01", "?to=2026-11-30", "?state=closed",
                                  "?order=due&open=true", ""}) {
    CAPTURE(query);
    ApiResult list =
        dispatcher.get("/api/v1/cases" + query + (query.empty() ? "?" : "&") + "limit=500");
    REQUIRE(list.status == 200);
    const std::string csv = d.csv(query);
    size_t rows = 0;
    for (size_t at = csv.find("\r\n"); at + 2 < csv.size(); at = csv.find("\r\n", at + 2)) ++rows;
    CHECK(rows == list.json["items"].Size());
    for (const auto& item : list.json["items"].GetArray())
      CHECK(contains(csv, "\r\n" + std::string(item["id"].GetString()) + ","));
  }
}
