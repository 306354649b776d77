// Serialisation (pcs/serialize.h): JSON and binary round trips, the wire names, old records
// staying readable, and hostile input failing with pcs::Error(InvalidInput).

// First: it sets rapidjson up to throw rather than abort.
#include "pcs/serialize.h"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "pcs/error.h"

using pcs::Assignment;
using pcs::Case;
using pcs::Date;
using pcs::Deadline;

namespace {

Date D(const char* s) {
  return *Date::parse(s);
}

Deadline deadline(const char* rule, pcs::RuleUnit unit, const char* from, const char* due,
                  bool provisional = false) {
  Deadline d;
  d.ruleId = rule;
  d.unit = unit;
  d.from = D(from);
  d.due = D(due);
  d.provisional = provisional;
  d.explanation = std::string("自") + from + "起算，至" + due + "止。";
  return d;
}

pcs::Signature signature(const char* user, const char* unit, int64_t at, const char* opinion) {
  return {user, unit, at, opinion};
}

pcs::Event event(int seq, int64_t at, const char* action, int assignmentId, const char* from,
                 const char* to) {
  pcs::Event e;
  e.seq = seq;
  e.at = at;
  e.userId = "u" + std::to_string(seq);
  e.unitId = "c01.housing";
  e.role = "dispatcher";
  e.action = action;
  e.assignmentId = assignmentId;
  e.fromState = from;
  e.toState = to;
  e.reason = seq == 3 ? "材料不全，退回补充" : "";
  e.detail = "第" + std::to_string(seq) + "步";
  return e;
}

// A case with every kind of member filled: two assignments (one rich, one returned and mostly
// empty), events, a penalty clock, a plan, suspensions, signatures, optionals set and unset.
Case fullCase() {
  Case c;
  c.id = "2025-001234";
  c.receivedAt = 1759284000;
  c.registeredAt = 1759284600;
  c.channel = pcs::Channel::Hotline12345;
  c.externalRef = "GD20251001-0088";
  c.complainant = {"张三", "+86 138 0013 8000", "m:13800138000"};
  c.content = "小区电梯多次困人，物业公司拖延维修。\n\"请尽快处理\"";
  c.location = "5号楼1单元";
  c.estateId = "e001";
  c.companyId = "co001";
  c.countyId = "c01";
  c.streetId = "c01.s01";
  c.communityId = "c01.s01.m01";
  c.categories = {"housing.1.3", "market_regulation.2.1"};
  c.urgent = true;
  c.urgentReason = "电梯困人，危及人身安全";
  c.major = true;
  c.intakeUnitId = "city.housing";
  c.ownerUnitId = "c01.housing";
  c.state = pcs::CaseState::InProgress;
  c.dispatchDue = deadline("T1", pcs::RuleUnit::WorkingDays, "2025-10-01", "2025-10-17");
  c.dispatchDueAt = 1759291800;
  c.dispatchedAt = 1759288000;
  c.reportedUrgentAt = 1759287000;

  Assignment a1;
  a1.id = 1;
  a1.handler = pcs::Handler::Housing;
  a1.unitId = "c01.housing";
  a1.state = pcs::AssignmentState::PlanSubmitted;
  a1.catalogueCodes = {"housing.1.3"};
  a1.dispatchedAt = 1759288000;
  a1.acceptedAt = 1759289000;
  a1.resolveDue = deadline("T4", pcs::RuleUnit::Months, "2025-10-01", "2026-01-05", true);
  a1.planDue = deadline("T5", pcs::RuleUnit::WorkingDays, "2025-10-01", "2025-10-22");
  a1.progressDue = deadline("T6", pcs::RuleUnit::Months, "2025-10-20", "2025-11-20");
  a1.plan = {{D("2025-11-01"), "完成电梯检测"}, {D("2025-12-15"), "更换曳引机"}};
  a1.progressReports = 2;
  a1.lastProgressAt = 1760950000;
  a1.suspensions = {{D("2025-10-10"), D("2025-10-15")}};
  a1.pendingSuspension =
      pcs::SuspensionRequest{D("2025-11-03"), D("2025-11-10"), "等待检测报告", "u7", 1761000000};
  a1.extensionDays = 10;
  a1.pendingExtension = pcs::ExtensionRequest{15, "配件订购周期长", "u7", 1761100000};
  a1.substantiated = true;
  a1.answer = "已责令物业公司限期维修。";
  a1.coSignStreet = signature("u9", "c01.s01", 1761200000, "同意办结");
  a1.rejectReason = "缺少维修记录";
  pcs::PenaltyClock p;
  p.discoveredOn = D("2025-10-08");
  p.lawReference = "《特种设备安全法》";
  p.verifyDue = deadline("T7", pcs::RuleUnit::WorkingDays, "2025-10-08", "2025-10-29");
  p.extended = true;
  p.verified = true;
  p.outcome = "罚款两万元";
  p.decidedAt = 1761300000;
  a1.penalty = p;

  Assignment a2;
  a2.id = 2;
  a2.handler = pcs::Handler::MarketRegulation;
  a2.unitId = "c01.market";
  a2.state = pcs::AssignmentState::Returned;
  a2.catalogueCodes = {"market_regulation.2.1", "market_regulation.2.2"};
  a2.dispatchedAt = 1759288000;
  a2.substantiated = false;
  a2.returnReason = "不属于本部门职责";

  c.assignments = {a1, a2};
  c.satisfaction = pcs::Satisfaction::BasicallySatisfied;
  c.mergedFrom = {"2025-001230"};
  pcs::Attachment att;
  att.id = "att1";
  att.fileName = "现场照片.jpg";
  att.mimeType = "image/jpeg";
  att.size = 204800;
  att.sha256 = std::string(64, 'a');
  att.addedAt = 1759284700;
  att.addedBy = "u1";
  c.attachments = {att};
  c.returns = 1;
  c.reopens = 2;
  c.events = {event(1, 1759284600, "register", 0, "", "registered"),
              event(2, 1759288000, "dispatch", 0, "registered", "dispatched"),
              event(3, 1759290000, "return", 2, "dispatched", "returned")};
  return c;
}

void checkSameDeadline(const Deadline& a, const Deadline& b) {
  CHECK(a.ruleId == b.ruleId);
  CHECK(a.unit == b.unit);
  CHECK(a.from == b.from);
  CHECK(a.due == b.due);
  CHECK(a.provisional == b.provisional);
  CHECK(a.explanation == b.explanation);
}

void checkSameDeadline(const std::optional<Deadline>& a, const std::optional<Deadline>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (a) checkSameDeadline(*a, *b);
}

void checkSameSignature(const std::optional<pcs::Signature>& a,
                        const std::optional<pcs::Signature>& b) {
  REQUIRE(a.has_value() == b.has_value());
  if (!a) return;
  CHECK(a->userId == b->userId);
  CHECK(a->unitId == b->unitId);
  CHECK(a->at == b->at);
  CHECK(a->opinion == b->opinion);
}

void checkSameAssignment(const Assignment& a, const Assignment& b) {
  CHECK(a.id == b.id);
  CHECK(a.handler == b.handler);
  CHECK(a.unitId == b.unitId);
  CHECK(a.state == b.state);
  CHECK(a.catalogueCodes == b.catalogueCodes);
  CHECK(a.dispatchedAt == b.dispatchedAt);
  CHECK(a.acceptedAt == b.acceptedAt);
  CHECK(a.resolvedAt == b.resolvedAt);
  CHECK(a.closedAt == b.closedAt);
  checkSameDeadline(a.resolveDue, b.resolveDue);
  checkSameDeadline(a.planDue, b.planDue);
  checkSameDeadline(a.progressDue, b.progressDue);
  REQUIRE(a.plan.size() == b.plan.size());
  for (std::size_t i = 0; i < a.plan.size(); ++i) {
    CHECK(a.plan[i].due == b.plan[i].due);
    CHECK(a.plan[i].text == b.plan[i].text);
  }
  CHECK(a.progressReports == b.progressReports);
  CHECK(a.lastProgressAt == b.lastProgressAt);
  REQUIRE(a.suspensions.size() == b.suspensions.size());
  for (std::size_t i = 0; i < a.suspensions.size(); ++i) {
    CHECK(a.suspensions[i].from == b.suspensions[i].from);
    CHECK(a.suspensions[i].to == b.suspensions[i].to);
  }
  REQUIRE(a.pendingSuspension.has_value() == b.pendingSuspension.has_value());
  if (a.pendingSuspension) {
    CHECK(a.pendingSuspension->from == b.pendingSuspension->from);
    CHECK(a.pendingSuspension->to == b.pendingSuspension->to);
    CHECK(a.pendingSuspension->reason == b.pendingSuspension->reason);
    CHECK(a.pendingSuspension->requestedBy == b.pendingSuspension->requestedBy);
    CHECK(a.pendingSuspension->requestedAt == b.pendingSuspension->requestedAt);
  }
  CHECK(a.extensionDays == b.extensionDays);
  REQUIRE(a.pendingExtension.has_value() == b.pendingExtension.has_value());
  if (a.pendingExtension) {
    CHECK(a.pendingExtension->days == b.pendingExtension->days);
    CHECK(a.pendingExtension->reason == b.pendingExtension->reason);
    CHECK(a.pendingExtension->requestedBy == b.pendingExtension->requestedBy);
    CHECK(a.pendingExtension->requestedAt == b.pendingExtension->requestedAt);
  }
  CHECK(a.substantiated == b.substantiated);
  CHECK(a.answer == b.answer);
  checkSameSignature(a.coSignStreet, b.coSignStreet);
  checkSameSignature(a.coSignHousing, b.coSignHousing);
  CHECK(a.returnReason == b.returnReason);
  CHECK(a.rejectReason == b.rejectReason);
  REQUIRE(a.penalty.has_value() == b.penalty.has_value());
  if (a.penalty) {
    CHECK(a.penalty->discoveredOn == b.penalty->discoveredOn);
    CHECK(a.penalty->lawReference == b.penalty->lawReference);
    checkSameDeadline(a.penalty->verifyDue, b.penalty->verifyDue);
    checkSameDeadline(a.penalty->decideDue, b.penalty->decideDue);
    CHECK(a.penalty->extended == b.penalty->extended);
    CHECK(a.penalty->verified == b.penalty->verified);
    CHECK(a.penalty->outcome == b.penalty->outcome);
    CHECK(a.penalty->decidedAt == b.penalty->decidedAt);
  }
}

// Field-by-field equality of the members that matter.
void checkSameCase(const Case& a, const Case& b) {
  CHECK(a.id == b.id);
  CHECK(a.receivedAt == b.receivedAt);
  CHECK(a.registeredAt == b.registeredAt);
  CHECK(a.channel == b.channel);
  CHECK(a.externalRef == b.externalRef);
  CHECK(a.complainant.name == b.complainant.name);
  CHECK(a.complainant.contact == b.complainant.contact);
  CHECK(a.complainant.key == b.complainant.key);
  CHECK(a.content == b.content);
  CHECK(a.location == b.location);
  CHECK(a.estateId == b.estateId);
  CHECK(a.companyId == b.companyId);
  CHECK(a.countyId == b.countyId);
  CHECK(a.streetId == b.streetId);
  CHECK(a.communityId == b.communityId);
  CHECK(a.categories == b.categories);
  CHECK(a.urgent == b.urgent);
  CHECK(a.urgentReason == b.urgentReason);
  CHECK(a.major == b.major);
  CHECK(a.intakeUnitId == b.intakeUnitId);
  CHECK(a.ownerUnitId == b.ownerUnitId);
  CHECK(a.state == b.state);
  checkSameDeadline(a.dispatchDue, b.dispatchDue);
  CHECK(a.dispatchDueAt == b.dispatchDueAt);
  CHECK(a.dispatchedAt == b.dispatchedAt);
  CHECK(a.reportedUrgentAt == b.reportedUrgentAt);
  REQUIRE(a.assignments.size() == b.assignments.size());
  for (std::size_t i = 0; i < a.assignments.size(); ++i)
    checkSameAssignment(a.assignments[i], b.assignments[i]);
  CHECK(a.satisfaction == b.satisfaction);
  CHECK(a.mergedInto == b.mergedInto);
  CHECK(a.mergedFrom == b.mergedFrom);
  REQUIRE(a.attachments.size() == b.attachments.size());
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    CHECK(a.attachments[i].id == b.attachments[i].id);
    CHECK(a.attachments[i].fileName == b.attachments[i].fileName);
    CHECK(a.attachments[i].mimeType == b.attachments[i].mimeType);
    CHECK(a.attachments[i].size == b.attachments[i].size);
    CHECK(a.attachments[i].sha256 == b.attachments[i].sha256);
    CHECK(a.attachments[i].addedAt == b.attachments[i].addedAt);
    CHECK(a.attachments[i].addedBy == b.attachments[i].addedBy);
  }
  CHECK(a.returns == b.returns);
  CHECK(a.reopens == b.reopens);
  CHECK(a.closedAt == b.closedAt);
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    const pcs::Event& x = a.events[i];
    const pcs::Event& y = b.events[i];
    CHECK(x.seq == y.seq);
    CHECK(x.at == y.at);
    CHECK(x.userId == y.userId);
    CHECK(x.unitId == y.unitId);
    CHECK(x.role == y.role);
    CHECK(x.action == y.action);
    CHECK(x.assignmentId == y.assignmentId);
    CHECK(x.fromState == y.fromState);
    CHECK(x.toState == y.toState);
    CHECK(x.reason == y.reason);
    CHECK(x.detail == y.detail);
  }
}

