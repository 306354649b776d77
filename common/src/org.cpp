#include "pcs/org.h"

#include "pcs/error.h"

namespace pcs {

const char* orgLevelKey(OrgLevel l) {
  switch (l) {
    case OrgLevel::City:
      return "city";
    case OrgLevel::County:
      return "county";
    case OrgLevel::Street:
      return "street";
    case OrgLevel::Community:
      return "community";
  }
  return "city";
}

const char* orgLevelZh(OrgLevel l) {
  switch (l) {
    case OrgLevel::City:
      return "市级";
    case OrgLevel::County:
      return "县（区）级";
    case OrgLevel::Street:
      return "街道（乡镇）级";
    case OrgLevel::Community:
      return "社区（村）级";
  }
  return "";
}

const char* unitKindKey(UnitKind k) {
  switch (k) {
    case UnitKind::Area:
      return "area";
    case UnitKind::Department:
      return "department";
    case UnitKind::Oversight:
      return "oversight";
    case UnitKind::PartyGovernment:
      return "party_government";
  }
  return "area";
}

const char* listStatusKey(ListStatus s) {
  switch (s) {
    case ListStatus::None:
      return "none";
    case ListStatus::Red:
      return "red";
    case ListStatus::Black:
      return "black";
  }
  return "none";
}

const std::string& OrgUnit::nameAt(int64_t at) const {
  // history[i].oldName was the name until history[i].at.
  for (const UnitHistory& h : history)
    if (at < h.at && !h.oldName.empty()) return h.oldName;
  return name;
}

void OrgTree::add(OrgUnit unit) {
  if (unit.id.empty() || unit.name.empty())
    throw Error(ErrorCode::InvalidInput, "a unit needs an id and a name");
  if (units_.count(unit.id))
    throw Error(ErrorCode::InvalidInput, "unit id '" + unit.id + "' exists");
  if (unit.parentId.empty()) {
    if (unit.level != OrgLevel::City || unit.kind != UnitKind::Area)
      throw Error(ErrorCode::InvalidInput, "only the city area may have no parent: " + unit.id);
  } else {
    const OrgUnit* parent = find(unit.parentId);
    if (!parent)
      throw Error(ErrorCode::InvalidInput,
                  "parent '" + unit.parentId + "' of " + unit.id + " does not exist");
    if (parent->kind != UnitKind::Area)
      throw Error(ErrorCode::InvalidInput,
                  unit.id + ": units hang under an area, not under " + parent->id);
    // An area sits one level below its parent area; other units sit at their area's level.
    const int expected = static_cast<int>(parent->level) + (unit.kind == UnitKind::Area ? 1 : 0);
    if (static_cast<int>(unit.level) != expected)
      throw Error(ErrorCode::InvalidInput, unit.id + ": level " + orgLevelKey(unit.level) +
                                               " does not fit under " + parent->id);
  }
  order_.push_back(unit.id);
  units_.emplace(unit.id, std::move(unit));
}

void OrgTree::rename(const std::string& id, const std::string& newName, int64_t at,
                     const std::string& note) {
  if (newName.empty()) throw Error(ErrorCode::InvalidInput, "a unit's name cannot be empty");
  OrgUnit& u = units_.at(get(id).id);
  if (u.name == newName) return;
  u.history.push_back({at, u.name, "", note});
  u.name = newName;
}

void OrgTree::move(const std::string& id, const std::string& newParentId, int64_t at,
                   const std::string& note) {
  OrgUnit& u = units_.at(get(id).id);
  const OrgUnit& parent = get(newParentId);
  if (parent.kind != UnitKind::Area || within(newParentId, id))
    throw Error(ErrorCode::InvalidInput, "cannot move " + id + " under " + newParentId);
  const int expected = static_cast<int>(parent.level) + (u.kind == UnitKind::Area ? 1 : 0);
  if (static_cast<int>(u.level) != expected)
    throw Error(ErrorCode::InvalidInput, id + " does not fit under " + newParentId + " (level)");
  u.history.push_back({at, "", u.parentId, note});
  u.parentId = newParentId;
}

void OrgTree::deactivate(const std::string& id, int64_t at, const std::string& note) {
  OrgUnit& u = units_.at(get(id).id);
  u.history.push_back({at, "", "", note.empty() ? "停用" : note});
  u.active = false;
}

const OrgUnit* OrgTree::find(const std::string& id) const {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : &it->second;
}

const OrgUnit& OrgTree::get(const std::string& id) const {
  const OrgUnit* u = find(id);
  if (!u) throw Error(ErrorCode::NotFound, "no unit '" + id + "'");
  return *u;
}

std::vector<const OrgUnit*> OrgTree::children(const std::string& id) const {
  std::vector<const OrgUnit*> out;
  for (const std::string& uid : order_) {
    const OrgUnit& u = units_.at(uid);
    if (u.parentId == id) out.push_back(&u);
  }
  return out;
}

std::vector<const OrgUnit*> OrgTree::all() const {
  std::vector<const OrgUnit*> out;
  for (const std::string& uid : order_) out.push_back(&units_.at(uid));
  return out;
}

const OrgUnit& OrgTree::areaOf(const std::string& id) const {
  const OrgUnit& u = get(id);
  return u.kind == UnitKind::Area ? u : get(u.parentId);
}

const OrgUnit* OrgTree::ancestorAt(const std::string& id, OrgLevel level) const {
  for (const OrgUnit* u = find(id); u; u = u->parentId.empty() ? nullptr : find(u->parentId))
    if (u->kind == UnitKind::Area && u->level == level) return u;
  return nullptr;
}

const OrgUnit* OrgTree::handlerUnit(const std::string& areaId, Handler h) const {
  const OrgUnit* area = find(areaId);
  if (!area) return nullptr;
  if (area->handler == h && area->active) return area;
  for (const OrgUnit* c : children(areaId))
    if (c->kind != UnitKind::Area && c->handler == h && c->active) return c;
  return nullptr;
}

const OrgUnit* OrgTree::cityCounterpart(const std::string& unitId) const {
  const OrgUnit& u = get(unitId);
  if (!u.handler) return nullptr;
  for (const OrgUnit* c : all())
    if (c->level == OrgLevel::City && c->kind == UnitKind::Department && c->handler == u.handler &&
        c->active)
      return c;
  return nullptr;
}

bool OrgTree::within(const std::string& unitId, const std::string& ancestorId) const {
  for (const OrgUnit* u = find(unitId); u; u = u->parentId.empty() ? nullptr : find(u->parentId))
    if (u->id == ancestorId) return true;
  return false;
}

bool isValidCreditCode(const std::string& code) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  if (code.size() != 18) return false;
  int sum = 0, weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    const size_t v = kChars.find(code[i]);
    if (v == std::string::npos) return false;
    sum += static_cast<int>(v) * weight;
    weight = weight * 3 % 31;
  }
  const int check = (31 - sum % 31) % 31;
  return code[17] == kChars[check];
}

}  // namespace pcs
