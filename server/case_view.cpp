#include "case_view.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "pcs/identity.h"
#include "pcs/serialize.h"
#include "route_util.h"

namespace pcs::server {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string unitName(const Reference& ref, const std::string& id) {
  const OrgUnit* u = ref.org.find(id);
  return u ? u->name : id;
}

void deadline(Writer& w, const char* what, int assignmentId, const Deadline& d,
              const Reference& ref, Date today, bool open) {
  w.StartObject();
  str(w, "what", what);
  w.Key("assignment_id");
  w.Int(assignmentId);
  str(w, "rule", d.ruleId);
  str(w, "due", d.due.toString());
  str(w, "unit", ruleUnitKey(d.unit));
  w.Key("provisional");
  w.Bool(d.provisional);
  w.Key("open");
  w.Bool(open);
  if (open) {
    w.Key("days_left");
    w.Int(daysLeft(d, today, ref.calendar));
    str(w, "days_left_text", describeDaysLeft(d, today, ref.calendar));
  }
  str(w, "explanation", d.explanation);
  w.EndObject();
}

bool assignmentOpen(const Assignment& a) {
  return a.live() && a.state != AssignmentState::Closed;
}

bool resolving(const Assignment& a) {
  return a.state == AssignmentState::Dispatched || a.state == AssignmentState::Accepted ||
         a.state == AssignmentState::PlanSubmitted;
}

}  // namespace

bool maySeeContact(const Case& c, const Actor& actor, const Reference& ref) {
  const OrgUnit* unit = ref.org.find(actor.unitId);
  if (!unit || !unit->active) return false;
  // Only roles that work on cases call complainants back; oversight and administration do not.
  const bool works = actor.has(Role::IntakeClerk) || actor.has(Role::Dispatcher) ||
                     actor.has(Role::Handler) || actor.has(Role::Reviewer) ||
                     actor.has(Role::UnitHead);
  if (!works) return false;
  if (unit->id == c.ownerUnitId || unit->id == c.intakeUnitId) return true;
  for (const Assignment& a : c.assignments)
    if (a.unitId == unit->id && assignmentOpen(a)) return true;
  return c.channel == Channel::Hotline12345 && unit->handler == Handler::Hotline12345;
}

std::string caseViewJson(const StoredCase& stored, const Actor& actor, const Reference& ref,
                         int64_t now) {
  Case masked = stored.value;
  masked.complainant.name = maskName(stored.value.complainant.name);
  masked.complainant.contact = maskContact(stored.value.complainant.contact);
  masked.complainant.key.clear();
  const Date today = cstDate(now);
  const WorkflowContext ctx{ref.org, ref.calendar, ref.rules, now};

  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("case");
  const std::string record = toJsonString(masked, "case");
  // toJsonString wraps the record as {"case": {...}}; splice the inner object.
  const size_t open = record.find('{', 1);
  const size_t close = record.rfind('}');
  const std::string inner = record.substr(open, close - open);
  w.RawValue(inner.c_str(), inner.size(), rapidjson::kObjectType);
  w.Key("version");
  w.Int64(stored.version);
  w.Key("may_see_contact");
  w.Bool(maySeeContact(stored.value, actor, ref));

  w.Key("deadlines");
  w.StartArray();
  const Case& c = stored.value;
  const bool caseOpen = c.state != CaseState::Closed && c.state != CaseState::Merged;
  deadline(w, "dispatch", 0, c.dispatchDue, ref, today,
           caseOpen && c.state == CaseState::Registered);
  for (const Assignment& a : c.assignments) {
    if (!a.live()) continue;
    if (a.resolveDue) deadline(w, "resolve", a.id, *a.resolveDue, ref, today, resolving(a));
    if (a.planDue)
      deadline(w, "plan", a.id, *a.planDue, ref, today,
               a.state == AssignmentState::Dispatched || a.state == AssignmentState::Accepted);
    if (a.progressDue)
      deadline(w, "progress", a.id, *a.progressDue, ref, today,
               a.state == AssignmentState::PlanSubmitted);
    if (a.penalty && a.penalty->verifyDue)
      deadline(w, "penalty_verify", a.id, *a.penalty->verifyDue, ref, today, !a.penalty->verified);
    if (a.penalty && a.penalty->decideDue)
      deadline(w, "penalty_decide", a.id, *a.penalty->decideDue, ref, today,
               a.penalty->outcome.empty());
  }
  w.EndArray();

  w.Key("actions");
  w.StartArray();
  for (const AvailableAction& a : availableActions(c, actor, ctx)) {
    w.StartObject();
    str(w, "action", actionKey(a.action));
    str(w, "label", actionZh(a.action));
    w.Key("assignment_id");
    w.Int(a.assignmentId);
    w.EndObject();
  }
  w.EndArray();

  // Names of every unit the case mentions, as they were when it was registered where renamed.
  w.Key("units");
  w.StartObject();
  std::vector<std::string> ids = {c.ownerUnitId, c.intakeUnitId, c.countyId, c.streetId,
                                  c.communityId};
  for (const Assignment& a : c.assignments) ids.push_back(a.unitId);
  for (const Event& e : c.events) ids.push_back(e.unitId);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (const std::string& id : ids) {
    if (id.empty()) continue;
    const OrgUnit* u = ref.org.find(id);
    str(w, id.c_str(), u ? u->nameAt(c.registeredAt) : id);
  }
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

std::string casePageJson(const CasePage& page, const Reference& ref, Date today) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const CaseSummary& s : page.items) {
    w.StartObject();
    str(w, "id", s.id);
    str(w, "state", s.state);
    str(w, "county_id", s.countyId);
    str(w, "county_name", unitName(ref, s.countyId));
    str(w, "street_id", s.streetId);
    str(w, "estate_id", s.estateId);
    str(w, "company_id", s.companyId);
    str(w, "owner_unit_id", s.ownerUnitId);
    str(w, "channel", s.channel);
    w.Key("urgent");
    w.Bool(s.urgent);
    w.Key("major");
    w.Bool(s.major);
    str(w, "received_at", formatCst(s.receivedAt));
    w.Key("returns");
    w.Int(s.returns);
    str(w, "excerpt", s.excerpt);
    if (s.nextDue) {
      const Date due = Date::fromDayNumber(*s.nextDue);
      str(w, "next_due", due.toString());
      w.Key("overdue");
      w.Bool(due < today);
      // Working days, the unit of most limits; the case view gives each rule's own unit.
      w.Key("working_days_left");
      w.Int(workingDaysLeft(due, today, ref.calendar));
    }
    w.EndObject();
  }
  w.EndArray();
  str(w, "next_cursor", page.nextCursor);
  w.EndObject();
  return buf.GetString();
}

}  // namespace pcs::server
