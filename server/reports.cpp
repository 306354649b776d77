// The weekly package's figures (reports.h; every figure is defined in docs/reports.md).
//
// Sections: weeks and scopes | replay (a case as it stood at the week's end) | tallies | JSON
#include "reports.h"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "case_store.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "reference_store.h"
#include "route_util.h"

namespace pcs::server {

// ---- weeks and scopes -----------------------------------------------------------------------

Date parseReportWeek(const std::string& text, int64_t now) {
  const std::optional<Date> d = Date::parse(text);
  if (!d)
    throw Error(ErrorCode::InvalidInput,
                "week must be the Monday a week starts on, YYYY-MM-DD, got '" + text + "'");
  if (d->isoWeekday() != 1)
    throw Error(ErrorCode::InvalidInput, "week " + text + " is a " +
                                             weekdayNameZh(d->isoWeekday()) +
                                             ", not a Monday; a week starts on Monday");
  if (d->year() < 2000) throw Error(ErrorCode::InvalidInput, "week " + text + " is before 2000");
  if (cstMidnight(d->addDays(7)) > now)
    throw Error(ErrorCode::InvalidInput, "the week of " + text + " has not ended yet; it ends " +
                                             d->addDays(7).toString() + " 00:00 Beijing time");
  return *d;
}

void checkReportScope(const std::string& scope, const OrgTree& org) {
  if (scope == kCityScope) return;
  const OrgUnit* u = org.find(scope);
  if (!u || u->kind != UnitKind::Area || u->level != OrgLevel::County)
    throw Error(ErrorCode::InvalidInput,
                "scope must be 'city' or the id of a county, got '" + scope + "'");
}

Date lastCompletedWeek(int64_t now) {
  const Date today = cstDate(now);
  return today.addDays(-(today.isoWeekday() - 1) - 7);
}

// ---- replay ---------------------------------------------------------------------------------

namespace {

bool answeredState(AssignmentState s) {
  return s == AssignmentState::Resolved || s == AssignmentState::CoSigned ||
         s == AssignmentState::UnderReview || s == AssignmentState::Closed;
}

// One assignment as it stood at the week's end.
struct AssignmentAt {
  const Assignment* a = nullptr;
  AssignmentState state = AssignmentState::Dispatched;
  int64_t respondedAt = 0;   // first accept or return
  int64_t lastAnswerAt = 0;  // the latest 办结答复 before the end
  int extensionDays = 0;
  size_t suspensions = 0;  // approved before the end: the first n of a->suspensions
  bool returnedEver = false;
  Date resolveDue;  // T3 (T4 when major), with the extensions and pauses approved by the end
  bool live() const { return state != AssignmentState::Returned; }
};

// One case as it stood at the week's end (only events before the end are read).
struct CaseAt {
  const Case* c = nullptr;
  bool urgent = false;
  bool major = false;
  std::string owner;
  int64_t dispatchedAt = 0;  // first dispatch
  bool merged = false;
  int64_t closedAt = 0;  // when it was last closed, 0 unless closed at the end
  int returns = 0;
  bool returnInWeek = false;
  std::optional<Satisfaction> satisfaction;
  int64_t satisfactionAt = 0;
  std::vector<AssignmentAt> assignments;
  Date dispatchDue;           // T1 day, or the day of the T2 instant
  int64_t dispatchDueAt = 0;  // T2 instant for an urgent case, else 0
  bool closed() const { return closedAt != 0; }
  bool open() const { return !merged && !closed(); }
};

constexpr std::string_view kMajorMark = "（重大复杂问题）";
constexpr std::string_view kUrgentMark = "；紧急：";
constexpr std::string_view kExtensionMark = "批准延期";
constexpr std::string_view kSatisfactionMark = "回访结果：";

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The days of an approved extension from its event's detail ("批准延期5日").
int extensionDaysOf(const std::string& detail) {
  const size_t at = detail.find(kExtensionMark);
  if (at == std::string::npos) return 0;
  int days = 0;
  for (size_t i = at + kExtensionMark.size(); i < detail.size() && std::isdigit(detail[i]); ++i)
    days = days * 10 + (detail[i] - '0');
  return days;
}

std::optional<Satisfaction> satisfactionOf(const std::string& detail) {
  for (Satisfaction s : {Satisfaction::Satisfied, Satisfaction::BasicallySatisfied,
                         Satisfaction::Unsatisfied, Satisfaction::Unreachable})
    if (detail == std::string(kSatisfactionMark) + satisfactionZh(s)) return s;
  return std::nullopt;
}

bool allLiveClosed(const std::vector<AssignmentAt>& as) {
  bool any = false;
  for (const AssignmentAt& a : as) {
    if (!a.live()) continue;
    if (a.state != AssignmentState::Closed) return false;
    any = true;
  }
  return any;
}

CaseAt replay(const Case& c, int64_t start, int64_t end, const Reference& ref) {
  CaseAt r;
  r.c = &c;
  r.owner = c.intakeUnitId;
  auto assignment = [&](int id) -> AssignmentAt* {
    for (AssignmentAt& a : r.assignments)
      if (a.a->id == id) return &a;
    return nullptr;
  };

  for (const Event& e : c.events) {
    if (e.at >= end) continue;  // later events never count (read on, in case of clock skew)
    const std::string& act = e.action;
    if (act == "register") {
      r.urgent = contains(e.detail, kUrgentMark);
    } else if (act == "mark_urgent") {
      r.urgent = true;
    } else if (act == "push_to_county") {
      r.owner = c.ownerUnitId;  // a case is pushed once, to the owner it still has
    } else if (act == "dispatch") {
      if (!r.dispatchedAt) r.dispatchedAt = e.at;
      if (contains(e.detail, kMajorMark)) r.major = true;
      for (const Assignment& a : c.assignments)
        if (a.dispatchedAt && a.dispatchedAt <= e.at && !assignment(a.id)) {
          AssignmentAt at;
          at.a = &a;
          r.assignments.push_back(std::move(at));
        }
    } else if (act == "reopen") {
      for (AssignmentAt& a : r.assignments)
        if (a.state == AssignmentState::Closed) a.state = AssignmentState::Accepted;
      r.satisfaction.reset();
      r.satisfactionAt = 0;
    } else if (act == "merge") {
      // The target of a merge records one too, keeping its state; only the duplicate's own
      // event moves it to merged.
      if (e.toState == caseStateKey(CaseState::Merged)) r.merged = true;
    } else if (act == "record_satisfaction") {
      r.satisfaction = satisfactionOf(e.detail);
      r.satisfactionAt = r.satisfaction ? e.at : 0;
    } else if (AssignmentAt* a = e.assignmentId ? assignment(e.assignmentId) : nullptr) {
      if (auto s = detail::assignmentStateFromKey(e.toState)) a->state = *s;
      if ((act == "accept" || act == "return") && !a->respondedAt) a->respondedAt = e.at;
      if (act == "return") {
        a->returnedEver = true;
        ++r.returns;
        r.returnInWeek |= e.at >= start;
      }
      if (act == "resolve") {
        a->lastAnswerAt = e.at;
      }
      if (act == "submit_plan") r.major = true;
      if (act == "approve_extension") a->extensionDays += extensionDaysOf(e.detail);
      if (act == "approve_suspension") ++a->suspensions;
    }
    // Closed when every live assignment is; the time is that of the event that closed it.
    const bool closedNow = !r.merged && allLiveClosed(r.assignments);
    if (closedNow && !r.closedAt) r.closedAt = e.at;
    if (!closedNow) r.closedAt = 0;
  }

  // Deadlines, from the stored start points and what had been approved by the end.
  const Calendar& cal = ref.calendar;
  if (r.urgent) {
    r.dispatchDueAt = computeDueInstant(ref.rules.get("T2"), c.registeredAt);
    r.dispatchDue = cstDate(r.dispatchDueAt);
  } else {
    r.dispatchDue = computeDeadline(ref.rules.get("T1"), cstDate(c.registeredAt), cal).due;
  }
  for (AssignmentAt& a : r.assignments) {
    Rule rule = ref.rules.get(r.major ? "T4" : "T3");
    rule.amount += a.extensionDays;
    const size_t n = std::min(a.suspensions, a.a->suspensions.size());
    const std::vector<Suspension> paused(a.a->suspensions.begin(), a.a->suspensions.begin() + n);
    a.resolveDue = computeDeadline(rule, cstDate(a.a->dispatchedAt), cal, paused).due;
  }
  return r;
}

// ---- tallies --------------------------------------------------------------------------------

// The figures of one row (the scope's total, a county, a unit), each the set of cases behind it.
// Assignment figures count assignments; `cases` of a figure are its distinct case ids.
struct Figure {
  int64_t count = 0;
  std::set<std::string> cases;
  std::map<std::string, int> daysLate;  // overdue only: case id -> working days late
  void add(const std::string& id) {
    ++count;
    cases.insert(id);
  }
};

// Figure keys in the order they are written, with their Chinese labels.
struct FigureName {
  const char* key;
  const char* zh;
};
constexpr FigureName kFigures[] = {
    {"received", "受理"},
    {"dispatched", "分转"},
    {"dispatched_on_time", "按期分转"},
    {"closed", "销号"},
    {"closed_on_time", "按期销号"},
    {"open", "周末未销号"},
    {"overdue", "逾期未办"},
    {"returned_repeatedly", "多次退回"},
    {"assigned", "承办收件"},
    {"responded", "已签收或退回"},
    {"answered", "办结答复"},
    {"answered_on_time", "按期答复"},
    {"answered_late", "超期答复"},
    {"assignments_open", "承办未销号"},
    {"satisfaction_results", "有效回访"},
    {"satisfied", "满意（含基本满意）"},
};
constexpr size_t kFigureCount = std::size(kFigures);

size_t figureIndex(std::string_view key) {
  for (size_t i = 0; i < kFigureCount; ++i)
    if (key == kFigures[i].key) return i;
  return kFigureCount;  // never: keys below are from the table
}

struct Row {
  std::array<Figure, kFigureCount> f;
  Figure& operator[](std::string_view key) { return f[figureIndex(key)]; }
  const Figure& operator[](std::string_view key) const { return f[figureIndex(key)]; }
  bool empty() const {
    return std::all_of(f.begin(), f.end(), [](const Figure& x) { return x.count == 0; });
  }
};

// Rates: numerator figure over denominator figure.
struct RateName {
  const char* key;
  const char* zh;
  const char* numerator;
  const char* denominator;
};
constexpr RateName kRates[] = {
    {"response_rate", "响应率", "responded", "assigned"},
    {"on_time_dispatch_rate", "按期分转率", "dispatched_on_time", "dispatched"},
    {"resolution_rate", "办结率", "closed", "closed_or_open"},
    {"on_time_resolution_rate", "按期办结率", "answered_on_time", "answered"},
    {"satisfaction_rate", "满意率", "satisfied", "satisfaction_results"},
};

// Rankings: which rate, and the figure whose count is the volume.
struct RankingName {
  const char* key;
  const char* zh;
  const char* rate;
};
constexpr RankingName kRankings[] = {
    {"on_time_dispatch", "按期分转率排名", "on_time_dispatch_rate"},
    {"on_time_resolution", "按期办结率排名", "on_time_resolution_rate"},
    {"satisfaction", "满意率排名", "satisfaction_rate"},
};

struct Tally {
  Row total;
  std::map<std::string, Row> counties;
  std::map<std::string, Row> units;
  std::map<std::string, std::set<std::string>> categories, estates, companies;
  struct Owed {
    std::string unitId;
    std::string rule;
    Date due;
    int daysLate = 0;
  };
  struct Overdue {
    const CaseAt* c = nullptr;
    std::vector<Owed> owed;
    int daysLate = 0;
  };
  std::vector<Overdue> overdue;
};

// Working days late on `lastDay` for something due on `due`; at least 1 once past.
int daysLateOn(Date due, Date lastDay, const Calendar& cal) {
  return std::max(1, cal.workingDaysBetween(due, lastDay));
}

void count(Tally& t, const CaseAt& k, int64_t start, int64_t end, const Reference& ref) {
  const Case& c = *k.c;
  const Date lastDay = cstDate(end - 1);
  const std::string& id = c.id;
  Row* county = c.countyId.empty() ? nullptr : &t.counties[c.countyId];
  Row& owner = t.units[k.owner];
  // A case-level figure goes to the total, its county and its owning authority.
  auto caseFigure = [&](std::string_view key) {
    t.total[key].add(id);
    if (county) (*county)[key].add(id);
    owner[key].add(id);
  };
  auto in = [&](int64_t at) { return at >= start && at < end; };

  if (in(c.registeredAt)) {
    caseFigure("received");
    for (const AssignmentAt& a : k.assignments)
      for (const std::string& code : a.a->catalogueCodes) t.categories[code].insert(id);
    if (!c.estateId.empty()) t.estates[c.estateId].insert(id);
    if (!c.companyId.empty()) t.companies[c.companyId].insert(id);
  }
  if (in(k.dispatchedAt)) {
    caseFigure("dispatched");
    const bool onTime = k.dispatchDueAt ? k.dispatchedAt <= k.dispatchDueAt
                                        : cstDate(k.dispatchedAt) <= k.dispatchDue;
    if (onTime) caseFigure("dispatched_on_time");
  }
  if (k.closed() && in(k.closedAt)) {
    caseFigure("closed");
    Date latest;
    for (const AssignmentAt& a : k.assignments)
      if (a.live() && a.resolveDue > latest) latest = a.resolveDue;
    if (cstDate(k.closedAt) <= latest) caseFigure("closed_on_time");
  }
  if (k.open()) caseFigure("open");

  // Back and forth: two or more returns by the end, one of them this week. It counts for the
  // total, the county, the owner and every unit that returned it.
  if (k.returns >= 2 && k.returnInWeek) {
    caseFigure("returned_repeatedly");
    for (const AssignmentAt& a : k.assignments)
      if (a.returnedEver && a.a->unitId != k.owner) {
        Figure& f = t.units[a.a->unitId]["returned_repeatedly"];
        if (!f.cases.count(id)) f.add(id);
      }
  }

  // Assignment figures: to the assignment's unit; the total and county count assignments too.
  auto assignmentFigure = [&](std::string_view key, const AssignmentAt& a) {
    t.total[key].add(id);
    if (county) (*county)[key].add(id);
    t.units[a.a->unitId][key].add(id);
  };
  for (const AssignmentAt& a : k.assignments) {
    if (in(a.a->dispatchedAt)) {
      assignmentFigure("assigned", a);
      if (a.respondedAt && a.respondedAt < end) assignmentFigure("responded", a);
    }
    // An assignment answered more than once this week (after a rejected review) counts once,
    // by its latest answer.
    if (a.lastAnswerAt && in(a.lastAnswerAt) && !k.merged) {
      assignmentFigure("answered", a);
      assignmentFigure(
          cstDate(a.lastAnswerAt) <= a.resolveDue ? "answered_on_time" : "answered_late", a);
    }
    if (a.live() && a.state != AssignmentState::Closed && !k.merged)
      assignmentFigure("assignments_open", a);
  }

  // Satisfaction: a result recorded this week (and not undone by a reopening before the end),
  // for the total, the county and every unit that handled the case.
  if (k.satisfaction && in(k.satisfactionAt) && *k.satisfaction != Satisfaction::Unreachable) {
    const bool happy = *k.satisfaction == Satisfaction::Satisfied ||
                       *k.satisfaction == Satisfaction::BasicallySatisfied;
    t.total["satisfaction_results"].add(id);
    if (county) (*county)["satisfaction_results"].add(id);
    if (happy) {
      t.total["satisfied"].add(id);
      if (county) (*county)["satisfied"].add(id);
    }
    for (const AssignmentAt& a : k.assignments) {
      if (!a.live()) continue;
      t.units[a.a->unitId]["satisfaction_results"].add(id);
      if (happy) t.units[a.a->unitId]["satisfied"].add(id);
    }
  }

  // Overdue at the end: the dispatch deadline of a case still waiting for dispatch, and the
  // handling deadline of every live assignment not yet answered.
  if (!k.open()) return;
  Tally::Overdue o;
  o.c = &k;
  const bool waiting = std::none_of(k.assignments.begin(), k.assignments.end(),
                                    [](const AssignmentAt& a) { return a.live(); });
  if (waiting) {
    const bool late = k.dispatchDueAt ? k.dispatchDueAt < end : k.dispatchDue < lastDay;
    if (late)
      o.owed.push_back({k.owner, k.urgent ? "T2" : "T1", k.dispatchDue,
                        daysLateOn(k.dispatchDue, lastDay, ref.calendar)});
  }
  for (const AssignmentAt& a : k.assignments)
    if (a.live() && !answeredState(a.state) && a.resolveDue < lastDay)
      o.owed.push_back({a.a->unitId, k.major ? "T4" : "T3", a.resolveDue,
                        daysLateOn(a.resolveDue, lastDay, ref.calendar)});
  if (o.owed.empty()) return;
  for (const Tally::Owed& w : o.owed) {
    o.daysLate = std::max(o.daysLate, w.daysLate);
    Figure& f = t.units[w.unitId]["overdue"];
    if (!f.cases.count(id)) f.add(id);
    f.daysLate[id] = std::max(f.daysLate[id], w.daysLate);
  }
  for (Row* row : {&t.total, county}) {
    if (!row) continue;
    Figure& f = (*row)["overdue"];
    f.add(id);
    f.daysLate[id] = o.daysLate;
  }
  t.overdue.push_back(std::move(o));
}

// ---- JSON -----------------------------------------------------------------------------------

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void ids(Writer& w, const std::set<std::string>& cases) {
  w.StartArray();
  for (const std::string& id : cases) w.String(id.c_str());
  w.EndArray();
}

struct RateValue {
  int64_t numerator = 0, denominator = 0;
  std::optional<double> rate;  // none without a denominator
};

RateValue rateOf(const Row& row, const RateName& r) {
  RateValue v;
  v.numerator = row[r.numerator].count;
  v.denominator = std::string_view(r.denominator) == "closed_or_open"
                      ? row["closed"].count + row["open"].count
                      : row[r.denominator].count;
  // Four decimals: the package states rates the way they are printed.
  if (v.denominator > 0)
    v.rate = std::round(10000.0 * static_cast<double>(v.numerator) /
                        static_cast<double>(v.denominator)) /
             10000.0;
  return v;
}

const RateName& rateNamed(std::string_view key) {
  for (const RateName& r : kRates)
    if (key == r.key) return r;
  return kRates[0];
}

void writeRow(Writer& w, const Row& row) {
  w.Key("figures");
  w.StartObject();
  for (size_t i = 0; i < kFigureCount; ++i) {
    const Figure& f = row.f[i];
    w.Key(kFigures[i].key);
    w.StartObject();
    w.Key("count");
    w.Int64(f.count);
    w.Key("cases");
    ids(w, f.cases);
    if (std::string_view(kFigures[i].key) == "overdue") {
      w.Key("days_late");
      w.StartObject();
      for (const auto& [id, days] : f.daysLate) {
        w.Key(id.c_str());
        w.Int(days);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("rates");
  w.StartObject();
  for (const RateName& r : kRates) {
    const RateValue v = rateOf(row, r);
    w.Key(r.key);
    w.StartObject();
    w.Key("rate");
    if (v.rate)
      w.Double(*v.rate);
    else
      w.Null();
    w.Key("numerator");
    w.Int64(v.numerator);
    w.Key("denominator");
    w.Int64(v.denominator);
    // The drill-down of a rate is the cases of its two figures.
    str(w, "numerator_figure", r.numerator);
    str(w, "denominator_figure",
        std::string_view(r.denominator) == "closed_or_open" ? "closed+open" : r.denominator);
    w.EndObject();
  }
  w.EndObject();
}

std::string unitName(const Reference& ref, const std::string& id, int64_t at) {
  const OrgUnit* u = ref.org.find(id);
  return u ? u->nameAt(at) : id;
}

void writeRanking(Writer& w, const Tally& t, const RankingName& rk, const Reference& ref,
                  int64_t end) {
  const RateName& r = rateNamed(rk.rate);
  struct Entry {
    std::string unitId;
    RateValue v;
  };
  std::vector<Entry> ranked, unranked;
  for (const auto& [unitId, row] : t.units) {
    const RateValue v = rateOf(row, r);
    if (v.denominator == 0) continue;
    (v.denominator >= kMinRankVolume ? ranked : unranked).push_back({unitId, v});
  }
  // Higher rate first; on an equal rate the larger volume, then the unit id, so the order never
  // depends on anything but the figures. Equal rates share a rank (1, 2, 2, 4).
  std::sort(ranked.begin(), ranked.end(), [](const Entry& a, const Entry& b) {
    if (*a.v.rate != *b.v.rate) return *a.v.rate > *b.v.rate;
    if (a.v.denominator != b.v.denominator) return a.v.denominator > b.v.denominator;
    return a.unitId < b.unitId;
  });
  std::sort(unranked.begin(), unranked.end(),
            [](const Entry& a, const Entry& b) { return a.unitId < b.unitId; });

  w.Key(rk.key);
  w.StartObject();
  str(w, "title", rk.zh);
  str(w, "rate", r.key);
  w.Key("entries");
  w.StartArray();
  int rank = 0;
  for (size_t i = 0; i < ranked.size() + unranked.size(); ++i) {
    const bool isRanked = i < ranked.size();
    const Entry& e = isRanked ? ranked[i] : unranked[i - ranked.size()];
    if (isRanked && (i == 0 || *ranked[i - 1].v.rate != *e.v.rate)) rank = static_cast<int>(i) + 1;
    w.StartObject();
    w.Key("rank");
    if (isRanked)
      w.Int(rank);
    else
      w.Null();
    str(w, "unit_id", e.unitId);
    str(w, "unit", unitName(ref, e.unitId, end));
    w.Key("rate");
    w.Double(*e.v.rate);
    w.Key("numerator");
    w.Int64(e.v.numerator);
    w.Key("denominator");
    w.Int64(e.v.denominator);
    str(w, "note", isRanked ? "" : "样本不足，不排名");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

template <class NameOf>
void writeHotSpots(Writer& w, const char* key,
                   const std::map<std::string, std::set<std::string>>& m, NameOf&& nameOf) {
  std::vector<std::pair<std::string, const std::set<std::string>*>> list;
  for (const auto& [k, cases] : m) list.emplace_back(k, &cases);
  // Most cases first; equal counts by key, so the list is the same every time.
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
    if (a.second->size() != b.second->size()) return a.second->size() > b.second->size();
    return a.first < b.first;
  });
  if (list.size() > static_cast<size_t>(kHotSpotLimit)) list.resize(kHotSpotLimit);
  w.Key(key);
  w.StartArray();
  for (const auto& [k, cases] : list) {
    w.StartObject();
    str(w, "key", k);
    str(w, "name", nameOf(k));
    w.Key("count");
    w.Int64(static_cast<int64_t>(cases->size()));
    w.Key("cases");
    ids(w, *cases);
    w.EndObject();
  }
  w.EndArray();
}

// The ids of the cases a scope may hold by the end: registered before it, and either still
// open now or changed since the week began (a case closed or merged before the week and not
// touched since cannot add to the week's figures).
std::vector<std::string> candidateCases(SQLite::Database& db, const std::string& scope,
                                        int64_t start, int64_t end) {
  const bool city = scope == kCityScope;
  SQLite::Statement st(db, std::string("SELECT id FROM cases WHERE registered_at < ? AND "
                                       "(updated_at >= ? OR state NOT IN ('closed', 'merged'))") +
                               (city ? "" : " AND county_id = ?") + " ORDER BY seq");
  st.bind(1, end);
  st.bind(2, start);
  if (!city) st.bind(3, scope);
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

}  // namespace

std::string computeWeeklyReport(SQLite::Database& db, const Reference& ref, Date monday,
                                const std::string& scope, int64_t computedAt) {
  checkReportScope(scope, ref.org);
  const int64_t start = cstMidnight(monday);
  const int64_t end = cstMidnight(monday.addDays(7));
  // One snapshot for the list and every case read (a caller's write transaction is one already).
  std::optional<SQLite::Transaction> snapshot;
  if (sqlite3_get_autocommit(db.getHandle()))
    snapshot.emplace(db, SQLite::TransactionBehavior::DEFERRED);

  std::vector<Case> cases;
  for (const std::string& id : candidateCases(db, scope, start, end))
    if (auto stored = CaseStore::load(db, id)) cases.push_back(std::move(stored->value));
  std::vector<CaseAt> at;
  at.reserve(cases.size());
  for (const Case& c : cases) at.push_back(replay(c, start, end, ref));

  Tally t;
  // Every county of the scope has a row, with or without cases.
  for (const OrgUnit* u : ref.org.all())
    if (u->kind == UnitKind::Area && u->level == OrgLevel::County &&
        (scope == kCityScope || u->id == scope))
      t.counties[u->id];
  for (const CaseAt& k : at) count(t, k, start, end, ref);
  std::sort(t.overdue.begin(), t.overdue.end(), [](const auto& a, const auto& b) {
    if (a.daysLate != b.daysLate) return a.daysLate > b.daysLate;
    return a.c->c->id < b.c->c->id;
  });

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  str(w, "kind", "weekly");
  str(w, "week", monday.toString());
  str(w, "week_end", monday.addDays(6).toString());
  str(w, "period_from", formatCst(start));
  str(w, "period_to", formatCst(end));
  str(w, "scope", scope);
  std::string scopeName = scope == kCityScope ? "全市" : unitName(ref, scope, end);
  if (scope == kCityScope)
    for (const OrgUnit* u : ref.org.all())
      if (u->parentId.empty()) scopeName = u->nameAt(end);
  str(w, "scope_name", scopeName);
  str(w, "computed_at", formatCst(computedAt));
  w.Key("min_rank_volume");
  w.Int(kMinRankVolume);

  w.Key("labels");
  w.StartObject();
  for (const FigureName& f : kFigures) str(w, f.key, f.zh);
  for (const RateName& r : kRates) str(w, r.key, r.zh);
  w.EndObject();

  w.Key("total");
  w.StartObject();
  writeRow(w, t.total);
  w.EndObject();

  w.Key("counties");
  w.StartArray();
  for (const auto& [id, row] : t.counties) {
    w.StartObject();
    str(w, "unit_id", id);
    str(w, "name", unitName(ref, id, end));
    writeRow(w, row);
    w.EndObject();
  }
  w.EndArray();

  w.Key("units");
  w.StartArray();
  for (const auto& [id, row] : t.units) {
    if (row.empty()) continue;
    w.StartObject();
    str(w, "unit_id", id);
    str(w, "name", unitName(ref, id, end));
    writeRow(w, row);
    w.EndObject();
  }
  w.EndArray();

  w.Key("rankings");
  w.StartObject();
  for (const RankingName& rk : kRankings) writeRanking(w, t, rk, ref, end);
  w.EndObject();

  w.Key("hot_spots");
  w.StartObject();
  writeHotSpots(w, "categories", t.categories, [&](const std::string& code) {
    const CatalogueEntry* e = ref.catalogue.find(code);
    return e ? e->title : code;
  });
  writeHotSpots(w, "estates", t.estates, [&](const std::string& id) {
    auto e = ReferenceStore::estate(db, id);
    return e ? e->name : id;
  });
  writeHotSpots(w, "companies", t.companies, [&](const std::string& id) {
    auto c = ReferenceStore::company(db, id);
    return c ? c->name : id;
  });
  w.EndObject();

  w.Key("overdue");
  w.StartArray();
  for (const Tally::Overdue& o : t.overdue) {
    const Case& c = *o.c->c;
    w.StartObject();
    str(w, "case_id", c.id);
    str(w, "county", c.countyId.empty() ? "" : unitName(ref, c.countyId, end));
    auto estate = c.estateId.empty() ? std::nullopt : ReferenceStore::estate(db, c.estateId);
    str(w, "estate", estate ? estate->name : "");
    w.Key("urgent");
    w.Bool(o.c->urgent);
    w.Key("days_late");
    w.Int(o.daysLate);
    w.Key("owed");
    w.StartArray();
    for (const Tally::Owed& x : o.owed) {
      w.StartObject();
      str(w, "unit_id", x.unitId);
      str(w, "unit", unitName(ref, x.unitId, end));
      str(w, "rule", x.rule);
      str(w, "due", x.due.toString());
      w.Key("days_late");
      w.Int(x.daysLate);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace pcs::server