// Any record type: JSON and binary both reproduce exactly what was written, and agree with
// each other.
template <class T>
void checkRoundTrip(const T& value, const char* root) {
  const std::string json = pcs::toJsonString(value, root);
  const std::string binary = pcs::toBinary(value);
  CHECK(pcs::toJsonString(pcs::fromJsonString<T>(json, root), root) == json);
  CHECK(pcs::toBinary(pcs::fromBinary<T>(binary)) == binary);
  CHECK(pcs::toBinary(pcs::fromJsonString<T>(json, root)) == binary);
}

// The message of the pcs::Error(InvalidInput) that `read` throws; fails the test otherwise.
template <class Read>
std::string invalidInputMessage(Read read) {
  try {
    read();
  } catch (const pcs::Error& e) {
    CHECK(e.code() == pcs::ErrorCode::InvalidInput);
    return e.what();
  }
  FAIL("no pcs::Error was thrown");
  return "";
}

// Replaces the first occurrence of `from` in `text` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string le64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  return out;
}

// `value` as cereal's own JSON archive writes it: the wire format before our writer, with
// "cereal_class_version" members and {"nullopt":...} optionals.
template <class T>
std::string cerealJson(const T& value, const char* root) {
  std::ostringstream out;
  {
    cereal::JSONOutputArchive ar(out, cereal::JSONOutputArchive::Options::NoIndent());
    ar(cereal::make_nvp(root, value));
  }
  return out.str();
}

