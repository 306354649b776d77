// Ledger files (.xlsx, .csv) uploaded, previewed, mapped and imported (/api/v1/imports), with a
// messy ledger built here that has every problem a hand-kept one has, and hostile files.
#include <doctest/doctest.h>
#include <iconv.h>
#include <xlsxwriter.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "import_uploads.h"
#include "ledger_sheet.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "sheet_reader.h"
#include "test_server.h"

namespace {

int64_t count(pcs::server::App& app, const std::string& sql) {
  return app.db().reader().execAndGet(sql).getInt64();
}

// ---- building files ---------------------------------------------------------------------------

// The messy ledger: a title row and a note above odd headers, every date form, full-width
// digits and blanks, estate and company names spelt several ways, a duplicate, invalid rows
// and an empty row (11). Row numbers below are the sheet's own.
std::string messyXlsx(const std::filesystem::path& dir) {
  const std::string path = (dir / "messy.xlsx").string();
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "台账");
  lxw_worksheet* other = workbook_add_worksheet(wb, "说明");
  worksheet_write_string(other, 0, 0, "本表由东湖区住建局填报", nullptr);
  auto put = [&](int row, int col, const char* text) {
    if (*text) worksheet_write_string(ws, row - 1, col, text, nullptr);
  };
  put(1, 0, "东湖区物业投诉台账（2026年）");
  put(2, 0, "填报单位：东湖区住建局");
  const char* headers[] = {"序号",     "编号",     "来电人",           "电话", "受理时间",
                           "诉求内容", "小区名称", "物业公司（全称）", "地址", "来源"};
  for (int c = 0; c < 10; ++c) put(3, c, headers[c]);
  struct R {
    int row;
    const char *ref, *name, *phone, *when, *content, *estate, *company, *place, *channel;
  };
  const R rows[] = {
      {4, "DH-001", "甲先生", "13900000011", "2026-9-30", "5号楼电梯停运三天", "锦绣花园",
       "云川市安居物业服务有限公司", "5号楼", "电话"},
      {5, "DH-002", "乙女士", "13900000012", "2026/09/30", "地下车库积水", "锦绣花园（一期）",
       "云川市安居物业服务有限责任公司（东湖分公司）", "车库", "12345热线"},
      {6, "DH-003", "丙先生", "13900000013", "2026年9月30日", "消防通道被占", "翠湖 小区",
       "东湖宜家物业服务公司", "北门", "来访"},
      {7, "DH-004", "丁女士", "13900000014", "2026.9.30 14:05", "物业乱收停车费", "阳光家园",
       "云川恒信物业管理有限公司", "", "信箱"},
      {8, "DH-005", "戊先生", "１３９００００００１５", "2026-09-30 14:05:33", "楼道灯不亮",
       "金桂苑", "", "3号楼", "网上"},
      {9, "DH-006", "己女士", "13900000016", "", "绿化带被毁", "和平里小区", "", "", "电话"},
      {10, "DH-007", "庚先生", "13900000017", "４６２９５.５", "垃圾无人清运", "世纪城", "", "",
       "电话"},
      {12, "DH-008", "辛女士", "13900000018", "2026-13-01", "外墙瓷砖脱落", "锦绣花园", "", "",
       "电话"},
      {13, "DH-001", "甲先生", "13900000011", "2026-9-30", "5号楼电梯停运三天", "锦绣花园", "",
       "5号楼", "电话"},
      {14, "DH-010", "壬先生", "13900000020", "2026-10-01", "保安脱岗", "和平里小区",
       "栖梧物业服务有限公司", "", "电话"},
      {15, "DH-011", "癸女士", "13900000021", "2026-10-01", "门禁损坏", "和平里小区",
       "栖梧物业服务有限责任公司", "", "电话"},
      {16, "DH-012", "子先生", "13900000022", "2026-10-01", "水泵噪音", "和平里小区",
       "栖梧物业服务（东湖）", "", "电话"},
      {17, "DH-013", "丑女士", "13900000023", "2026-10-02", "电梯困人", "锦秀花园", "", "", "电话"},
      {18, "DH-014", "寅先生", "13900000024", "60", "屋顶漏水", "锦绣花园", "", "", "电话"},
      {19, "DH-015", "卯女士", "13900000025", "２０２６－１０－０２\xE3\x80\x80０８：３０",
       "\xE3\x80\x80楼道\xE3\x80\x80堆放杂物\xE3\x80\x80", "翠湖小区", "", "", "电话"},
  };
  for (const R& r : rows) {
    const char* cells[] = {"",        r.ref,    r.name,    r.phone, r.when,
                           r.content, r.estate, r.company, r.place, r.channel};
    worksheet_write_number(ws, r.row - 1, 0, r.row - 3, nullptr);  // 序号
    for (int c = 1; c < 10; ++c) put(r.row, c, cells[c]);
  }
  worksheet_write_number(ws, 8, 4, 46295, nullptr);  // row 9: a date cell, 2026-09-30
  REQUIRE(workbook_close(wb) == LXW_NO_ERROR);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string toGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t inLeft = utf8.size(), outLeft = out.size();
  char* o = out.data();
  REQUIRE(iconv(cd, &in, &inLeft, &o, &outLeft) != static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - outLeft);
  return out;
}

