#pragma once
// Who may act on surveys and on the monthly red/black list and bulletin (R11, R14), and for
// which county. Shared by surveys_routes.cpp and routes_publication.cpp.
//
//   a property authority (an active housing department, 市住建 or 县住建) acts for every county
//   when it is the city's and for its own county otherwise, in the roles the caller names;
//   administrators act for every county;
//   oversight users (纪委监委, or anyone holding the oversight role) read: the city's every
//   county, a county's its own.

#include <initializer_list>
#include <optional>
#include <string>

#include "app.h"
#include "auth.h"

namespace pcs::server {

struct CountyScope {
  bool all = false;      // every county
  std::string countyId;  // otherwise this one

  bool covers(const std::string& county) const { return all || county == countyId; }
};

// The scope in which `user` acts as a property authority holding one of `roles` (or as an
// administrator); nullopt when neither.
std::optional<CountyScope> authorityScope(const CurrentUser& user, const Reference& ref,
                                          std::initializer_list<Role> roles);
// The scope in which `user` reads as oversight; nullopt without the oversight role.
std::optional<CountyScope> oversightScope(const CurrentUser& user, const Reference& ref);

}  // namespace pcs::server
