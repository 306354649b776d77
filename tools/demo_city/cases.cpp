// The demo complaints: who complains where and about what, and how each case is worked through
// the real workflow at backdated times.
//
// Sections: companies' conduct | complainants | one case's plan | working a case | generateCases
//
// Each case is a small simulation: every pending step (dispatch, accept, resolve, co-sign,
// review...) is a task with a time; the earliest task runs next through pcs::apply at its
// time and schedules what follows. Tasks later than the clock are never run, so recent cases
// stay open at whatever stage they reached, as they would in a real city.
#include <algorithm>
#include <set>

#include "internal.h"
#include "pcs/error.h"
#include "pcs/identity.h"

namespace pcs::demo {
namespace {

constexpr int64_t kMinute = 60;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;
constexpr int64_t kCst = 8 * kHour;  // China Standard Time is UTC+8

// ---- companies' conduct -----------------------------------------------------------------------

// How residents of a company's estates fare: how often they complain (weight per estate), how
// often handling finds them right, and how often handlers run late. A few companies are bad
// enough to cross every supervision threshold (R10-R12); most stay below them.
struct Conduct {
  int weight;  // relative complaints per estate
  int substantiatedPerMille;
  int latePerMille;
};

Conduct conductOf(const std::string& companyId) {
  if (companyId.empty()) return {120, 600, 90};  // old estates without a company (失管)
  const int n = std::stoi(companyId.substr(3));
  if (n == 2 || n == 5 || n == 14 || n == 27) return {200, 880, 140};  // the worst
  if (n == 1 || n == 8 || n == 19) return {60, 650, 90};
  if (n % 6 == 0 || n == 9 || n == 31) return {6, 420, 80};
  return {1, 250, 50};  // most companies: a complaint now and then
}

// ---- complainants -----------------------------------------------------------------------------

// Residents per estate who may complain. Phone numbers are 1550000 followed by four digits: a
// made-up block used only for demo data, so 10,000 residents at most (150 estates x 60).
constexpr int kResidentsPerEstate = 60;

uint64_t mix(uint64_t x) {
  Rng r(x * 0x2545F4914F6CDD1DULL + 0x9E37);
  return r.next();
}

// Resident `r`'s name and number: fixed per resident, so a neighbour who complains again is
// the same complainant (R9 counts them once).
Complainant resident(int r, const std::map<std::string, std::vector<std::string>>& names) {
  const uint64_t h = mix(static_cast<uint64_t>(r));
  const auto& surnames = names.at("surnames");
  const auto& given = names.at("given");
  const auto& titles = names.at("titles");
  Complainant c;
  const std::string surname = surnames[h % surnames.size()];
  const int style = static_cast<int>((h >> 20) % 100);
  if (style < 80)
    c.name = surname + given[(h >> 8) % given.size()];
  else if (style < 97)
    c.name = surname + titles[(h >> 32) % titles.size()];
  // else: gives only a number
  std::string digits = std::to_string(r % 10000);
  digits.insert(0, 4 - digits.size(), '0');
  c.contact = "1550000" + digits;
  c.key = complainantKey(c.name, c.contact);
  return c;
}

// ---- one case's plan ----------------------------------------------------------------------------

enum class Step {
  Push,
  ReportUrgent,
  Dispatch,
  Accept,
  Return,
  Plan,
  Progress,
  Resolve,
  CoSignStreet,
  CoSignHousing,
  Submit,
  Review,
  Satisfaction,
  Reopen
};

struct Task {
  int64_t at = 0;
  int order = 0;  // ties run in the order they were planned
  Step step = Step::Dispatch;
  int assignment = 0;
  std::vector<DispatchTarget> targets;  // Dispatch
  bool major = false;                   // Dispatch
};

// What happens to one case, decided up front.
struct Fate {
  bool neglected = false;   // never dispatched: overdue on the board
  bool unaccepted = false;  // dispatched, never signed for
  bool lateDispatch = false;
  bool wrongRoute = false;  // first sent to a unit that returns it
  bool major = false;
  bool reject = false;  // the review sends it back once
  bool reopen = false;  // closed, then the problem comes back
  int latePerMille = 0;
  int substantiatedPerMille = 0;
};

// Moves `t` into office hours (08:30-17:30 CST), on the same day or the next morning.
int64_t officeHours(int64_t t, Rng& rng) {
  const int64_t sec = (t + kCst) % kDay;
  const int64_t open = 8 * kHour + 30 * kMinute, close = 17 * kHour + 30 * kMinute;
  if (sec < open) return t + (open - sec) + rng.between(0, 90 * kMinute);
  if (sec > close) return t + (kDay - sec) + open + rng.between(0, 90 * kMinute);
  return t;
}

// ---- working a case -----------------------------------------------------------------------------

class CaseRun {
 public:
  CaseRun(const City& city, const WorkflowData& data, const ComplaintWriter& writer, Rng& rng,
          const std::function<std::string(const std::string&)>& userIdOf, int64_t limit)
      : city_(city), data_(data), writer_(writer), rng_(rng), userIdOf_(userIdOf), limit_(limit) {}