// A ZIP archive written by hand, so a test can make it lie.
struct ZipEntry {
  std::string name, data;
  bool deflate = false;
  int64_t declaredSize = -1;  // the uncompressed size the headers claim; -1: the true one
};
std::string makeZip(const std::vector<ZipEntry>& entries) {
  auto u16 = [](std::string& s, uint32_t v) {
    s += static_cast<char>(v & 0xFF);
    s += static_cast<char>((v >> 8) & 0xFF);
  };
  auto u32 = [&](std::string& s, uint32_t v) {
    u16(s, v & 0xFFFF);
    u16(s, v >> 16);
  };
  std::string out, dir;
  for (const ZipEntry& e : entries) {
    std::string body = e.data;
    if (e.deflate) {
      z_stream z{};
      REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
      body.resize(deflateBound(&z, e.data.size()));
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(e.data.data()));
      z.avail_in = static_cast<uInt>(e.data.size());
      z.next_out = reinterpret_cast<Bytef*>(body.data());
      z.avail_out = static_cast<uInt>(body.size());
      REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
      body.resize(z.total_out);
      deflateEnd(&z);
    }
    const uint32_t crc =
        crc32(0, reinterpret_cast<const Bytef*>(e.data.data()), static_cast<uInt>(e.data.size()));
    const uint32_t size = e.declaredSize >= 0 ? e.declaredSize : e.data.size();
    const uint32_t offset = out.size();
    u32(out, 0x04034b50);
    u16(out, 20), u16(out, 0), u16(out, e.deflate ? 8 : 0), u16(out, 0), u16(out, 0);
    u32(out, crc), u32(out, body.size()), u32(out, size);
    u16(out, e.name.size()), u16(out, 0);
    out += e.name + body;
    u32(dir, 0x02014b50);
    u16(dir, 20), u16(dir, 20), u16(dir, 0), u16(dir, e.deflate ? 8 : 0), u16(dir, 0), u16(dir, 0);
    u32(dir, crc), u32(dir, body.size()), u32(dir, size);
    u16(dir, e.name.size()), u16(dir, 0), u16(dir, 0), u16(dir, 0), u16(dir, 0);
    u32(dir, 0), u32(dir, offset);
    dir += e.name;
  }
  const uint32_t dirOffset = out.size();
  out += dir;
  u32(out, 0x06054b50);
  u16(out, 0), u16(out, 0), u16(out, entries.size()), u16(out, entries.size());
  u32(out, dir.size()), u32(out, dirOffset), u16(out, 0);
  return out;
}

const char* const kWorkbook =
    R"(<?xml version="1.0"?><workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="一" sheetId="1" r:id="rId1"/></sheets></workbook>)";

std::string sheetXml(const std::string& rows) {
  return "<worksheet><sheetData>" + rows + "</sheetData></worksheet>";
}