// Rewrites old-shape JSON in the current shape: drops the record versions and turns each
// {"nullopt":true} into null and each {"nullopt":false,"data":X} into X.
void toCurrentShape(rapidjson::Value& v, rapidjson::Document::AllocatorType& alloc) {
  if (v.IsArray()) {
    for (auto& element : v.GetArray()) toCurrentShape(element, alloc);
    return;
  }
  if (!v.IsObject()) return;
  if (v.HasMember("nullopt")) {
    if (v["nullopt"].GetBool()) {
      v.SetNull();
    } else {
      rapidjson::Value data(v["data"], alloc);
      v.Swap(data);
      toCurrentShape(v, alloc);
    }
    return;
  }
  if (v.HasMember("cereal_class_version")) v.EraseMember("cereal_class_version");
  for (auto& member : v.GetObject()) toCurrentShape(member.value, alloc);
}

std::string currentShapeOf(const std::string& oldJson) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(oldJson.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  toCurrentShape(doc, doc.GetAllocator());
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

long peakResidentKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("serialize: a fully populated case round-trips through JSON field by field") {
  const Case original = fullCase();
  const std::string json = pcs::toJsonString(original, "case");
  checkSameCase(pcs::fromJsonString<Case>(json, "case"), original);

  // The same with the optionals that were set now unset, and the reverse.
  Case other = original;
  other.satisfaction.reset();
  other.assignments[0].resolveDue.reset();
  other.assignments[0].penalty.reset();
  other.assignments[0].substantiated.reset();
  other.assignments[1].coSignHousing = signature("u3", "c01.housing", 1761400000, "同意");
  other.assignments[1].planDue =
      deadline("T5", pcs::RuleUnit::WorkingDays, "2025-10-01", "2025-10-22");
  checkSameCase(pcs::fromJsonString<Case>(pcs::toJsonString(other, "case"), "case"), other);
}

TEST_CASE("serialize: a fully populated case round-trips through binary field by field") {
  const Case original = fullCase();
  checkSameCase(pcs::fromBinary<Case>(pcs::toBinary(original)), original);

  Case other = original;
  other.satisfaction.reset();
  other.assignments[0].pendingExtension.reset();
  other.assignments[0].penalty->verifyDue.reset();
  other.assignments[0].penalty->decideDue =
      deadline("T9", pcs::RuleUnit::Days, "2025-10-08", "2026-02-05");
  checkSameCase(pcs::fromBinary<Case>(pcs::toBinary(other)), other);
}

TEST_CASE("serialize: JSON is compact and uses the API's names, keys and dates") {
  const std::string json = pcs::toJsonString(fullCase(), "case");
  CHECK(json.find('\n') == std::string::npos);
  CHECK(json.rfind("{\"case\":{", 0) == 0);
  CHECK(json.find("\"state\":\"in_progress\"") != std::string::npos);
  CHECK(json.find("\"channel\":\"hotline_12345\"") != std::string::npos);
  CHECK(json.find("\"received_at\":1759284000") != std::string::npos);
  CHECK(json.find("\"owner_unit_id\":\"c01.housing\"") != std::string::npos);
  CHECK(json.find("\"dispatch_due\":{") != std::string::npos);
  CHECK(json.find("\"due\":\"2025-10-17\"") != std::string::npos);
  CHECK(json.find("\"handler\":\"market_regulation\"") != std::string::npos);
  CHECK(json.find("\"state\":\"plan_submitted\"") != std::string::npos);
  CHECK(json.find("\"unit\":\"working_days\"") != std::string::npos);
  CHECK(json.find("\"satisfaction\":\"basically_satisfied\"") != std::string::npos);
  CHECK(json.find("\"co_sign_housing\":null") != std::string::npos);
  // Text keeps its spaces, quotes and line breaks (escaped), and Chinese stays UTF-8.
  CHECK(json.find("\"content\":\"小区电梯多次困人，物业公司拖延维修。\\n\\\"请尽快处理\\\"\"") !=
        std::string::npos);
  CHECK(json.find("\"contact\":\"+86 138 0013 8000\"") != std::string::npos);
}

TEST_CASE("serialize: JSON carries no record versions and writes optionals as value or null") {
  const std::string json = pcs::toJsonString(fullCase(), "case");
  CHECK(json.find("cereal_class_version") == std::string::npos);
  CHECK(json.find("nullopt") == std::string::npos);
  CHECK(json.find("\"data\"") == std::string::npos);
  CHECK(json.rfind("{\"case\":{\"id\":\"2025-001234\",", 0) == 0);

  // Set optionals are their plain value: an enum key, a bool, a record.
  CHECK(json.find("\"satisfaction\":\"basically_satisfied\"") != std::string::npos);
  CHECK(json.find("\"substantiated\":true,") != std::string::npos);
  CHECK(json.find("\"substantiated\":false,") != std::string::npos);  // set, and false
  CHECK(json.find("\"resolve_due\":{\"rule_id\":\"T4\",\"unit\":\"months\",") != std::string::npos);
  CHECK(json.find("\"pending_extension\":{\"days\":15,") != std::string::npos);
  CHECK(json.find("\"penalty\":{\"discovered_on\":\"2025-10-08\",") != std::string::npos);
  CHECK(json.find("\"co_sign_street\":{\"user_id\":\"u9\",") != std::string::npos);
  // Unset ones are null.
  CHECK(json.find("\"decide_due\":null") != std::string::npos);
  CHECK(json.find("\"co_sign_housing\":null") != std::string::npos);
  CHECK(json.find("\"penalty\":null,\"decided_due\":null}") !=
        std::string::npos);  // the second assignment's
  // Empty vectors are empty arrays.
  CHECK(json.find("\"plan\":[]") != std::string::npos);

  // An empty case: every optional is null.
  const std::string empty = pcs::toJsonString(Case{}, "case");
  CHECK(empty.find("\"satisfaction\":null") != std::string::npos);
  CHECK(empty.find("\"assignments\":[]") != std::string::npos);
  CHECK(empty.find("nullopt") == std::string::npos);
  CHECK(empty.find("cereal_class_version") == std::string::npos);

  // The same for the other record types.
  pcs::OrgUnit unit;
  unit.id = "c01";
  CHECK(pcs::toJsonString(unit, "unit").find("\"handler\":null,") != std::string::npos);
  unit.handler = pcs::Handler::Housing;
  CHECK(pcs::toJsonString(unit, "unit").find("\"handler\":\"housing\",") != std::string::npos);
  CHECK(pcs::toJsonString(pcs::LedgerComplaint{"C2", "co001", "", 1759284000, std::nullopt},
                          "complaint") ==
        "{\"complaint\":{\"case_id\":\"C2\",\"company_id\":\"co001\",\"complainant_key\":\"\","
        "\"received_at\":1759284000,\"substantiated\":null}}");
}

TEST_CASE("serialize: the JSON is cereal's old JSON without versions and optional wrappers") {
  // Apart from the two artefacts, nothing changed: names, order, numbers, escapes, dates.
  Case other = fullCase();
  other.satisfaction.reset();
  other.assignments[0].penalty->verifyDue.reset();
  other.assignments[1].coSignHousing = signature("u3", "c01.housing", 1761400000, "同意");
  for (const Case& c : {fullCase(), other, Case{}}) {
    CHECK(pcs::toJsonString(c, "case") == currentShapeOf(cerealJson(c, "case")));
    checkRoundTrip(c, "case");
  }
  const pcs::SurveyResult survey{0.45, true, false};
  CHECK(pcs::toJsonString(survey, "survey") == currentShapeOf(cerealJson(survey, "survey")));
  pcs::ComplainantCount count;
  count.window = {D("2025-02-28"), D("2025-08-31"), false};
  count.complainants = {{"m:13800138000", {"C1", "C3"}}, {"n:张三", {}}};
  CHECK(pcs::toJsonString(count, "count") == currentShapeOf(cerealJson(count, "count")));
}

TEST_CASE("serialize: JSON written by cereal's own archive (the old shape) stays readable") {
  Case other = fullCase();
  other.satisfaction.reset();
  other.assignments[0].resolveDue.reset();
  other.assignments[0].substantiated.reset();
  other.assignments[1].planDue =
      deadline("T5", pcs::RuleUnit::WorkingDays, "2025-10-01", "2025-10-22");
  for (const Case& c : {fullCase(), other}) {
    const std::string old = cerealJson(c, "case");
    REQUIRE(old.find("\"cereal_class_version\": 1") != std::string::npos);
    REQUIRE(old.find("\"nullopt\": true") != std::string::npos);
    const Case read = pcs::fromJsonString<Case>(old, "case");
    checkSameCase(read, c);
    // Written again it is in the current shape.
    CHECK(pcs::toJsonString(read, "case") == pcs::toJsonString(c, "case"));
  }

  pcs::OrgUnit unit;
  unit.id = "c01.s01";
  unit.handler = pcs::Handler::StreetOffice;
  unit.history = {{1700000000, "旧华街道", "c02", "区划调整"}};
  CHECK(pcs::fromJsonString<pcs::OrgUnit>(cerealJson(unit, "unit"), "unit").handler ==
        pcs::Handler::StreetOffice);
  CHECK(pcs::fromJsonString<pcs::OrgUnit>(cerealJson(unit, "unit"), "unit").history.size() == 1);
}

TEST_CASE("serialize: a JSON optional may be null, absent, a value or the old nullopt object") {
  const auto substantiated = [](const std::string& member) {
    const std::string json =
        "{\"complaint\":{\"case_id\":\"C1\",\"company_id\":\"co001\","
        "\"complainant_key\":\"\",\"received_at\":1759284000" +
        member + "}}";
    return pcs::fromJsonString<pcs::LedgerComplaint>(json, "complaint").substantiated;
  };
  CHECK(substantiated(",\"substantiated\":null") == std::nullopt);
  CHECK(substantiated("") == std::nullopt);
  CHECK(substantiated(",\"substantiated\":true") == std::optional<bool>(true));
  CHECK(substantiated(",\"substantiated\":false") == std::optional<bool>(false));
  CHECK(substantiated(",\"substantiated\":{\"nullopt\":true}") == std::nullopt);
  CHECK(substantiated(",\"substantiated\":{\"nullopt\":false,\"data\":false}") ==
        std::optional<bool>(false));
  // Members in another order, and an unknown member next to the old form's.
  CHECK(substantiated(",\"substantiated\":{\"data\":true,\"nullopt\":false,\"x\":1}") ==
        std::optional<bool>(true));

  // A record inside an optional, in every form, with members after it still read.
  const std::string good = pcs::toJsonString(fullCase(), "case");
  const std::string pending =
      "\"pending_extension\":{\"days\":15,\"reason\":\"配件订购周期长\",\"requested_by\":\"u7\","
      "\"requested_at\":1761100000}";
  REQUIRE(good.find(pending) != std::string::npos);
  const auto pendingDays = [&](const std::string& replacement) {
    const Case c = pcs::fromJsonString<Case>(replaced(good, pending, replacement), "case");
    CHECK(c.assignments[0].substantiated == std::optional<bool>(true));  // the member after it
    CHECK(c.assignments[0].extensionDays == 10);                         // the member before it
    return c.assignments[0].pendingExtension ? c.assignments[0].pendingExtension->days : -1;
  };
  CHECK(pendingDays("\"pending_extension\":null") == -1);
  CHECK(pendingDays("\"pending_extension_gone\":1") == -1);
  CHECK(pendingDays("\"pending_extension\":{\"nullopt\":true}") == -1);
  CHECK(pendingDays("\"pending_extension\":{\"nullopt\":false,\"data\":{\"cereal_class_version\":1,"
                    "\"days\":20,\"reason\":\"\",\"requested_by\":\"u7\",\"requested_at\":1}}") ==
        20);
  CHECK(pendingDays("\"pending_extension\":{\"days\":25,\"reason\":\"\",\"requested_by\":\"u7\","
                    "\"requested_at\":1}") == 25);
}

TEST_CASE("serialize: a bad JSON optional throws InvalidInput naming the field") {
  const std::string good = pcs::toJsonString(fullCase(), "case");

  std::string bad =
      replaced(good, "\"satisfaction\":\"basically_satisfied\"", "\"satisfaction\":\"so_so\"");
  std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.satisfaction") != std::string::npos);
  CHECK(message.find("unknown satisfaction \"so_so\"") != std::string::npos);

  bad = replaced(good, "\"satisfaction\":\"basically_satisfied\"", "\"satisfaction\":[]");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.satisfaction") != std::string::npos);
  CHECK(message.find("expected a string, got an array") != std::string::npos);

  bad = replaced(good, "\"co_sign_housing\":null", "\"co_sign_housing\":\"u3\"");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.assignments.co_sign_housing") != std::string::npos);
  CHECK(message.find("wrong type") != std::string::npos);

  bad = replaced(good, "\"co_sign_housing\":null", "\"co_sign_housing\":{\"user_id\":\"u3\"}");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.assignments.co_sign_housing.unit_id") != std::string::npos);
  CHECK(message.find("missing") != std::string::npos);

  bad = replaced(good, "\"co_sign_housing\":null", "\"co_sign_housing\":{\"nullopt\":\"no\"}");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.assignments.co_sign_housing") != std::string::npos);
  CHECK(message.find("true or false") != std::string::npos);

  bad = replaced(good, "\"co_sign_housing\":null", "\"co_sign_housing\":{\"nullopt\":false}");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.assignments.co_sign_housing") != std::string::npos);
  CHECK(message.find("\"data\" is missing") != std::string::npos);

  // A required (non-optional) member may not be null or left out.
  bad = replaced(good, "\"dispatch_due\":{", "\"dispatch_due\":null,\"x\":{");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.dispatch_due") != std::string::npos);
  CHECK(message.find("got null") != std::string::npos);
}

TEST_CASE("serialize: a JSON record version is optional, and when given it is still checked") {
  const std::string good = pcs::toJsonString(fullCase(), "case");
  // Given explicitly (older JSON) on the case and on a nested record.
  std::string json = replaced(good, "{\"case\":{", "{\"case\":{\"cereal_class_version\":1,");
  json = replaced(json, "\"complainant\":{", "\"complainant\":{\"cereal_class_version\":1,");
  checkSameCase(pcs::fromJsonString<Case>(json, "case"), fullCase());

  std::string bad = replaced(good, "{\"case\":{", "{\"case\":{\"cereal_class_version\":0,");
  std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("record version 0 is not readable") != std::string::npos);

  bad = replaced(good, "\"complainant\":{", "\"complainant\":{\"cereal_class_version\":\"1\",");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.complainant") != std::string::npos);
  CHECK(message.find("whole number") != std::string::npos);

  bad = replaced(good, "\"complainant\":{", "\"complainant\":{\"cereal_class_version\":-1,");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.complainant") != std::string::npos);
  CHECK(message.find("out of range") != std::string::npos);
}