  // Works `c` (registered already by `clerk` at `t`) until no task is due before the clock.
  void run(Case& c, const Fate& fate, const std::vector<DispatchTarget>& targets,
           const DispatchTarget& wrong, const TextContext& text, bool cityIntake, int64_t t) {
    c_ = &c;
    fate_ = fate;
    targets_ = targets;
    text_ = text;
    county_ = c.countyId;
    rejected_.clear();
    // The county reports an urgent case to its party committee and government once it owns it.
    if (cityIntake)
      plan(t + rng_.between(10 * kMinute, 40 * kMinute), Step::Push, 0, true);
    else if (c.urgent)
      plan(t + rng_.between(10 * kMinute, 60 * kMinute), Step::ReportUrgent, 0, true);
    if (!fate.neglected) {
      Task d;
      d.step = Step::Dispatch;
      d.major = fate.major;
      d.targets = fate.wrongRoute ? std::vector<DispatchTarget>{wrong} : targets;
      // Urgent cases go out within T2's hours (now and then a little later); general ones
      // within a few days, or, for a few, after T1's seven working days.
      int64_t delay =
          c.urgent ? rng_.between(45 * kMinute, 150 * kMinute) : rng_.between(2 * kHour, 3 * kDay);
      if (fate.lateDispatch && !c.urgent) delay = rng_.between(10 * kDay, 16 * kDay);
      d.at = c.urgent ? t + delay : officeHours(t + delay, rng_);
      push(std::move(d));
    }
    while (!tasks_.empty()) {
      auto next = std::min_element(tasks_.begin(), tasks_.end(), [](const Task& a, const Task& b) {
        return a.at != b.at ? a.at < b.at : a.order < b.order;
      });
      if (next->at > limit_) break;
      Task task = std::move(*next);
      tasks_.erase(next);
      perform(task);
    }
    tasks_.clear();
  }

 private:
  Actor actor(const std::string& login) const {
    const DemoUser& u = city_.user(login);
    return Actor{userIdOf_ ? userIdOf_(login) : login, u.unitId, u.roles};
  }
  WorkflowContext at(int64_t t) const {
    return WorkflowContext{data_.org, data_.calendar, data_.rules, t};
  }
  void push(Task t) {
    t.order = order_++;
    tasks_.push_back(std::move(t));
  }
  // Plans `step` at `t` (moved into office hours unless `anyHour`, as urgent work is).
  void plan(int64_t t, Step step, int assignment, bool anyHour = false) {
    Task task;
    task.at = anyHour ? t : officeHours(t, rng_);
    task.step = step;
    task.assignment = assignment;
    push(std::move(task));
  }
  void apply(Action action, const std::string& login, int64_t t, int assignment = 0,
             Command cmd = {}) {
    cmd.action = action;
    cmd.assignmentId = assignment;
    pcs::apply(*c_, cmd, actor(login), at(t));
  }