// ---- answers ----------------------------------------------------------------------------------

ApiResult upload(ApiUser& u, const std::string& name, const std::string& bytes) {
  return u.post("/api/v1/imports?name=" + httplib::detail::encode_query_param(name), bytes);
}

std::string errorOf(const rapidjson::Value& report, int64_t row) {
  for (const auto& e : report["errors"].GetArray())
    if (e["row"].GetInt64() == row) return e["error"].GetString();
  return "(no error for row " + std::to_string(row) + ")";
}

std::vector<int64_t> rowsOf(const rapidjson::Value& list) {
  std::vector<int64_t> rows;
  for (const auto& v : list.GetArray()) rows.push_back(v["row"].GetInt64());
  return rows;
}

std::vector<int64_t> ints(const rapidjson::Value& list) {
  std::vector<int64_t> v;
  for (const auto& x : list.GetArray()) v.push_back(x.GetInt64());
  return v;
}

// The report every run of the messy ledger gives for its bad rows.
void checkMessyErrors(const rapidjson::Value& report) {
  CHECK(rowsOf(report["errors"]) == std::vector<int64_t>{12, 14, 15, 16, 17, 18});
  CHECK(errorOf(report, 12) == "投诉时间“2026-13-01”不是有效日期");
  CHECK(errorOf(report, 14) == "找不到名为“栖梧物业服务有限公司”的物业服务企业");
  CHECK(errorOf(report, 15) == "找不到名为“栖梧物业服务有限责任公司”的物业服务企业");
  CHECK(errorOf(report, 16) == "找不到名为“栖梧物业服务(东湖)”的物业服务企业");
  CHECK(errorOf(report, 17) == "找不到名为“锦秀花园”的小区（在东湖区范围内）");
  CHECK(errorOf(report, 18) == "投诉时间“60”是 Excel 的 1900-02-29，这一天并不存在");
}

}  // namespace