TEST_CASE("serialize: a number JSON cannot hold is refused when writing") {
  for (const double value :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    const std::string message = invalidInputMessage([&] {
      pcs::toJsonString(pcs::SurveyResult{value, false, false}, "survey");
    });
    CHECK(message.find("satisfaction") != std::string::npos);
    CHECK(message.find("not a finite number") != std::string::npos);
  }
}

TEST_CASE("serialize: a version-1 case written by hand stays readable") {
  // What a version-1 writer produced, by hand: members in any order, the version given on the
  // first object of each type, later objects may repeat it or leave it out.
  const char* kRecord = R"json({"case": {
    "cereal_class_version": 1,
    "state": "closed",
    "id": "2024-000077",
    "received_at": 1717203600,
    "registered_at": 1717204200,
    "channel": "mailbox",
    "external_ref": "",
    "complainant": {"cereal_class_version": 1, "name": "李四", "contact": "0355-1234567",
                    "key": "l:0355-1234567"},
    "content": "楼道照明长期损坏，物业不予维修。",
    "location": "3号楼2单元",
    "estate_id": "e017", "company_id": "co009",
    "county_id": "c01", "street_id": "c01.s02", "community_id": "c01.s02.m03",
    "categories": ["housing.1.3"],
    "urgent": false, "urgent_reason": "", "major": false,
    "intake_unit_id": "c01.housing", "owner_unit_id": "c01.housing",
    "dispatch_due": {"cereal_class_version": 1, "rule_id": "T1", "unit": "working_days",
                     "from": "2024-06-01", "due": "2024-06-12", "provisional": false,
                     "explanation": "自2024-06-01起算7个工作日"},
    "dispatch_due_at": 0, "dispatched_at": 1717290000, "reported_urgent_at": 0,
    "assignments": [{
      "cereal_class_version": 1, "id": 1, "handler": "street_office", "unit_id": "c01.s02",
      "state": "closed", "catalogue_codes": ["street_office.1"],
      "dispatched_at": 1717290000, "accepted_at": 1717300000, "resolved_at": 1717900000,
      "closed_at": 1718000000,
      "resolve_due": {"nullopt": false, "data": {"rule_id": "T3", "unit": "days",
                      "from": "2024-06-02", "due": "2024-07-02", "provisional": false,
                      "explanation": ""}},
      "plan_due": {"nullopt": true}, "progress_due": {"nullopt": true},
      "plan": [], "progress_reports": 0, "last_progress_at": 0,
      "suspensions": [{"cereal_class_version": 1, "from": "2024-06-10", "to": "2024-06-12"}],
      "pending_suspension": {"nullopt": true}, "extension_days": 0,
      "pending_extension": {"nullopt": true},
      "substantiated": {"nullopt": false, "data": true},
      "answer": "已更换照明灯具并回复投诉人。",
      "co_sign_street": {"nullopt": false, "data": {"cereal_class_version": 1, "user_id": "u5",
                         "unit_id": "c01.s02", "at": 1717950000, "opinion": "同意办结"}},
      "co_sign_housing": {"nullopt": true},
      "return_reason": "", "reject_reason": "", "penalty": {"nullopt": true}}],
    "satisfaction": {"nullopt": false, "data": "satisfied"},
    "merged_into": "", "merged_from": [], "attachments": [],
    "returns": 0, "reopens": 0, "closed_at": 1718000000,
    "events": [{"cereal_class_version": 1, "seq": 1, "at": 1717204200, "user_id": "u1",
                "unit_id": "c01.housing", "role": "intake_clerk", "action": "register",
                "assignment_id": 0, "from_state": "", "to_state": "registered", "reason": "",
                "detail": "登记"}]
  }})json";

  const Case c = pcs::fromJsonString<Case>(kRecord, "case");
  CHECK(c.id == "2024-000077");
  CHECK(c.state == pcs::CaseState::Closed);
  CHECK(c.channel == pcs::Channel::Mailbox);
  CHECK(c.complainant.name == "李四");
  CHECK(c.dispatchDue.due == D("2024-06-12"));
  REQUIRE(c.assignments.size() == 1);
  const Assignment& a = c.assignments[0];
  CHECK(a.handler == pcs::Handler::StreetOffice);
  CHECK(a.state == pcs::AssignmentState::Closed);
  REQUIRE(a.resolveDue.has_value());
  CHECK(a.resolveDue->unit == pcs::RuleUnit::Days);
  CHECK(a.resolveDue->due == D("2024-07-02"));
  REQUIRE(a.suspensions.size() == 1);
  CHECK(a.suspensions[0].to == D("2024-06-12"));
  CHECK(a.substantiated == std::optional<bool>(true));
  REQUIRE(a.coSignStreet.has_value());
  CHECK(a.coSignStreet->opinion == "同意办结");
  CHECK_FALSE(a.coSignHousing.has_value());
  CHECK(c.satisfaction == pcs::Satisfaction::Satisfied);
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].toState == "registered");
  CHECK(c.closedAt == 1718000000);

  // Written back it is an ordinary current record.
  checkRoundTrip(c, "case");
}

