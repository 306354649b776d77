// Bulk import of a complaint ledger (POST /api/v1/cases/import) against a real server with the
// demo city's organisation and users.
#include <doctest/doctest.h>

#include "api_client.h"
#include "app.h"
#include "audit.h"
#include "ledger_import.h"
#include "pcs/error.h"
#include "pcs/identity.h"
#include "reference_store.h"
#include "test_server.h"

namespace {

// A second "阳光家园" in 东湖区 (c01), so the name alone is ambiguous there.
void addAmbiguousEstate(pcs::server::App& app) {
  pcs::Estate e;
  e.id = "e-99";
  e.name = "阳光家园";
  e.address = "东湖区二期阳光家园";
  e.communityId = "c01.s01.m02";
  e.streetId = "c01.s01";
  e.countyId = "c01";
  e.companyId = "co-2";
  app.db().write(
      [&](SQLite::Database& tx) { pcs::server::ReferenceStore::putEstate(tx, e, app.now()); });
}

// Ten rows with every problem a hand-kept ledger has, and two good ones.
const char* const kRows = R"([
  {"row":2,"received_at":"2026-11-20 09:00","channel":"phone","complainant_name":"王五",
   "complainant_contact":"13900000002","content":"锦绣花园5号楼电梯停运三天","location":"5号楼",
   "estate_name":"锦绣花园","state":"registered"},
  {"row":3,"received_at":"2026-11-20 10:00","channel":"phone","complainant_name":"赵六",
   "complainant_contact":"13900000003","estate_name":"锦绣花园"},
  {"row":4,"received_at":"2025-13-01 09:00","channel":"phone","complainant_name":"钱七",
   "content":"楼道灯不亮","estate_name":"锦绣花园"},
  {"row":5,"received_at":"2026-11-21 09:00","channel":"visit","complainant_name":"孙八",
   "content":"小区垃圾无人清运","estate_name":"不存在小区"},
  {"row":6,"received_at":"2026-11-21 10:00","channel":"phone","complainant_name":"李九",
   "content":"物业乱收停车费","estate_name":"阳光家园"},
  {"row":7,"received_at":"2027-06-01 09:00","channel":"phone","complainant_name":"周十",
   "content":"外墙瓷砖脱落","estate_name":"锦绣花园"},
  {"row":8,"received_at":"2026-11-22 09:00","channel":"phone","complainant_name":"吴一",
   "content":"水管漏水\u0007严重","estate_name":"锦绣花园"},
  {"row":9,"received_at":"2026-11-20 09:00","channel":"phone","complainant_name":"王 五",
   "complainant_contact":"139-0000-0002","content":"  锦绣花园5号楼电梯停运三天　",
   "estate_name":"锦绣花园"},
  {"row":10,"received_at":"2026-11-23 09:00","channel":"mailbox","complainant_name":"郑二",
   "content":"翠湖小区消防通道被占","estate_id":"e-3","external_ref":"DH-0010"},
  {"row":11,"received_at":"2026-11-23 10:00","channel":"phone","complainant_name":"冯三",
   "content":"春晓苑绿化带被毁","estate_id":"e-6"}
])";

std::string body(const std::string& extra = "") {
  return std::string(R"({"source":"东湖区2025年台账.xlsx",)") + extra + R"("rows":)" + kRows + "}";
}

int64_t count(pcs::server::App& app, const std::string& sql) {
  return app.db().reader().execAndGet(sql).getInt64();
}
int64_t caseCount(pcs::server::App& app) {
  return count(app, "SELECT COUNT(*) FROM cases");
}

std::string errorOf(const ApiResult& r, int64_t row) {
  for (const auto& e : r.json["errors"].GetArray())
    if (e["row"].GetInt64() == row) return e["error"].GetString();
  return "(no error for row " + std::to_string(row) + ")";
}

