#pragma once
// Who is signed in, and the reference data every screen reads after sign-in: the organisation
// tree (unit names, levels, handler keys) from the server, and the routing catalogue, official
// calendar and time-limit rules compiled into the client from common/data (the same facts the
// server uses, so a deadline preview here equals the server's).

#include <map>
#include <string>
#include <vector>

#include "json_util.h"
#include "net.h"
#include "pcs/calendar.h"
#include "pcs/catalogue.h"
#include "pcs/deadline.h"
#include "pcs/org.h"
#include "pcs/workflow.h"

namespace pcs::client {

struct User {
  std::string id, login, displayName, unitId, unitName;
  std::vector<std::string> roles, roleNames;

  bool has(Role role) const;
  // Only read-only oversight: no actions, no intake, never contacts.
  bool oversightOnly() const;
  bool mayRegister() const { return has(Role::IntakeClerk) || has(Role::Dispatcher); }
};

// Reads the "user" member of a login or /auth/me answer; false when it is missing.
bool readUser(const JsonValue& root, User& user);

class Session {
 public:
  Session();

  Net& net() { return net_; }
  const User& user() const { return user_; }
  bool signedIn() const { return signedIn_; }

  // Called with a successful login or /auth/me answer.
  void begin(const JsonValue& answer);
  void end();

  // Unit names and kinds, estates and companies, loaded once after sign-in.
  void loadReference();
  bool unitsLoaded() const { return unitsLoaded_; }
  const std::map<std::string, Estate>& estates() const { return estates_; }
  const std::map<std::string, Company>& companies() const { return companies_; }
  // Reads the companies again: publishing a red/black list changes their standing.
  void reloadCompanies();
  std::string estateName(const std::string& id) const;   // "" when unknown
  std::string companyName(const std::string& id) const;  // "" when unknown
  const std::map<std::string, OrgUnit>& units() const { return units_; }
  const OrgUnit* unit(const std::string& id) const;
  std::string unitName(const std::string& id) const;  // the id itself when unknown
  // Units one level down from `parentId` whose kind is area (the counties of the city, ...).
  std::vector<const OrgUnit*> childAreas(const std::string& parentId) const;
  // The county the user works in ("" at city level), from the unit's ancestors.
  std::string userCountyId() const;

  const Calendar& calendar() const { return calendar_; }
  const RuleSet& rules() const { return rules_; }
  const Catalogue& catalogue() const { return catalogue_; }

 private:
  Net net_;
  User user_;
  bool signedIn_ = false;
  std::map<std::string, OrgUnit> units_;
  std::map<std::string, Estate> estates_;
  std::map<std::string, Company> companies_;
  bool unitsLoaded_ = false;
  bool referenceRequested_ = false;
  Calendar calendar_;
  RuleSet rules_;
  Catalogue catalogue_;
};

}  // namespace pcs::client