TEST_CASE("serialize: a newer JSON record is read by name, a newer binary record is refused") {
  const Case c = fullCase();

  std::string json = pcs::toJsonString(c, "case");
  json = replaced(json, "{\"case\":{",
                  "{\"case\":{\"cereal_class_version\":2,\"hotline_area\":\"北区\",");
  CHECK(pcs::fromJsonString<Case>(json, "case").id == c.id);

  // Byte 0 is the byte order; bytes 1-4 the case's version, little-endian.
  std::string binary = pcs::toBinary(c);
  REQUIRE(binary.substr(1, 4) == std::string("\x01\0\0\0", 4));
  binary[1] = 2;
  const std::string message = invalidInputMessage([&] { pcs::fromBinary<Case>(binary); });
  CHECK(message.find("version 2") != std::string::npos);
}

TEST_CASE("serialize: every other record type round-trips through JSON and binary") {
  pcs::Rule rule{"T6",       pcs::RuleUnit::Months, 1, pcs::Recurrence::Monthly,
                 "进展反馈", "方案提交之日"};
  checkRoundTrip(rule, "rule");
  checkRoundTrip(pcs::Suspension{D("2025-01-02"), D("2025-01-09")}, "suspension");

  pcs::OrgUnit unit;
  unit.id = "c01.s01";
  unit.name = "新华街道";
  unit.level = pcs::OrgLevel::Street;
  unit.kind = pcs::UnitKind::Area;
  unit.handler = pcs::Handler::StreetOffice;
  unit.parentId = "c01";
  unit.history = {{1700000000, "旧华街道", "c02", "区划调整"}};
  checkRoundTrip(unit, "unit");
  unit.handler.reset();
  unit.active = false;
  checkRoundTrip(unit, "unit");

  pcs::Company company{
      "co001", "某某物业服务有限公司", "91140100MA0XXXXX1X", "一级", "B", pcs::ListStatus::Black,
      4};
  checkRoundTrip(company, "company");
  pcs::Estate estate{"e001",        "阳光小区", "迎泽大街1号", "c01", "c01.s01",
                     "c01.s01.m01", "co001",    true,          false};
  checkRoundTrip(estate, "estate");

  pcs::Command cmd;
  cmd.action = pcs::Action::Dispatch;
  cmd.assignmentId = 0;
  cmd.reason = "分转";
  cmd.targets = {{"c01.housing", {"housing.1.3"}}, {"c01.market", {}}};
  cmd.major = true;
  cmd.plan = {{D("2025-11-01"), "检测"}};
  cmd.substantiated = false;
  cmd.text = "答复";
  cmd.satisfaction = pcs::Satisfaction::Unreachable;
  cmd.targetCaseId = "2025-000001";
  cmd.from = D("2025-10-01");
  cmd.to = D("2025-10-08");
  cmd.days = 15;
  checkRoundTrip(cmd, "command");
  CHECK(pcs::toJsonString(cmd, "command").find("\"action\":\"dispatch\"") != std::string::npos);

  pcs::Actor actor{"u1", "c01.housing", {pcs::Role::Dispatcher, pcs::Role::UnitHead}};
  checkRoundTrip(actor, "actor");
  CHECK(pcs::toJsonString(actor, "actor").find("\"roles\":[\"dispatcher\",\"unit_head\"]") !=
        std::string::npos);

  pcs::CatalogueEntry entry{"housing.1.3",
                            pcs::Handler::Housing,
                            "物业企业未按合同履行",
                            "电梯维保不到位",
                            "未按照约定维修、养护电梯",
                            {"电梯", "困人"},
                            true};
  checkRoundTrip(entry, "entry");

  pcs::DayInfo day{D("2025-10-01"), pcs::DayKind::Holiday, false, "国庆节", false};
  checkRoundTrip(day, "day");
  checkRoundTrip(pcs::ContactKey{pcs::ContactKind::Landline, "l:0355-1234567"}, "contact");
}