TEST_CASE("imports: a messy xlsx ledger is previewed, imported row by row, and re-imported") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  const std::string file = messyXlsx(s.dir());

  ApiResult up = upload(clerk, "东湖区2026年台账.xlsx", file);
  REQUIRE_MESSAGE(up.status == 201, up.body);
  const std::string id = up.json["id"].GetString();
  CHECK(std::string(up.json["format"].GetString()) == "xlsx");
  CHECK(std::string(up.json["sheet"].GetString()) == "台账");
  CHECK(up.json["sheets"].Size() == 2);
  // Title and note rows are passed over; the odd headers are recognised.
  CHECK(up.json["header_row"].GetInt64() == 3);
  CHECK(up.json["data_rows"].GetInt64() == 15);
  const auto& m = up.json["mapping"];
  CHECK(std::string(m["external_ref"].GetString()) == "B");
  CHECK(std::string(m["complainant_name"].GetString()) == "C");
  CHECK(std::string(m["complainant_contact"].GetString()) == "D");
  CHECK(std::string(m["received_at"].GetString()) == "E");
  CHECK(std::string(m["content"].GetString()) == "F");
  CHECK(std::string(m["estate_name"].GetString()) == "G");
  CHECK(std::string(m["company_name"].GetString()) == "H");
  CHECK(std::string(m["location"].GetString()) == "I");
  CHECK(std::string(m["channel"].GetString()) == "J");
  CHECK(up.json["columns"][0]["field"].IsNull());  // 序号
  CHECK(std::string(up.json["columns"][7]["header"].GetString()) ==
        "物业公司(全称)");  // full-width ASCII folded
  // The preview: the first ten data rows converted and checked.
  const auto& pv = up.json["preview"];
  REQUIRE(pv.Size() == 10);
  CHECK(pv[0]["row"].GetInt64() == 4);
  CHECK(std::string(pv[0]["values"]["received_at"].GetString()) == "2026-09-30 09:00:00");
  CHECK(std::string(pv[0]["status"].GetString()) == "ok");
  CHECK(std::string(pv[1]["values"]["estate_id"].GetString()) == "e-1");
  CHECK(std::string(pv[1]["values"]["channel"].GetString()) == "hotline_12345");
  CHECK(std::string(pv[3]["values"]["received_at"].GetString()) == "2026-09-30 14:05:00");
  CHECK(std::string(pv[4]["values"]["complainant_contact"].GetString()) == "13900000015");
  CHECK(std::string(pv[5]["values"]["received_at"].GetString()) == "2026-09-30 09:00:00");
  CHECK(std::string(pv[6]["values"]["received_at"].GetString()) == "2026-09-30 12:00:00");
  CHECK(pv[7]["row"].GetInt64() == 12);
  CHECK(std::string(pv[7]["status"].GetString()) == "error");
  CHECK(std::string(pv[7]["message"].GetString()) == "投诉时间“2026-13-01”不是有效日期");
  CHECK(std::string(pv[8]["status"].GetString()) == "skip");
  CHECK(std::string(pv[8]["message"].GetString()) == "skipped: same complaint as row 4");
  CHECK(ints(up.json["empty_rows"]) == std::vector<int64_t>{11});
  // Another sheet can be chosen; this one has no header.
  ApiResult other =
      clerk.get("/api/v1/imports/" + id + "?sheet=" + httplib::detail::encode_query_param("说明"));
  REQUIRE_MESSAGE(other.status == 200, other.body);
  CHECK(std::string(other.json["sheet"].GetString()) == "说明");
  CHECK(other.json["header_row"].GetInt64() == 0);
  CHECK(other.json["preview"].Size() == 0);
  other = clerk.post("/api/v1/imports/" + id + "/run", R"({"sheet":"说明"})");
  CHECK(other.status == 400);
  CHECK(clerk.get("/api/v1/imports/" + id + "?sheet=none").status == 400);
  // Nothing is stored by looking.
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 0);

  // A dry run reports what the import would do, storing nothing.
  ApiResult dry = clerk.post("/api/v1/imports/" + id + "/run", R"({"dry_run":true})");
  REQUIRE_MESSAGE(dry.status == 200, dry.body);
  CHECK(dry.json["report"]["valid"].GetInt64() == 8);
  CHECK_FALSE(dry.json["report"]["stored"].GetBool());
  checkMessyErrors(dry.json["report"]);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 0);

  ApiResult run = clerk.post("/api/v1/imports/" + id + "/run", "{}");
  REQUIRE_MESSAGE(run.status == 200, run.body);
  const auto& report = run.json["report"];
  CHECK(run.json["header_row"].GetInt64() == 3);
  CHECK(run.json["rows"].GetInt64() == 15);
  CHECK(ints(run.json["empty_rows"]) == std::vector<int64_t>{11});
  CHECK(report["imported"].GetInt64() == 8);
  CHECK(rowsOf(report["cases"]) == std::vector<int64_t>{4, 5, 6, 7, 8, 9, 10, 19});
  checkMessyErrors(report);
  REQUIRE(report["skipped_rows"].Size() == 1);
  const std::string first = report["cases"][0]["id"].GetString();
  CHECK(report["skipped_rows"][0]["row"].GetInt64() == 13);
  CHECK(std::string(report["skipped_rows"][0]["reason"].GetString()) ==
        "skipped: already imported as " + first + " (row 4 of this file)");
  // Every one of the 15 data rows is accounted for.
  CHECK(report["cases"].Size() + report["errors"].Size() + report["skipped_rows"].Size() == 15);

  // Names spelt differently from the records were matched by their key...
  const auto& names = run.json["names"];
  std::map<std::string, std::string> matched;
  for (const auto& n : names["matched"].GetArray())
    matched[n["spelling"].GetString()] = n["id"].GetString();
  CHECK(matched ==
        std::map<std::string, std::string>{{"锦绣花园(一期)", "e-1"},
                                           {"翠湖 小区", "e-3"},
                                           {"云川市安居物业服务有限责任公司(东湖分公司)", "co-1"},
                                           {"东湖宜家物业服务公司", "co-3"}});
  // ...and unknown ones that look alike are proposed as one, never stored as new records.
  REQUIRE(names["proposed_merges"].Size() == 2);
  const auto& estate = names["proposed_merges"][0];
  CHECK(std::string(estate["kind"].GetString()) == "estate");
  CHECK(std::string(estate["existing_id"].GetString()) == "e-1");
  CHECK(
      std::string(estate["message"].GetString()) ==
      "“锦秀花园”看起来是同一个小区，可能就是已登记的“锦绣花园”（e-1），请核对后统一台账中的写法");
  const auto& company = names["proposed_merges"][1];
  CHECK(std::string(company["kind"].GetString()) == "company");
  CHECK(company["existing_id"].IsNull());
  CHECK(ints(company["rows"]) == std::vector<int64_t>{14, 15, 16});
  CHECK(
      std::string(company["message"].GetString()) ==
      "这 3 种写法看起来是同一家物业服务企业：“栖梧物业服务有限公司”、“栖梧物业服务有限责任公司”、"
      "“栖梧物业服务(东湖)”；系统中没有找到它，请先登记或统一台账中的写法");
  CHECK(count(s.app(), "SELECT COUNT(*) FROM companies WHERE name LIKE '栖梧%'") == 0);

  // The stored cases carry what the cells said, normalised.
  ApiResult c = clerk.get(std::string("/api/v1/cases/") + report["cases"][7]["id"].GetString());
  REQUIRE(c.status == 200);
  CHECK(std::string(c.json["case"]["content"].GetString()) == "楼道 堆放杂物");
  CHECK(c.json["case"]["received_at"].GetInt64() == *pcs::parseCst("2026-10-02 08:30"));
  CHECK(std::string(c.json["case"]["estate_id"].GetString()) == "e-3");
  c = clerk.get(std::string("/api/v1/cases/") + report["cases"][1]["id"].GetString());
  CHECK(std::string(c.json["case"]["channel"].GetString()) == "hotline_12345");
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 8);

  // The same file uploaded again imports nothing new: every good row is a duplicate.
  ApiResult again = upload(clerk, "东湖区2026年台账.xlsx", file);
  REQUIRE(again.status == 201);
  run = clerk.post(std::string("/api/v1/imports/") + again.json["id"].GetString() + "/run", "{}");
  REQUIRE_MESSAGE(run.status == 200, run.body);
  CHECK(run.json["report"]["imported"].GetInt64() == 0);
  CHECK(rowsOf(run.json["report"]["skipped_rows"]) ==
        std::vector<int64_t>{4, 5, 6, 7, 8, 9, 10, 13, 19});
  CHECK(std::string(run.json["report"]["skipped_rows"][0]["reason"].GetString()) ==
        "skipped: already imported as " + first);
  checkMessyErrors(run.json["report"]);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 8);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE action = 'import.upload'") == 2);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("imports: a GB18030 CSV with a title row imports with a mapping the clerk changed") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  const std::string csv = toGb18030(
      "东湖区物业投诉台账（2026年10月）,,,,\r\n"
      "受理日期,投诉人,联系电话,问题描述,所在小区,备注\r\n"
      "2026年10月3日,甲先生,13900000031,\"电梯\"\"异响\"\",夜间明显\",锦绣花园,5号楼\r\n"
      ",,,,,\r\n"
      "46298.75,乙女士,13900000032,\"车库漏水\r\n多处\",翠湖小区,车库\r\n"
      "２０２６．１０．０４,丙先生,,路灯不亮,不存在的小区,\r\n");
  ApiResult up = upload(clerk, "东湖区10月台账.csv", csv);
  REQUIRE_MESSAGE(up.status == 201, up.body);
  const std::string id = up.json["id"].GetString();
  CHECK(std::string(up.json["encoding"].GetString()) == "gb18030");
  CHECK(up.json["header_row"].GetInt64() == 2);
  CHECK(std::string(up.json["mapping"]["received_at"].GetString()) == "A");
  CHECK(std::string(up.json["mapping"]["estate_name"].GetString()) == "E");
  CHECK(up.json["mapping"]["location"].IsNull());  // 备注 is no field
  CHECK(up.json["mapping"]["channel"].IsNull());

  // Without a channel column, rows need default_channel; the clerk maps 备注 to the address.
  ApiResult run = clerk.post(
      "/api/v1/imports/" + id + "/run",
      R"({"mapping":{"received_at":"A","complainant_name":"B","complainant_contact":"C",)"
      R"("content":"D","estate_name":"E","location":"F"},"default_channel":"电话"})");
  REQUIRE_MESSAGE(run.status == 200, run.body);
  const auto& report = run.json["report"];
  CHECK(std::string(run.json["mapping"]["location"].GetString()) == "F");
  CHECK(ints(run.json["empty_rows"]) == std::vector<int64_t>{4});
  CHECK(rowsOf(report["cases"]) == std::vector<int64_t>{3, 5});
  CHECK(rowsOf(report["errors"]) == std::vector<int64_t>{6});
  CHECK(errorOf(report, 6) == "找不到名为“不存在的小区”的小区（在东湖区范围内）");
  ApiResult c = clerk.get(std::string("/api/v1/cases/") + report["cases"][0]["id"].GetString());
  CHECK(std::string(c.json["case"]["content"].GetString()) == "电梯\"异响\",夜间明显");
  CHECK(std::string(c.json["case"]["location"].GetString()) == "5号楼");
  CHECK(std::string(c.json["case"]["channel"].GetString()) == "phone");
  c = clerk.get(std::string("/api/v1/cases/") + report["cases"][1]["id"].GetString());
  CHECK(c.json["case"]["received_at"].GetInt64() == *pcs::parseCst("2026-10-03 18:00"));
  CHECK(std::string(c.json["case"]["content"].GetString()) == "车库漏水\r\n多处");

  // A mapping that cannot be right is refused before anything is read.
  ApiResult bad = clerk.post("/api/v1/imports/" + id + "/run",
                             R"({"mapping":{"received_at":"A","content":"A"}})");
  CHECK(bad.status == 400);
  CHECK(std::string(bad.json["error"].GetString()) ==
        "第 A 列同时映射到了 'received_at' 和 'content'");
  bad = clerk.post("/api/v1/imports/" + id + "/run", R"({"mapping":{"received_at":"A"}})");
  CHECK(bad.status == 400);
  CHECK(std::string(bad.json["error"].GetString()) == "mapping 缺少必填字段 'content'（投诉内容）");
  bad = clerk.post("/api/v1/imports/" + id + "/run",
                   R"({"mapping":{"received_at":"A","content":"Z"}})");
  CHECK(bad.status == 400);
  bad = clerk.post("/api/v1/imports/" + id + "/run",
                   R"({"mapping":{"received_at":"A","content":"D","mood":"B"}})");
  CHECK(bad.status == 400);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 2);
}