  // The account that works on an assignment of unit `unitId`.
  std::string handlerLogin(const std::string& unitId) {
    const OrgUnit& u = data_.org.get(unitId);
    if (u.kind == UnitKind::Department)
      return unitId == county_ + ".police" && rng_.chance(150) ? unitId + ".head" : unitId;
    if (u.level == OrgLevel::Street && rng_.chance(300)) return unitId + ".head";
    return unitId + ".handler";
  }
  std::string reviewerLogin(const Assignment& a) {
    if (a.needsCoSign()) return rng_.chance(150) ? "city.head" : "city.reviewer";
    return "city." + std::string(handlerKey(a.handler)) + ".reviewer";
  }
  std::string dispatcherLogin() {
    return county_ + (rng_.chance(150) ? ".housing.head" : ".dispatcher");
  }

  void afterResolve(int64_t t, int id) {
    const Assignment& a = *c_->assignment(id);
    if (a.needsCoSign()) {
      plan(t + rng_.between(12 * kHour, 3 * kDay), Step::CoSignStreet, id);
    } else {
      plan(t + rng_.between(1 * kHour, 1 * kDay), Step::Submit, id);
    }
    if (c_->channel == Channel::Hotline12345 && c_->state == CaseState::Resolved &&
        !c_->satisfaction)
      plan(t + rng_.between(1 * kDay, 3 * kDay), Step::Satisfaction, 0);
  }

  int64_t resolveDelay() {
    if (c_->urgent) return rng_.between(3 * kHour, 2 * kDay);
    if (rng_.chance(fate_.latePerMille)) return rng_.between(9 * kDay, 30 * kDay);
    return rng_.between(1 * kDay, 4 * kDay);
  }