TEST_CASE("serialize: the ledger's records round-trip through JSON and binary") {
  checkRoundTrip(pcs::LedgerComplaint{"C1", "co001", "m:13800138000", 1759284000, true},
                 "complaint");
  checkRoundTrip(pcs::LedgerComplaint{"C2", "co001", "", 1759284000, std::nullopt}, "complaint");
  checkRoundTrip(pcs::LedgerThresholds{}, "thresholds");
  checkRoundTrip(pcs::CompanyStanding{"D", true, 3}, "standing");
  checkRoundTrip(pcs::SurveyResult{0.45, true, false}, "survey");

  pcs::ComplainantCount count;
  count.companyId = "co001";
  count.window = {D("2025-02-28"), D("2025-08-31"), false};
  count.substantiatedOnly = true;
  count.complaints = 3;
  count.distinctComplainants = 2;
  count.complainants = {{"m:13800138000", {"C1", "C3"}}, {"n:张三", {"C2"}}};
  count.caseIds = {"C1", "C2", "C3"};
  pcs::CompanyCounts counts{"co001", count, count, count};
  checkRoundTrip(counts, "counts");

  pcs::LedgerProposal proposal;
  proposal.rule = pcs::LedgerRule::GradeReview;
  proposal.ruleId = "R11";
  proposal.companyId = "co001";
  proposal.count = count;
  proposal.criteria = {{"substantiated_distinct", 11, 10, "半年内有11名不同投诉人投诉属实"}};
  proposal.explanationZh = "建议等级核查。";
  checkRoundTrip(proposal, "proposal");
  CHECK(pcs::toJsonString(proposal, "p").find("\"rule\":\"grade_review\"") != std::string::npos);
}