TEST_CASE("imports: an import interrupted part-way leaves the database as it was") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  ApiResult up = upload(clerk, "台账.xlsx", messyXlsx(s.dir()));
  REQUIRE(up.status == 201);
  const int64_t audits = count(s.app(), "SELECT COUNT(*) FROM audit");
  pcs::server::CurrentUser user;
  user.id = clerk.get("/api/v1/auth/me").json["user"]["id"].GetString();
  user.login = "c01.clerk";
  user.unitId = "c01.housing";
  user.roles = {pcs::Role::IntakeClerk};
  CHECK_THROWS_AS(pcs::server::runUpload(s.app(), user, up.json["id"].GetString(), "{}", {5}),
                  pcs::Error);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 0);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == audits);
  const std::string again = pcs::server::runUpload(s.app(), user, up.json["id"].GetString(), "{}");
  CHECK(again.find(R"("imported":8)") != std::string::npos);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 8);
}

TEST_CASE("imports: uploads belong to their uploader, need an intake role and expire") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), other(s.port(), "c01.dispatcher"),
      police(s.port(), "c01.police");
  const std::string csv = "投诉时间,投诉内容,小区\n2026-10-01,电梯停运,锦绣花园\n";
  ApiResult r = upload(police, "a.csv", csv);
  CHECK(r.status == 403);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM import_uploads") == 0);
  r = upload(clerk, "a.csv", csv);
  REQUIRE(r.status == 201);
  CHECK(std::string(r.json["encoding"].GetString()) == "utf-8");
  const std::string id = r.json["id"].GetString();
  CHECK(other.get("/api/v1/imports/" + id).status == 404);
  CHECK(other.post("/api/v1/imports/" + id + "/run", "{}").status == 404);
  CHECK(clerk.get("/api/v1/imports/" + id).status == 200);
  CHECK(clerk.get("/api/v1/imports/" + id + "?header_row=9").status == 400);

  // A day later the upload is gone, and the next upload deletes it.
  const int64_t later = s.app().now() + pcs::server::kUploadLifetimeSeconds + 1;
  s.app().setClock([later] { return later; });
  ApiUser clerkLater(s.port(), "c01.clerk");  // the old session has expired too
  r = clerkLater.get("/api/v1/imports/" + id);
  CHECK(r.status == 404);
  CHECK(std::string(r.json["error"].GetString()) ==
        "没有编号为 " + id + " 的上传，或已过期，请重新上传");
  REQUIRE(upload(clerkLater, "b.csv", "\xEF\xBB\xBF" + csv).status == 201);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM import_uploads") == 1);
  // A user keeps the newest ten.
  for (int i = 0; i < pcs::server::kMaxUploadsPerUser + 2; ++i)
    REQUIRE(upload(clerkLater, "c.csv", csv).status == 201);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM import_uploads") == pcs::server::kMaxUploadsPerUser);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 0);
}

