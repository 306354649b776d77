#pragma once
// Builds the standard organisation of a city from its areas (R1): at the city and at every
// county, the notice's member departments (each with its routing handler), the discipline
// commission (oversight) and the party committee and government; street offices and
// communities play their own handler roles. Used for a new city's first set-up, the demo city
// and tests; afterwards the tree is edited in the system.

#include <string>
#include <vector>

#include "pcs/org.h"

namespace pcs {

struct AreaSpec {
  std::string id;    // stable id, e.g. "c01" (county), "c01.s01" (street)
  std::string name;  // 潞州区, 英雄南路街道, ...
  std::vector<AreaSpec> children;
};

// `city` is the city area with counties as children, streets under them, communities under
// streets. Department ids are "<area id>.<handler key>" (e.g. "c01.housing"), plus
// "<area id>.organisation", "<area id>.social_work", "<area id>.discipline",
// "<area id>.party_government". Throws pcs::Error(InvalidInput) on duplicate ids or depth > 4.
OrgTree buildStandardOrg(const AreaSpec& city);

}  // namespace pcs