  void perform(const Task& task) {
    const int64_t t = task.at;
    const int id = task.assignment;
    switch (task.step) {
      case Step::Push:
        apply(Action::PushToCounty, "city.dispatcher", t);
        if (c_->urgent)
          plan(t + rng_.between(5 * kMinute, 20 * kMinute), Step::ReportUrgent, 0, true);
        break;

      case Step::ReportUrgent: {
        Command cmd;
        cmd.text = writer_.line(rng_, "urgent_reports", text_);
        apply(Action::ReportUrgent, county_ + ".housing.head", t, 0, cmd);
        break;
      }

      case Step::Dispatch: {
        // A city-intake case is dispatched once it has been pushed to the county.
        if (c_->ownerUnitId != county_ + ".housing") {
          plan(t + kHour, Step::Dispatch, 0);
          tasks_.back().targets = task.targets;
          tasks_.back().major = task.major;
          break;
        }
        Command cmd;
        cmd.targets = task.targets;
        cmd.major = task.major;
        const size_t before = c_->assignments.size();
        apply(Action::Dispatch, dispatcherLogin(), t, 0, cmd);
        for (size_t i = before; i < c_->assignments.size(); ++i) {
          const Assignment& a = c_->assignments[i];
          const bool wrong = fate_.wrongRoute && c_->returns == 0 && before == 0;
          if (fate_.unaccepted && !wrong) continue;
          const int64_t delay = c_->urgent ? rng_.between(10 * kMinute, 1 * kHour)
                                           : rng_.between(1 * kHour, 1 * kDay);
          plan(t + delay, wrong ? Step::Return : Step::Accept, a.id, c_->urgent);
        }
        break;
      }

      case Step::Accept: {
        const Assignment& a = *c_->assignment(id);
        apply(Action::Accept, handlerLogin(a.unitId), t, id);
        if (fate_.major && a.needsCoSign())
          plan(t + rng_.between(1 * kDay, 5 * kDay), Step::Plan, id);
        else
          plan(t + resolveDelay(), Step::Resolve, id, c_->urgent);
        break;
      }

      case Step::Return: {
        const Assignment& a = *c_->assignment(id);
        Command cmd;
        cmd.reason = writer_.line(rng_, "return_reasons", text_);
        apply(Action::Return, handlerLogin(a.unitId), t, id, cmd);
        Task d;
        d.step = Step::Dispatch;
        d.targets = targets_;
        d.at = officeHours(t + rng_.between(4 * kHour, 2 * kDay), rng_);
        push(std::move(d));
        break;
      }

      case Step::Plan: {
        const Assignment& a = *c_->assignment(id);
        Command cmd;
        const Date today = cstDate(t);
        int offset = 0;
        for (int i = 0; i < 3 + rng_.below(2); ++i) {
          offset += 10 + rng_.below(20);
          cmd.plan.push_back({today.addDays(offset), writer_.line(rng_, "plan_steps", text_)});
        }
        apply(Action::SubmitPlan, handlerLogin(a.unitId), t, id, cmd);
        // Monthly reports (T6) until the work is done, one to three months later.
        const int64_t done = t + rng_.between(20 * kDay, 60 * kDay);
        for (int64_t p = t + 28 * kDay; p < done; p += rng_.between(26 * kDay, 31 * kDay))
          plan(p, Step::Progress, id);
        plan(done, Step::Resolve, id);
        break;
      }

      case Step::Progress: {
        const Assignment& a = *c_->assignment(id);
        if (a.state != AssignmentState::PlanSubmitted) break;
        Command cmd;
        cmd.text = writer_.line(rng_, "progress_reports", text_);
        apply(Action::ReportProgress, handlerLogin(a.unitId), t, id, cmd);
        break;
      }

      case Step::Resolve: {
        const Assignment& a = *c_->assignment(id);
        Command cmd;
        cmd.substantiated = rng_.chance(fate_.substantiatedPerMille);
        cmd.text = writer_.line(rng_, *cmd.substantiated ? "answers_true" : "answers_false", text_);
        apply(Action::Resolve, handlerLogin(a.unitId), t, id, cmd);
        afterResolve(t, id);
        break;
      }

      case Step::CoSignStreet: {
        Command cmd;
        cmd.text = writer_.line(rng_, "cosign_street", text_);
        const bool community = !c_->communityId.empty() && rng_.chance(400);
        apply(Action::CoSignStreet,
              community ? c_->communityId + ".handler" : c_->streetId + ".head", t, id, cmd);
        plan(t + rng_.between(4 * kHour, 2 * kDay), Step::CoSignHousing, id);
        break;
      }

      case Step::CoSignHousing: {
        Command cmd;
        cmd.text = writer_.line(rng_, "cosign_housing", text_);
        apply(Action::CoSignHousing, county_ + (rng_.chance(400) ? ".reviewer" : ".housing.head"),
              t, id, cmd);
        plan(t + rng_.between(1 * kHour, 1 * kDay), Step::Submit, id);
        break;
      }

      case Step::Submit: {
        const Assignment& a = *c_->assignment(id);
        apply(Action::SubmitReview, a.needsCoSign() ? dispatcherLogin() : handlerLogin(a.unitId), t,
              id);
        plan(t + rng_.between(1 * kDay, 4 * kDay), Step::Review, id);
        break;
      }

      case Step::Review: {
        const Assignment& a = *c_->assignment(id);
        if (fate_.reject && !rejected_.count(id) && c_->reopens == 0) {
          rejected_.insert(id);
          Command cmd;
          cmd.reason = writer_.line(rng_, "reject_reasons", text_);
          apply(Action::Reject, reviewerLogin(a), t, id, cmd);
          plan(t + rng_.between(2 * kDay, 5 * kDay), Step::Resolve, id);
          break;
        }
        apply(Action::Approve, reviewerLogin(a), t, id);
        if (c_->state == CaseState::Closed && fate_.reopen && c_->reopens == 0)
          plan(t + rng_.between(5 * kDay, 30 * kDay), Step::Reopen, 0);
        break;
      }

      case Step::Satisfaction: {
        const CaseState s = c_->state;
        if (c_->satisfaction ||
            (s != CaseState::Resolved && s != CaseState::UnderReview && s != CaseState::Closed))
          break;
        Command cmd;
        const int r = rng_.below(100);
        cmd.satisfaction = r < 68   ? Satisfaction::Satisfied
                           : r < 88 ? Satisfaction::BasicallySatisfied
                           : r < 96 ? Satisfaction::Unsatisfied
                                    : Satisfaction::Unreachable;
        apply(Action::RecordSatisfaction, county_ + ".hotline_12345", t, 0, cmd);
        break;
      }

      case Step::Reopen: {
        Command cmd;
        cmd.reason = writer_.line(rng_, "reopen_reasons", text_);
        apply(Action::Reopen, dispatcherLogin(), t, 0, cmd);
        for (const Assignment& a : c_->assignments)
          if (a.state == AssignmentState::Accepted)
            plan(t + rng_.between(2 * kDay, 7 * kDay), Step::Resolve, a.id);
        break;
      }
    }
  }