TEST_CASE("imports: hostile and broken files get a clear 400 and store nothing") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk");
  auto refused = [&](const std::string& name, const std::string& bytes) {
    ApiResult r = upload(clerk, name, bytes);
    CHECK_MESSAGE(r.status == 400, r.body);
    CHECK(count(s.app(), "SELECT COUNT(*) FROM import_uploads") == 0);
    return r.json.IsObject() && r.json.HasMember("error") ? r.json["error"].GetString() : r.body;
  };
  CHECK(
      refused("a.xlsx", "这不是表格") ==
      std::string("文件名是 .xlsx，但内容不是 xlsx（ZIP）文件；旧版 .xls 请先另存为 .xlsx 或 CSV"));
  CHECK(refused("a.xlsx", "PK\x03\x04 truncated") ==
        std::string("文件不是有效的 xlsx（ZIP）文件：找不到中央目录"));
  CHECK(refused("a.csv", "") == std::string("上传的文件是空的"));

  // Zip bombs: 20 MiB of zeros in 20 KiB, and a header that understates the size.
  const std::string zeros(20u << 20, '\0');
  CHECK(refused("bomb.xlsx", makeZip({{"xl/workbook.xml", zeros, true}})) ==
        std::string("文件不是有效的 xlsx（ZIP）文件：“xl/workbook.xml”压缩比异常（疑似压缩炸弹）"));
  CHECK(refused("liar.xlsx", makeZip({{"xl/workbook.xml", zeros, true, 1000}})) ==
        std::string("文件不是有效的 xlsx（ZIP）文件：“xl/workbook.xml”解压后大小与声明不符"
                    "（疑似压缩炸弹或文件损坏）"));
  std::vector<ZipEntry> many;
  for (int i = 0; i < 2001; ++i) many.push_back({"f" + std::to_string(i), "x"});
  CHECK(refused("many.xlsx", makeZip(many)) ==
        std::string("文件不是有效的 xlsx（ZIP）文件：条目过多（2001）"));

  // A shared-string table claiming four billion strings is refused before it is read.
  CHECK(
      refused(
          "sst.xlsx",
          makeZip({{"xl/workbook.xml", kWorkbook},
                   {"xl/sharedStrings.xml",
                    R"(<sst count="4294967295" uniqueCount="4294967295"><si><t>a</t></si></sst>)"},
                   {"xl/worksheets/sheet1.xml", sheetXml("")}})) ==
      std::string("xlsx 文件的共享字符串数量（4294967295）超出上限 200000"));
  // Entity definitions are refused.
  CHECK(refused("dtd.xlsx",
                makeZip({{"xl/workbook.xml", R"(<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook/>)"}}))
            .find("不支持 DOCTYPE") != std::string::npos);

  // Bytes that are neither UTF-8 nor GB18030.
  CHECK(refused("bad.csv", "投诉时间,投诉内容\n2026-10-01,\xFF\xFF\n") ==
        std::string("CSV 文件既不是有效的 UTF-8 编码（第 38 字节有误），也不是有效的 GB18030 编码"
                    "（第 38 字节有误）；请另存为 UTF-8 或 GB18030 编码的 CSV"));
  // Larger than an upload may be (but inside the server's request limit).
  CHECK(refused("big.csv", std::string(pcs::server::kMaxUploadBytes + 1, 'a')) ==
        "文件过大（" + std::to_string(pcs::server::kMaxUploadBytes + 1) + " 字节），上限为 8 MiB");
  CHECK(count(s.app(), "SELECT COUNT(*) FROM cases") == 0);
}

