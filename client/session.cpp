#include "session.h"

#include <algorithm>

#include "pcs/serialize.h"

namespace pcs::client {

bool User::has(Role role) const {
  const std::string key = roleKey(role);
  return std::find(roles.begin(), roles.end(), key) != roles.end();
}

bool User::oversightOnly() const {
  return !roles.empty() && std::all_of(roles.begin(), roles.end(),
                                       [](const std::string& r) { return r == "oversight"; });
}

bool readUser(const JsonValue& root, User& user) {
  const JsonValue* u = member(root, "user");
  if (!u || !u->IsObject()) return false;
  user.id = str(*u, "id");
  user.login = str(*u, "login");
  user.displayName = str(*u, "display_name");
  user.unitId = str(*u, "unit_id");
  user.unitName = str(*u, "unit_name");
  user.roles = strings(*u, "roles");
  user.roleNames = strings(*u, "role_names");
  return !user.id.empty();
}

Session::Session()
    : calendar_(Calendar::builtin()),
      rules_(RuleSet::builtin()),
      catalogue_(Catalogue::builtin()) {}

void Session::begin(const JsonValue& answer) {
  User user;
  if (!readUser(answer, user)) return;
  user_ = std::move(user);
  net_.setCsrfToken(str(answer, "csrf_token"));
  signedIn_ = true;
  loadReference();
}

void Session::end() {
  signedIn_ = false;
  referenceRequested_ = false;
  user_ = User{};
  net_.setCsrfToken({});
}

void Session::loadReference() {
  if (referenceRequested_) return;
  referenceRequested_ = true;
  // Unreadable lists leave ids in place of names; the screens still work.
  net_.get("/api/v1/units", [this](const Response& r) {
    if (!r.ok()) return;
    try {
      const auto list = fromJsonString<std::vector<OrgUnit>>(r.body, "units");
      units_.clear();
      for (const OrgUnit& u : list) units_[u.id] = u;
      unitsLoaded_ = true;
    } catch (const std::exception&) {
    }
  });
  net_.get("/api/v1/estates?limit=500", [this](const Response& r) {
    if (!r.ok()) return;
    try {
      for (Estate& e : fromJsonString<std::vector<Estate>>(r.body, "estates"))
        estates_[e.id] = std::move(e);
    } catch (const std::exception&) {
    }
  });
  reloadCompanies();
}

void Session::reloadCompanies() {
  net_.get("/api/v1/companies?limit=500", [this](const Response& r) {
    if (!r.ok()) return;
    try {
      for (Company& c : fromJsonString<std::vector<Company>>(r.body, "companies"))
        companies_[c.id] = std::move(c);
    } catch (const std::exception&) {
    }
  });
}

std::string Session::estateName(const std::string& id) const {
  const auto it = estates_.find(id);
  return it == estates_.end() ? std::string() : it->second.name;
}

std::string Session::companyName(const std::string& id) const {
  const auto it = companies_.find(id);
  return it == companies_.end() ? std::string() : it->second.name;
}

const OrgUnit* Session::unit(const std::string& id) const {
  const auto it = units_.find(id);
  return it == units_.end() ? nullptr : &it->second;
}

std::string Session::unitName(const std::string& id) const {
  const OrgUnit* u = unit(id);
  return u ? u->name : id;
}

std::vector<const OrgUnit*> Session::childAreas(const std::string& parentId) const {
  std::vector<const OrgUnit*> out;
  for (const auto& [id, u] : units_)
    if (u.parentId == parentId && u.kind == UnitKind::Area && u.active) out.push_back(&u);
  return out;
}

std::string Session::userCountyId() const {
  const OrgUnit* u = unit(user_.unitId);
  while (u) {
    if (u->level == OrgLevel::County && u->kind == UnitKind::Area) return u->id;
    if (u->level == OrgLevel::City) return {};
    if (u->parentId.empty()) return {};
    u = unit(u->parentId);
  }
  return {};
}

}  // namespace pcs::client