TEST_CASE("serialize: every enum key maps back to its value and no two keys collide") {
  auto checkKeys = [](auto tag) {
    using E = decltype(tag);
    using Keys = pcs::detail::EnumKeys<E>;
    for (int i = 0; i < Keys::kCount; ++i) {
      const E value = static_cast<E>(i);
      CAPTURE(Keys::kWhat);
      CAPTURE(i);
      CHECK_FALSE(Keys::key(value).empty());
      CHECK(pcs::detail::enumFromKey<E>(Keys::key(value)) == value);
    }
    CHECK_FALSE(pcs::detail::enumFromKey<E>("no_such_key").has_value());
  };
  checkKeys(pcs::Handler{});
  checkKeys(pcs::RuleUnit{});
  checkKeys(pcs::Recurrence{});
  checkKeys(pcs::DayKind{});
  checkKeys(pcs::OrgLevel{});
  checkKeys(pcs::UnitKind{});
  checkKeys(pcs::ListStatus{});
  checkKeys(pcs::Channel{});
  checkKeys(pcs::CaseState{});
  checkKeys(pcs::AssignmentState{});
  checkKeys(pcs::Satisfaction{});
  checkKeys(pcs::Role{});
  checkKeys(pcs::Action{});
  checkKeys(pcs::ContactKind{});
  checkKeys(pcs::LedgerRule{});

  // Where the domain already has a reverse lookup, it agrees.
  for (int i = 0; i < pcs::detail::EnumKeys<pcs::Action>::kCount; ++i) {
    const auto a = static_cast<pcs::Action>(i);
    CHECK(pcs::actionFromKey(pcs::actionKey(a)) == a);
  }
  CHECK(pcs::detail::caseStateFromKey("under_review") == pcs::CaseState::UnderReview);
  CHECK(pcs::detail::recurrenceFromKey("weekly") == pcs::Recurrence::Weekly);
  CHECK(pcs::channelFromKey(pcs::channelKey(pcs::Channel::Open311)) == pcs::Channel::Open311);
}

TEST_CASE("serialize: malformed JSON throws InvalidInput saying what is wrong") {
  const std::string good = pcs::toJsonString(fullCase(), "case");

  CHECK(invalidInputMessage([] { pcs::fromJsonString<Case>("", "case"); }).find("malformed JSON") !=
        std::string::npos);
  CHECK(invalidInputMessage([] {
          pcs::fromJsonString<Case>("{\"case\": {", "case");
        }).find("malformed JSON at byte") != std::string::npos);
  CHECK(invalidInputMessage([&] {
          pcs::fromJsonString<Case>(good + "x", "case");
        }).find("malformed JSON") != std::string::npos);
  CHECK(invalidInputMessage([] {
          pcs::fromJsonString<Case>("[1,2,3]", "case");
        }).find("must be a JSON object") != std::string::npos);
  CHECK(invalidInputMessage([] {
          pcs::fromJsonString<Case>("{\"case\": NaN}", "case");
        }).find("malformed JSON") != std::string::npos);
  CHECK(invalidInputMessage([] {
          pcs::fromJsonString<Case>(std::string("{\"case\": \"a\0b\"}", 15), "case");
        }).find("NUL") != std::string::npos);
  CHECK(invalidInputMessage([] {
          pcs::fromJsonString<Case>("{\"case\": \"\xff\xfe\"}", "case");
        }).find("malformed JSON") != std::string::npos);

  // Deep nesting is refused before the (recursive) parse that would overflow the stack.
  const std::string deep = "{\"case\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(invalidInputMessage([&] {
          pcs::fromJsonString<Case>(deep, "case");
        }).find("nested more than") != std::string::npos);

  // Every truncation of a good record fails cleanly.
  for (std::size_t n = 0; n < good.size(); n += 7)
    CHECK_THROWS_AS(pcs::fromJsonString<Case>(good.substr(0, n), "case"), pcs::Error);
}

TEST_CASE("serialize: a missing JSON field throws InvalidInput naming the field") {
  const std::string good = pcs::toJsonString(fullCase(), "case");

  const std::string noReceived = replaced(good, "\"received_at\":1759284000,", "");
  std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(noReceived, "case"); });
  CHECK(message.find("case.received_at") != std::string::npos);
  CHECK(message.find("missing") != std::string::npos);

  // Inside an assignment's deadline.
  const std::string noDue = replaced(good, "\"due\":\"2026-01-05\",", "");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(noDue, "case"); });
  CHECK(message.find("case.assignments.resolve_due.due") != std::string::npos);

  // A record whose root is not the one asked for.
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(good, "command"); });
  CHECK(message.find("command") != std::string::npos);
  CHECK(message.find("missing") != std::string::npos);
}

TEST_CASE("serialize: a JSON value of the wrong type throws InvalidInput naming the field") {
  const std::string good = pcs::toJsonString(fullCase(), "case");

  std::string bad = replaced(good, "\"received_at\":1759284000", "\"received_at\":\"yesterday\"");
  std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.received_at") != std::string::npos);
  CHECK(message.find("whole number") != std::string::npos);

  bad = replaced(good, "\"urgent\":true", "\"urgent\":1");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.urgent") != std::string::npos);
  CHECK(message.find("true or false") != std::string::npos);

  bad = replaced(good, "\"returns\":1", "\"returns\":4294967296");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.returns") != std::string::npos);

  bad = replaced(good, "\"categories\":[\"housing.1.3\",\"market_regulation.2.1\"]",
                 "\"categories\":\"housing.1.3\"");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.categories") != std::string::npos);

  bad = replaced(good, "\"complainant\":{", "\"complainant\":[{");
  bad = replaced(bad, "\"key\":\"m:13800138000\"}", "\"key\":\"m:13800138000\"}]");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.complainant") != std::string::npos);

  bad = replaced(good, "\"due\":\"2025-10-17\"", "\"due\":\"2025-02-30\"");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.dispatch_due.due") != std::string::npos);
  CHECK(message.find("not a date") != std::string::npos);
}

TEST_CASE("serialize: an unknown enum key throws InvalidInput naming the key and the field") {
  const std::string good = pcs::toJsonString(fullCase(), "case");

  std::string bad = replaced(good, "\"state\":\"in_progress\"", "\"state\":\"lost\"");
  std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.state") != std::string::npos);
  CHECK(message.find("unknown case state \"lost\"") != std::string::npos);
  CHECK(message.find("in_progress") != std::string::npos);  // the known keys are listed

  bad = replaced(good, "\"handler\":\"market_regulation\"", "\"handler\":\"Market\"");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.find("case.assignments.handler") != std::string::npos);
  CHECK(message.find("unknown handler") != std::string::npos);

  // A hostile key is quoted short in the message.
  bad = replaced(good, "\"channel\":\"hotline_12345\"",
                 "\"channel\":\"" + std::string(5000, 'x') + "\"");
  message = invalidInputMessage([&] { pcs::fromJsonString<Case>(bad, "case"); });
  CHECK(message.size() < 600);
}