// The errors every run of kRows reports, whatever else happens.
void checkErrors(const ApiResult& r) {
  REQUIRE(r.json["errors"].Size() == 7);
  CHECK(errorOf(r, 3) == "投诉内容不能为空");
  CHECK(errorOf(r, 4) ==
        "'received_at' must be a time 'YYYY-MM-DD HH:MM' (Beijing time), got '2025-13-01 09:00'");
  CHECK(errorOf(r, 5) == "找不到名为“不存在小区”的小区（在东湖区范围内）");
  CHECK(errorOf(r, 6) ==
        "小区名称“阳光家园”对应多个小区（在东湖区范围内）：e-2（东湖区朝阳街道阳光家园）、"
        "e-99（东湖区二期阳光家园），请改填 estate_id");
  CHECK(errorOf(r, 7) == "投诉时间晚于当前时间：2027-06-01 09:00");
  CHECK(errorOf(r, 8) == "投诉内容含有控制字符，请删除后重试");
  CHECK(errorOf(r, 11) == "县（区）物业主管部门只能登记本辖区的投诉");
}

}  // namespace

TEST_CASE("import: every row is imported or reported, and re-importing creates nothing") {
  TestServer s(0);
  addAmbiguousEstate(s.app());
  ApiUser clerk(s.port(), "c01.clerk");
  const int64_t before = caseCount(s.app());

  ApiResult r = clerk.post("/api/v1/cases/import", body());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["imported"].GetInt64() == 2);
  CHECK(r.json["skipped"].GetInt64() == 1);
  CHECK(r.json["stored"].GetBool());
  checkErrors(r);
  REQUIRE(r.json["cases"].Size() == 2);
  CHECK(r.json["cases"][0]["row"].GetInt64() == 2);
  CHECK(r.json["cases"][1]["row"].GetInt64() == 10);
  const std::string first = r.json["cases"][0]["id"].GetString();
  const std::string second = r.json["cases"][1]["id"].GetString();
  // Row 9 is row 2 again, its contact and blanks typed differently.
  REQUIRE(r.json["skipped_rows"].Size() == 1);
  CHECK(r.json["skipped_rows"][0]["row"].GetInt64() == 9);
  CHECK(std::string(r.json["skipped_rows"][0]["reason"].GetString()) ==
        "skipped: already imported as " + first + " (row 2 of this file)");
  CHECK(caseCount(s.app()) == before + 2);

  // The cases are ordinary registered cases in the estate's area.
  ApiResult c = clerk.get("/api/v1/cases/" + first);
  REQUIRE_MESSAGE(c.status == 200, c.body);
  CHECK(std::string(c.json["case"]["state"].GetString()) == "registered");
  CHECK(std::string(c.json["case"]["estate_id"].GetString()) == "e-1");
  CHECK(std::string(c.json["case"]["street_id"].GetString()) == "c01.s01");
  CHECK(count(s.app(),
              "SELECT COUNT(*) FROM cases WHERE external_ref = "
              "'东湖区2025年台账.xlsx:DH-0010' AND id = '" +
                  second + "'") == 1);

  // Again: every good row is skipped as already imported, nothing new is stored.
  r = clerk.post("/api/v1/cases/import", body());
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["imported"].GetInt64() == 0);
  CHECK(r.json["skipped"].GetInt64() == 3);
  checkErrors(r);
  CHECK(std::string(r.json["skipped_rows"][0]["reason"].GetString()) ==
        "skipped: already imported as " + first);
  CHECK(std::string(r.json["skipped_rows"][2]["reason"].GetString()) ==
        "skipped: already imported as " + second);
  CHECK(caseCount(s.app()) == before + 2);

  // One case.import entry per import, one case.register per case, and the chain holds.
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE action = 'case.import'") == 2);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit WHERE action = 'case.register'") == 2);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);
}

