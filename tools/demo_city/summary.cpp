// What a seed produced: counts for the CLI and the tests, the company-ledger rules run over
// the cases (R10-R12), and a hash of every generated record to prove determinism.
#include <sstream>

#include "internal.h"
#include "pcs/identity.h"

namespace pcs::demo {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

// FNV-1a over the canonical text of records: every field, each ended by a separator byte that
// no field contains (0x1F), so "ab"+"c" and "a"+"bc" hash differently.
struct Hasher {
  uint64_t h;
  Hasher& operator<<(std::string_view s) {
    for (unsigned char ch : s) h = (h ^ ch) * kFnvPrime;
    h = (h ^ 0x1F) * kFnvPrime;
    return *this;
  }
  Hasher& operator<<(int64_t v) { return *this << std::string_view(std::to_string(v)); }
  Hasher& operator<<(int v) { return *this << static_cast<int64_t>(v); }
  Hasher& operator<<(bool v) { return *this << std::string_view(v ? "1" : "0"); }
  Hasher& operator<<(const Deadline& d) {
    return *this << d.ruleId << d.from.toString() << d.due.toString() << d.provisional;
  }
  Hasher& operator<<(const std::optional<Deadline>& d) {
    return d ? *this << *d : *this << std::string_view("-");
  }
};

bool isOpen(const Case& c) {
  return c.state != CaseState::Closed && c.state != CaseState::Merged;
}

}  // namespace

uint64_t hashCase(const Case& c, uint64_t h) {
  Hasher x{h};
  x << c.id << c.receivedAt << c.registeredAt << channelKey(c.channel) << c.externalRef
    << c.complainant.name << c.complainant.contact << c.complainant.key << c.content << c.location
    << c.estateId << c.companyId << c.countyId << c.streetId << c.communityId << c.urgent
    << c.urgentReason << c.major << c.intakeUnitId << c.ownerUnitId << caseStateKey(c.state)
    << c.dispatchDue << c.dispatchDueAt << c.dispatchedAt << c.reportedUrgentAt << c.returns
    << c.reopens << c.closedAt
    << std::string_view(c.satisfaction ? satisfactionKey(*c.satisfaction) : "-");
  for (const std::string& code : c.categories) x << code;
  for (const Assignment& a : c.assignments) {
    x << a.id << handlerKey(a.handler) << a.unitId << assignmentStateKey(a.state) << a.dispatchedAt
      << a.acceptedAt << a.resolvedAt << a.closedAt << a.resolveDue << a.planDue << a.progressDue
      << a.progressReports << a.answer << a.returnReason << a.rejectReason
      << std::string_view(a.substantiated ? (*a.substantiated ? "y" : "n") : "-");
    for (const std::string& code : a.catalogueCodes) x << code;
    for (const PlanMilestone& m : a.plan) x << m.due.toString() << m.text;
    for (const auto* s : {&a.coSignStreet, &a.coSignHousing})
      if (*s) x << (*s)->userId << (*s)->unitId << (*s)->at << (*s)->opinion;
  }
  for (const Event& e : c.events)
    x << e.seq << e.at << e.userId << e.unitId << e.role << e.action << e.assignmentId
      << e.fromState << e.toState << e.reason << e.detail;
  return x.h;
}

SummaryBuilder::SummaryBuilder(const City& city, int64_t now) : city_(city), now_(now) {
  Hasher x{kFnvOffset};
  for (const Company& c : city.companies)
    x << c.id << c.name << c.creditCode << c.serviceGrade << c.creditRating
      << listStatusKey(c.listStatus) << c.monthsOnBlackList;
  for (const Estate& e : city.estates)
    x << e.id << e.name << e.address << e.countyId << e.streetId << e.communityId << e.companyId
      << e.highRise << e.directPower;
  for (const DemoUser& u : city.users) {
    x << u.login << u.displayName << u.unitId;
    for (Role r : u.roles) x << roleKey(r);
  }
  hash_ = x.h;
}

void SummaryBuilder::add(const Case& c) {
  hash_ = hashCase(c, hash_);
  ++s_.cases;
  ++s_.perCounty[c.countyId];
  ++s_.perState[caseStateKey(c.state)];
  ++s_.perChannel[channelKey(c.channel)];
  for (const std::string& code : c.categories) ++s_.perEntry[code];
  s_.urgent += c.urgent;
  s_.major += c.major;
  s_.reopened += c.reopens > 0;
  s_.returned += c.returns > 0;
  s_.open += isOpen(c);
  s_.maxEventsInCase = std::max(s_.maxEventsInCase, static_cast<int>(c.events.size()));
  const std::optional<bool> sub = c.substantiated();
  s_.substantiated += sub.value_or(false);

  if (c.dispatchedAt) {
    const bool late =
        c.urgent ? c.dispatchedAt > c.dispatchDueAt : cstDate(c.dispatchedAt) > c.dispatchDue.due;
    s_.lateDispatch += late;
  }
  // Late: an assignment's first answer came after its due date (a later answer after a
  // rejected review or a reopening is not counted again).
  bool lateResolve = false, rejected = false;
  for (const Assignment& a : c.assignments) {
    if (!a.resolveDue) continue;
    for (const Event& e : c.events)
      if (e.assignmentId == a.id && e.action == actionKey(Action::Resolve)) {
        lateResolve |= cstDate(e.at) > a.resolveDue->due;
        break;
      }
  }
  for (const Event& e : c.events) rejected |= e.action == actionKey(Action::Reject);
  s_.lateResolve += lateResolve;
  if (isOpen(c)) {
    const Date today = cstDate(now_);
    bool overdue =
        !c.dispatchedAt && (c.urgent ? c.dispatchDueAt < now_ : c.dispatchDue.due < today);
    for (const Assignment& a : c.assignments) {
      const bool working = a.state == AssignmentState::Dispatched ||
                           a.state == AssignmentState::Accepted ||
                           a.state == AssignmentState::PlanSubmitted;
      overdue |= working && a.resolveDue && a.resolveDue->due < today;
    }
    s_.overdueOpen += overdue;
  }
  s_.rejected += rejected;

  if (!c.companyId.empty())
    ledger_.push_back({c.id, c.companyId, c.complainant.key, c.receivedAt, sub});
}