TEST_CASE("serialize: a binary length prefix of 0xFFFFFFFFFFFFFFFF throws InvalidInput quickly") {
  const long peakBefore = peakResidentKb();
  const auto start = std::chrono::steady_clock::now();

  // The case's id is the first string: byte order (1), version (4), then its length (8).
  std::string blob = pcs::toBinary(fullCase());
  blob.replace(5, 8, le64(0xFFFFFFFFFFFFFFFFull));
  CHECK(invalidInputMessage([&] { pcs::fromBinary<Case>(blob); }).find("id") != std::string::npos);

  // A vector of records claiming billions of elements, and one claiming a little less than the
  // bytes left (each element fails only when it runs out of data).
  const std::string empty = pcs::toBinary(std::vector<pcs::Event>{});
  REQUIRE(empty.size() == 9);
  const uint64_t kHugeCounts[] = {0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFull, uint64_t{1} << 40};
  for (const uint64_t count : kHugeCounts) {
    std::string huge = empty.substr(0, 1) + le64(count) + std::string(4096, '\x01');
    CHECK_THROWS_AS(pcs::fromBinary<std::vector<pcs::Event>>(huge), pcs::Error);
  }
  std::string almost = empty.substr(0, 1) + le64(4000) + std::string(4096, '\0');
  CHECK_THROWS_AS(pcs::fromBinary<std::vector<std::string>>(almost), pcs::Error);

  // The assignments' count in a real case: it follows reported_urgent_at, made unique here.
  Case c = fullCase();
  c.reportedUrgentAt = 0x1122334455667788;
  blob = pcs::toBinary(c);
  const auto at = blob.find(le64(0x1122334455667788));
  REQUIRE(at != std::string::npos);
  blob.replace(at + 8, 8, le64(uint64_t{1} << 33));
  const std::string message = invalidInputMessage([&] { pcs::fromBinary<Case>(blob); });
  CHECK(message.find("assignments") != std::string::npos);
  CHECK(message.find("8589934592") != std::string::npos);

  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed < std::chrono::seconds(1));
  // Nothing close to the sizes claimed was allocated.
  CHECK(peakResidentKb() - peakBefore < 64 * 1024);
}

TEST_CASE("serialize: truncated or corrupted binary records throw InvalidInput, never crash") {
  const std::string blob = pcs::toBinary(fullCase());

  for (std::size_t n = 0; n < blob.size(); ++n)
    CHECK_THROWS_AS(pcs::fromBinary<Case>(std::string_view(blob).substr(0, n)), pcs::Error);
  CHECK(invalidInputMessage([&] { pcs::fromBinary<Case>(blob + "x"); }).find("unexpected bytes") !=
        std::string::npos);

  // Every single byte overwritten: read fine or refused, nothing else.
  for (std::size_t i = 0; i < blob.size(); ++i) {
    for (const char value : {'\xff', '\x00', '\x7f'}) {
      std::string bad = blob;
      bad[i] = value;
      try {
        (void)pcs::fromBinary<Case>(bad);
      } catch (const pcs::Error& e) {
        CHECK(e.code() == pcs::ErrorCode::InvalidInput);
      }
    }
  }
}

TEST_CASE("serialize: bad enum numbers, bools and dates in binary throw InvalidInput") {
  // Byte order, the record's version, then its first member.
  pcs::ContactKey key{pcs::ContactKind::Email, "e:a@b.cn"};
  std::string blob = pcs::toBinary(key);
  blob[5] = 9;
  CHECK(invalidInputMessage([&] {
          pcs::fromBinary<pcs::ContactKey>(blob);
        }).find("unknown contact kind number 9") != std::string::npos);

  pcs::LedgerWindow window{D("2025-01-01"), D("2025-07-01"), false};
  blob = pcs::toBinary(window);
  REQUIRE(blob.size() == 1 + 4 + 4 + 4 + 1);
  blob[13] = 2;
  CHECK(invalidInputMessage([&] {
          pcs::fromBinary<pcs::LedgerWindow>(blob);
        }).find("unbounded: a true/false value is 2") != std::string::npos);

  blob = pcs::toBinary(window);
  blob.replace(5, 4, std::string("\xff\xff\xff\x7f", 4));
  CHECK(invalidInputMessage([&] {
          pcs::fromBinary<pcs::LedgerWindow>(blob);
        }).find("start: day number 2147483647 is outside") != std::string::npos);

  blob = pcs::toBinary(window);
  blob[0] = 7;
  CHECK(invalidInputMessage([&] { pcs::fromBinary<pcs::LedgerWindow>(blob); }).find("byte-order") !=
        std::string::npos);
}

TEST_CASE("serialize: random corruptions of JSON and binary records throw only pcs::Error") {
  const std::string json = pcs::toJsonString(fullCase(), "case");
  const std::string binary = pcs::toBinary(fullCase());
  // A fixed seed: the same inputs on every run, so a failure can be reproduced.
  std::mt19937 random(20251001);
  const auto corrupt = [&random](std::string text) {
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < edits && !text.empty(); ++i) {
      const std::size_t at = random() % text.size();
      switch (random() % 3) {
        case 0:
          text[at] = static_cast<char>(random() % 256);
          break;
        case 1:
          text.insert(at, 1, static_cast<char>(random() % 256));
          break;
        default:
          text.erase(at, 1 + random() % 16);
          break;
      }
    }
    return text;
  };

  constexpr int kRounds = 3000;
  int jsonRead = 0, binaryRead = 0;
  for (int round = 0; round < kRounds; ++round) {
    try {
      (void)pcs::fromJsonString<Case>(corrupt(json), "case");
      ++jsonRead;
    } catch (const pcs::Error& e) {
      CHECK(e.code() == pcs::ErrorCode::InvalidInput);
    }
    try {
      (void)pcs::fromBinary<Case>(corrupt(binary));
      ++binaryRead;
    } catch (const pcs::Error& e) {
      CHECK(e.code() == pcs::ErrorCode::InvalidInput);
    }
  }
  // Most corruptions are caught; some (a changed letter in a free-text field) are valid records.
  CHECK(jsonRead < kRounds);
  CHECK(binaryRead < kRounds);
}

TEST_CASE("serialize: a JSON array of a million empty objects fails without allocating them") {
  // Each "{}" would be a whole Assignment if the array's length sized the vector.
  std::string json = pcs::toJsonString(fullCase(), "case");
  std::string many = "\"assignments\":[";
  for (int i = 0; i < 1000000; ++i) many += i ? ",{}" : "{}";
  many += "],";
  const auto from = json.find("\"assignments\":[");
  const auto to = json.find("\"satisfaction\":");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  json.replace(from, to - from, many);

  const long peakBefore = peakResidentKb();
  const std::string message = invalidInputMessage([&] { pcs::fromJsonString<Case>(json, "case"); });
  CHECK(message.find("case.assignments") != std::string::npos);
  // The parsed document costs tens of megabytes; a million Assignments would cost gigabytes.
  CHECK(peakResidentKb() - peakBefore < 256 * 1024);
}