TEST_CASE("import: a dry run and a refused all-or-nothing import store nothing") {
  TestServer s(0);
  addAmbiguousEstate(s.app());
  ApiUser clerk(s.port(), "c01.clerk");
  const int64_t before = caseCount(s.app());
  const int64_t audits = count(s.app(), "SELECT COUNT(*) FROM audit");

  ApiResult r = clerk.post("/api/v1/cases/import", body(R"("dry_run":true,)"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.json["dry_run"].GetBool());
  CHECK_FALSE(r.json["stored"].GetBool());
  CHECK(r.json["imported"].GetInt64() == 0);
  CHECK(r.json["valid"].GetInt64() == 2);
  CHECK(r.json["skipped"].GetInt64() == 1);
  CHECK(std::string(r.json["skipped_rows"][0]["reason"].GetString()) ==
        "skipped: same complaint as row 2");
  checkErrors(r);

  r = clerk.post("/api/v1/cases/import", body(R"("all_or_nothing":true,)"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK_FALSE(r.json["stored"].GetBool());
  CHECK(r.json["imported"].GetInt64() == 0);
  CHECK(r.json["cases"].Size() == 0);
  checkErrors(r);

  CHECK(caseCount(s.app()) == before);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == audits);
}

TEST_CASE("import: an import interrupted part-way leaves the database as it was") {
  TestServer s(0);
  addAmbiguousEstate(s.app());
  const int64_t before = caseCount(s.app());
  const int64_t audits = count(s.app(), "SELECT COUNT(*) FROM audit");
  pcs::server::CurrentUser clerk;
  clerk.id = "u-test";
  clerk.login = "c01.clerk";
  clerk.unitId = "c01.housing";
  clerk.roles = {pcs::Role::IntakeClerk};
  const pcs::server::ImportRequest request = pcs::server::parseImportRequest(body());

  // The second insert fails after the first case was written inside the transaction.
  CHECK_THROWS_AS(pcs::server::importLedger(s.app(), clerk, request, {2}), pcs::Error);
  CHECK(caseCount(s.app()) == before);
  CHECK(count(s.app(), "SELECT COUNT(*) FROM audit") == audits);
  CHECK(pcs::server::verifyAudit(s.app().db().reader()).ok);

  // Without the failure the same request imports both good rows.
  const pcs::server::ImportReport report = pcs::server::importLedger(s.app(), clerk, request);
  CHECK(report.imported == 2);
  CHECK(caseCount(s.app()) == before + 2);
}

TEST_CASE("import: a malformed or oversized body is refused, and only intake may import") {
  TestServer s(0);
  ApiUser clerk(s.port(), "c01.clerk"), handler(s.port(), "c01.police");

  ApiResult r = clerk.post("/api/v1/cases/import", R"({"source":"x.xlsx"})");
  CHECK(r.status == 400);
  CHECK(std::string(r.json["error"].GetString()) == "missing field 'rows'");
  r = clerk.post("/api/v1/cases/import", R"({"rows":[{"content":"x"}]})");
  CHECK(r.status == 400);
  r = clerk.post("/api/v1/cases/import", "[1,2");
  CHECK(r.status == 400);

  std::string many = R"({"source":"x.xlsx","rows":[)";
  for (size_t i = 0; i <= pcs::server::kMaxImportRows; ++i) many += i ? ",{}" : "{}";
  many += "]}";
  r = clerk.post("/api/v1/cases/import", many);
  CHECK(r.status == 400);
  CHECK(std::string(r.json["error"].GetString()) == "'rows' has more than 5000 items");

  r = handler.post("/api/v1/cases/import", body());
  CHECK(r.status == 403);
  CHECK(caseCount(s.app()) == 0);
}

TEST_CASE("import: a row's identity ignores how the contact and blanks were typed") {
  using pcs::server::importIdentity;
  const std::string kKey = "0123456789abcdef0123456789abcdef";
  const std::string a =
      importIdentity(kKey, 1000, pcs::complainantKey("王五", "13900000002"), "电梯停运");
  CHECK(a.rfind("import:", 0) == 0);
  CHECK(a.size() == 7 + 64);
  CHECK(a ==
        importIdentity(kKey, 1000, pcs::complainantKey("王五", "139-0000-0002"), " 电梯停运\r\n"));
  CHECK(a != importIdentity(kKey, 1060, pcs::complainantKey("王五", "13900000002"), "电梯停运"));
  CHECK(a != importIdentity(kKey, 1000, pcs::complainantKey("王五", "13900000003"), "电梯停运"));
  CHECK(a != importIdentity(kKey, 1000, pcs::complainantKey("王五", "13900000002"), "电梯停运了"));
  // Another installation's key gives another identity: a guessed number cannot be checked.
  CHECK(a != importIdentity("another installation's key......", 1000,
                            pcs::complainantKey("王五", "13900000002"), "电梯停运"));
}