TEST_CASE("imports: xlsx cells by reference with gaps, inline and shared strings, numbers") {
  const std::string sheet = sheetXml(
      R"(<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><r><t>投诉</t></r>)"
      R"(<r><t xml:space="preserve">内容 </t></r><rPh><t>トウ</t></rPh></is></c></row>)"
      R"(<row r="5"><c r="B5"><v>46295.25</v></c><c t="str"><v>&lt;五&gt;&#x4E94;</v></c>)"
      R"(<c r="E5" t="b"><v>1</v></c><c r="F5" t="e"><v>#N/A</v></c></row>)"
      R"(<row><c r="A6" t="s"><v>1</v></c></row>)");
  const std::string zip =
      makeZip({{"xl/workbook.xml", kWorkbook, true},
               {"xl/sharedStrings.xml",
                R"(<sst uniqueCount="2"><si><t>投诉时间</t></si><si><r><t>Ｂ</t></r></si></sst>)"},
               {"xl/worksheets/sheet1.xml", sheet, true}});
  const pcs::server::SheetData d = pcs::server::readSheetFile(zip);
  CHECK(d.sheet == "一");
  REQUIRE(d.rows.size() == 3);
  CHECK(d.rows[0].number == 2);
  CHECK(d.rows[0].cells == std::vector<std::string>{"投诉时间", "", "投诉内容"});
  CHECK(d.rows[1].number == 5);
  CHECK(d.rows[1].cells == std::vector<std::string>{"", "46295.25", "<五>五", "", "TRUE"});
  CHECK(d.rows[2].number == 6);
  CHECK(d.rows[2].cells == std::vector<std::string>{"B"});
  CHECK_THROWS_WITH_AS(pcs::server::readSheetFile(zip, "二"), "xlsx 文件中没有名为“二”的工作表",
                       pcs::Error);
  CHECK(pcs::server::columnLetters(27) == "AB");
  CHECK(pcs::server::columnIndex("AB") == 27);
}

TEST_CASE("imports: the header names a field exactly before a column that only contains it") {
  pcs::server::SheetData d;
  d.rows = {{1, {"台账"}},
            {2, {"办结时间", "受理时间", "问题描述（摘要）", "联系人电话", "投诉人："}},
            {3, {"2026-10-02", "2026-10-01", "电梯停运"}}};
  const pcs::server::SheetLayout layout = pcs::server::detectLayout(d);
  CHECK(layout.headerRow == 2);
  CHECK(layout.mapping == std::map<std::string, int>{{"received_at", 1},
                                                     {"content", 2},
                                                     {"complainant_contact", 3},
                                                     {"complainant_name", 4}});
  CHECK(pcs::server::channelKeyFromLabel("市长热线") == "hotline_12345");
  CHECK(pcs::server::channelKeyFromLabel(" 来 电 ") == "phone");
  CHECK_FALSE(pcs::server::channelKeyFromLabel("飞鸽传书"));
}
