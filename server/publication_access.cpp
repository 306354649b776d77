#include "publication_access.h"

namespace pcs::server {

namespace {

// The scope of the area `unit` belongs to: the whole city for a city-level unit, else its
// county; nullopt when the unit is unknown or has no county.
std::optional<CountyScope> areaScope(const Reference& ref, const OrgUnit& unit) {
  if (unit.level == OrgLevel::City) return CountyScope{true, ""};
  const OrgUnit* county = ref.org.ancestorAt(unit.id, OrgLevel::County);
  if (!county) return std::nullopt;
  return CountyScope{false, county->id};
}

}  // namespace

std::optional<CountyScope> authorityScope(const CurrentUser& user, const Reference& ref,
                                          std::initializer_list<Role> roles) {
  if (user.has(Role::Admin)) return CountyScope{true, ""};
  const OrgUnit* unit = ref.org.find(user.unitId);
  if (!unit || !unit->active || unit->kind != UnitKind::Department ||
      unit->handler != Handler::Housing)
    return std::nullopt;
  bool role = false;
  for (Role r : roles) role = role || user.has(r);
  if (!role) return std::nullopt;
  return areaScope(ref, *unit);
}

std::optional<CountyScope> oversightScope(const CurrentUser& user, const Reference& ref) {
  if (!user.has(Role::Oversight)) return std::nullopt;
  const OrgUnit* unit = ref.org.find(user.unitId);
  if (!unit || !unit->active) return std::nullopt;
  return areaScope(ref, *unit);
}

}  // namespace pcs::server