  const City& city_;
  const WorkflowData& data_;
  const ComplaintWriter& writer_;
  Rng& rng_;
  const std::function<std::string(const std::string&)>& userIdOf_;
  const int64_t limit_;

  Case* c_ = nullptr;
  Fate fate_;
  std::vector<DispatchTarget> targets_;
  TextContext text_;
  std::string county_;
  std::vector<Task> tasks_;
  std::set<int> rejected_;  // assignments whose review was rejected once already
  int order_ = 0;
};

// The unit that handles catalogue entry `code` for a complaint about estate `e` (R4): housing
// matters go down to the street office, street and community matters to the estate's own
// street office or community, the rest to the county's department.
std::string unitFor(const std::string& code, const Estate& e, const OrgTree& org) {
  const std::string key = code.substr(0, code.find('.'));
  const Handler h = *handlerFromKey(key);
  if (h == Handler::Housing || h == Handler::StreetOffice) return e.streetId;
  if (h == Handler::Community) return e.communityId;
  const OrgUnit* u = org.handlerUnit(e.countyId, h);
  if (!u) throw Error(ErrorCode::NotFound, "demo: no " + key + " unit in " + e.countyId);
  return u->id;
}

// Codes that only make sense for some estates.
bool fits(const std::string& code, const Estate& e) {
  if (code.rfind("energy.", 0) == 0 && code != "energy.3" && code != "energy.5")
    return e.directPower;
  if (code == "street_office.9") return e.companyId.empty();
  return true;
}

}  // namespace

// ---- generateCases ------------------------------------------------------------------------------

void generateCases(const City& city, const WorkflowData& data, const CaseOptions& options,
                   const std::function<void(Case&&)>& sink,
                   const std::function<std::string(const std::string&)>& userIdOf) {
  if (options.cases <= 0) return;
  static const ComplaintWriter writer;
  for (const CatalogueEntry& e : data.catalogue.entries())
    if (!writer.has(e.code))
      throw Error(ErrorCode::InvalidInput, "complaints.txt has no phrases for " + e.code);
  for (const auto& [code, weight] : writer.entries())
    if (!data.catalogue.find(code))
      throw Error(ErrorCode::InvalidInput, "complaints.txt names an unknown entry " + code);
  const auto names = dataSections(dataFile("names.txt"), false);
  Rng rng(0xC0FFEEULL ^ (static_cast<uint64_t>(options.seed) << 17));

  // When complaints arrive: uniformly over the months before the clock, in the hours people
  // call (07:30-21:30), the last half hour excluded so the newest are registered already.
  const int64_t start = cstMidnight(cstDate(options.now).addMonths(-options.months));
  const int64_t lastAt = options.now - 30 * kMinute;
  std::vector<int64_t> times;
  times.reserve(static_cast<size_t>(options.cases));
  const int64_t days = (lastAt - start) / kDay + 1;
  while (static_cast<int>(times.size()) < options.cases) {
    const int64_t t = start + rng.between(0, days - 1) * kDay - kCst +
                      rng.between(7 * kHour + 30 * kMinute, 21 * kHour + 30 * kMinute);
    if (t >= start && t <= lastAt) times.push_back(t);
  }
  std::sort(times.begin(), times.end());

  // Where: a county by its population, then an estate of it by how much its residents
  // complain, so every county's volume follows its size wherever the bad companies work.
  std::vector<std::string> countyIds;
  std::vector<int64_t> countyCumulative;
  int64_t countyTotal = 0;
  std::map<std::string, std::vector<size_t>> estatesOf;
  std::map<std::string, std::vector<int64_t>> cumulativeOf;
  for (size_t i = 0; i < city.estates.size(); ++i) {
    const Estate& e = city.estates[i];
    std::vector<int64_t>& cum = cumulativeOf[e.countyId];
    estatesOf[e.countyId].push_back(i);
    cum.push_back((cum.empty() ? 0 : cum.back()) + conductOf(e.companyId).weight);
  }
  for (const auto& [county, people] : city.population) {
    if (!estatesOf.count(county)) continue;
    countyIds.push_back(county);
    countyCumulative.push_back(countyTotal += people);
  }
  auto draw = [&rng](const std::vector<int64_t>& cum) {
    const int64_t w = rng.between(0, cum.back() - 1);
    return static_cast<size_t>(std::upper_bound(cum.begin(), cum.end(), w) - cum.begin());
  };
  // About what: catalogue entries by weight; with enough cases every entry is used once at
  // evenly spaced cases, so a small demo still shows the whole catalogue.
  const auto& entries = writer.entries();
  std::vector<int64_t> entryCumulative;
  int64_t entryTotal = 0;
  for (const auto& [code, weight] : entries) entryCumulative.push_back(entryTotal += weight);
  const int spacing = options.cases >= static_cast<int>(entries.size())
                          ? options.cases / static_cast<int>(entries.size())
                          : 0;

  std::map<int, int> nextNumber;  // year -> next case number
  const int64_t limit = options.now - kMinute;
  CaseRun run(city, data, writer, rng, userIdOf, limit);
  for (int i = 0; i < options.cases; ++i) {
    const int64_t received = times[static_cast<size_t>(i)];
    const bool covering =
        spacing > 0 && i % spacing == 0 && i / spacing < static_cast<int>(entries.size());
    std::string code;
    size_t estateIndex = 0;
    for (int attempt = 0;; ++attempt) {
      const std::string& county = countyIds[draw(countyCumulative)];
      estateIndex = estatesOf[county][draw(cumulativeOf[county])];
      if (covering) {
        code = entries[static_cast<size_t>(i / spacing)].first;
      } else {
        const int64_t x = rng.between(0, entryTotal - 1);
        code = entries[static_cast<size_t>(
                           std::upper_bound(entryCumulative.begin(), entryCumulative.end(), x) -
                           entryCumulative.begin())]
                   .first;
      }
      if (fits(code, city.estates[estateIndex]) || attempt > 20) break;
    }
    const Estate& estate = city.estates[estateIndex];
    const CatalogueEntry* entry = data.catalogue.find(code);

    // A second matter for another handler now and then (one assignment each).
    std::string second;
    if (rng.chance(100)) {
      const std::string other =
          entries[static_cast<size_t>(rng.below(static_cast<int>(entries.size())))].first;
      if (other.substr(0, other.find('.')) != code.substr(0, code.find('.')) && fits(other, estate))
        second = other;
    }

    Case c;
    c.receivedAt = received;
    const int ch = rng.below(100);
    c.channel = ch < 30   ? Channel::Phone
                : ch < 63 ? Channel::Hotline12345
                : ch < 78 ? Channel::Online
                : ch < 88 ? Channel::Visit
                : ch < 94 ? Channel::Mailbox
                          : Channel::HigherLevel;
    const int local = rng.chance(500)
                          ? std::min(rng.below(kResidentsPerEstate), rng.below(kResidentsPerEstate))
                          : rng.below(kResidentsPerEstate);
    c.complainant = resident(static_cast<int>(estateIndex) * kResidentsPerEstate + local, names);
    TextContext text;
    text.estate = estate.name;
    text.building = 1 + rng.below(estate.highRise ? 24 : 12);
    text.unit = 1 + rng.below(4);
    text.room = (1 + rng.below(estate.highRise ? 30 : 7)) * 100 + 1 + rng.below(4);
    if (!estate.companyId.empty())
      for (const Company& co : city.companies)
        if (co.id == estate.companyId) text.company = co.name;
    c.content = writer.write(rng, code, second, text);
    c.location =
        estate.name + std::to_string(text.building) + "号楼" + std::to_string(text.unit) + "单元";
    c.estateId = estate.id;
    c.companyId = estate.companyId;
    c.countyId = estate.countyId;
    c.streetId = estate.streetId;
    c.communityId = estate.communityId;
    c.urgent = entry && entry->urgent && rng.chance(300);
    if (c.urgent) c.urgentReason = writer.line(rng, "urgent_reasons", text);

    // Dispatch targets: one per unit, with the codes it handles.
    std::vector<DispatchTarget> targets;
    for (const std::string& k : {code, second}) {
      if (k.empty()) continue;
      const std::string unit = unitFor(k, estate, data.org);
      auto it = std::find_if(targets.begin(), targets.end(),
                             [&](const DispatchTarget& d) { return d.unitId == unit; });
      if (it == targets.end())
        targets.push_back({unit, {k}});
      else
        it->catalogueCodes.push_back(k);
    }
    // The unit a misrouted case goes to first: the street office for a department's matter,
    // the county's urban management for a housing-side one.
    DispatchTarget wrong = targets.front();
    wrong.unitId = data.org.get(wrong.unitId).kind == UnitKind::Department
                       ? estate.streetId
                       : data.org.handlerUnit(estate.countyId, Handler::UrbanManagement)->id;

    const Conduct conduct = conductOf(estate.companyId);
    const int ageDays = static_cast<int>((options.now - received) / kDay);
    Fate fate;
    fate.neglected = ageDays > 40 && rng.chance(10);
    fate.unaccepted = !fate.neglected && ageDays > 30 && rng.chance(8);
    fate.lateDispatch = rng.chance(40);
    fate.wrongRoute = rng.chance(60);
    fate.major = !c.urgent &&
                 (code == "housing.1.1" || code == "housing.1.2" || code == "housing.2.4" ||
                  code == "street_office.9") &&
                 rng.chance(120);
    fate.reject = rng.chance(45);
    fate.reopen = rng.chance(25);
    fate.latePerMille = conduct.latePerMille;
    fate.substantiatedPerMille = conduct.substantiatedPerMille;

    // Registration: by the county, or by the city and pushed down (R2); case numbers per year
    // in order of registration, as an empty database hands them out.
    const bool cityIntake = rng.chance(120);
    const std::string clerk =
        cityIntake ? "city.clerk" : estate.countyId + (rng.chance(200) ? ".dispatcher" : ".clerk");
    const int64_t registered = std::min(received + rng.between(5 * kMinute, 90 * kMinute), limit);
    const int year = cstDate(registered).year();
    std::string number = std::to_string(nextNumber[year] == 0 ? 1 : nextNumber[year]);
    nextNumber[year] = std::stoi(number) + 1;
    number.insert(0, number.size() < 6 ? 6 - number.size() : 0, '0');
    c.id = std::to_string(year) + "-" + number;
    if (c.channel == Channel::Hotline12345) {
      const Date d = cstDate(received);
      c.externalRef = "GD" + std::to_string(d.year() * 10000 + d.month() * 100 + d.day()) +
                      std::to_string(10000 + i % 90000);
    }

    try {
      const DemoUser& u = city.user(clerk);
      registerCase(c, Actor{userIdOf ? userIdOf(clerk) : clerk, u.unitId, u.roles},
                   WorkflowContext{data.org, data.calendar, data.rules, registered});
      run.run(c, fate, targets, wrong, text, cityIntake, registered);
    } catch (const Error& e) {
      throw Error(e.code(), "demo case " + c.id + " (" + code + "): " + e.what());
    }
    sink(std::move(c));
  }
}

}  // namespace pcs::demo