Summary SummaryBuilder::finish() const {
  Summary s = s_;
  s.hash = hash_;

  // The ledger rules as of today (R10-R12), with each company's standing and survey.
  const Date end = windowEndFor(now_);
  const LedgerThresholds t;
  for (const CompanyCounts& counts : countAllCompanies(ledger_, end, t)) {
    CompanyStanding standing;
    for (const Company& c : city_.companies)
      if (c.id == counts.companyId) {
        standing.creditRating = c.creditRating;
        standing.lowCredit = c.creditRating == "C" || c.creditRating == "D";
        standing.monthsOnBlackList = c.listStatus == ListStatus::Black ? c.monthsOnBlackList : 0;
      }
    if (proposeKeySupervision(counts, t)) s.keySupervision.push_back(counts.companyId);
    if (counts.substantiatedHalfYear.distinctComplainants > t.gradeReview)
      s.gradeReviewCount.push_back(counts.companyId);
    if (proposeGradeReview(counts, standing, t)) s.gradeReviewAny.push_back(counts.companyId);
    if (counts.substantiatedYear.distinctComplainants > t.exitCount)
      s.exitCount.push_back(counts.companyId);
    const auto survey = city_.surveys.find(counts.companyId);
    if (survey != city_.surveys.end() && proposeExit(counts, survey->second, t))
      s.exit.push_back(counts.companyId);
  }
  return s;
}

std::string formatSummary(const Summary& s, const City& city, const Catalogue& catalogue) {
  std::ostringstream out;
  auto pct = [&](int n) {
    std::ostringstream p;
    p.precision(1);
    p << std::fixed << (s.cases ? 100.0 * n / s.cases : 0.0) << "%";
    return p.str();
  };
  out << "演示城市 " << city.areas.name << "：" << city.districts.size() << "个区、"
      << city.counties.size() << "个县，" << city.org.all().size() << "个单位，"
      << city.companies.size() << "家物业服务企业，" << city.estates.size() << "个小区，"
      << city.users.size() << "个账号\n";
  out << "投诉 " << s.cases << " 件，数据指纹 " << std::hex << s.hash << std::dec << "\n\n";

  out << "按县（区）：\n";
  for (const AreaSpec& c : city.areas.children) {
    const auto it = s.perCounty.find(c.id);
    out << "  " << c.id << " " << c.name << "  " << (it == s.perCounty.end() ? 0 : it->second)
        << "\n";
  }
  out << "按状态：\n";
  for (const auto& [state, n] : s.perState) out << "  " << state << "  " << n << "\n";
  out << "按渠道：\n";
  for (const auto& [channel, n] : s.perChannel) out << "  " << channel << "  " << n << "\n";
  out << "办理情况：\n"
      << "  未销号 " << s.open << " (" << pct(s.open) << ")\n"
      << "  紧急 " << s.urgent << "，重大复杂 " << s.major << "\n"
      << "  逾期分转 " << s.lateDispatch << " (" << pct(s.lateDispatch) << ")，逾期办结 "
      << s.lateResolve << " (" << pct(s.lateResolve) << ")\n"
      << "  现逾期未办 " << s.overdueOpen << "\n"
      << "  退回重新分转 " << s.returned << " (" << pct(s.returned) << ")，审核退回 " << s.rejected
      << "，重新办理 " << s.reopened << "\n"
      << "  属实 " << s.substantiated << " (" << pct(s.substantiated) << ")，单案最多 "
      << s.maxEventsInCase << " 条记录\n";
  auto list = [&](const char* label, const std::vector<std::string>& ids) {
    out << "  " << label << "：" << ids.size() << " 家";
    for (const std::string& id : ids) out << " " << id;
    out << "\n";
  };
  out << "企业台账（R10-R12，截至今日）：\n";
  list("重点督办（12个月内超过10名投诉人）", s.keySupervision);
  list("等级核查·属实投诉（半年内超过10名）", s.gradeReviewCount);
  list("等级核查·任一条件（含信用低、长期黑榜）", s.gradeReviewAny);
  list("退出程序·属实投诉（一年内超过20名）", s.exitCount);
  list("退出程序·连同调查结果", s.exit);
  out << "按分转目录：\n";
  for (const CatalogueEntry& e : catalogue.entries()) {
    const auto it = s.perEntry.find(e.code);
    out << "  " << e.code << " " << e.title << "  " << (it == s.perEntry.end() ? 0 : it->second)
        << "\n";
  }
  return out.str();
}

}  // namespace pcs::demo
