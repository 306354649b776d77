#pragma once
// The organisation tree (R1), companies and estates.
//
// Areas nest city -> county/district -> street office/township -> community/village; each area
// is itself a unit (the county, the street office, the community). Departments hang under the
// city or a county area and carry the handler key they play in routing (R4). Oversight units
// (discipline commission) read everything and change nothing; the party committee and
// government receive urgent reports (R3). Units are renamed and moved in the system (R16);
// each change is kept so old records still read with the name they had.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pcs/handler.h"

namespace pcs {

enum class OrgLevel { City, County, Street, Community };
const char* orgLevelKey(OrgLevel l);  // "city", "county", "street", "community"
const char* orgLevelZh(OrgLevel l);  // 市级, 县（区）级, 街道（乡镇）级, 社区（村）级

enum class UnitKind {
  Area,             // the city, a county, a street office or township, a community or village
  Department,       // a member department at city or county level
  Oversight,        // 纪委监委: read-only oversight
  PartyGovernment,  // 党委、政府: receives urgent reports
};
const char* unitKindKey(UnitKind k);

struct UnitHistory {
  int64_t at = 0;  // Unix seconds when the change took effect
  std::string oldName;
  std::string oldParentId;
  std::string note;
};

struct OrgUnit {
  std::string id;    // stable, never reused, e.g. "c01.housing"
  std::string name;  // current name
  OrgLevel level = OrgLevel::City;
  UnitKind kind = UnitKind::Area;
  std::optional<Handler> handler;  // the role it plays in routing, if any
  std::string parentId;            // empty for the city
  bool active = true;
  std::vector<UnitHistory> history;  // oldest first

  // The name the unit had at instant `at`.
  const std::string& nameAt(int64_t at) const;
};

class OrgTree {
 public:
  // Adds a unit. Throws pcs::Error(InvalidInput) for a duplicate id, a missing parent, or a
  // level that does not fit under the parent.
  void add(OrgUnit unit);
  void rename(const std::string& id, const std::string& newName, int64_t at,
              const std::string& note);
  void move(const std::string& id, const std::string& newParentId, int64_t at,
            const std::string& note);
  void deactivate(const std::string& id, int64_t at, const std::string& note);

  const OrgUnit* find(const std::string& id) const;
  const OrgUnit& get(const std::string& id) const;  // throws pcs::Error(NotFound)
  std::vector<const OrgUnit*> children(const std::string& id) const;
  std::vector<const OrgUnit*> all() const;

  // The area a unit belongs to (itself for an area).
  const OrgUnit& areaOf(const std::string& id) const;
  // The enclosing area at `level` (e.g. the county of a street office), or nullptr.
  const OrgUnit* ancestorAt(const std::string& id, OrgLevel level) const;
  // The active department or area unit playing `h` at `areaId` (a street office for
  // StreetOffice, a community for Community, else a department under the area), or nullptr.
  const OrgUnit* handlerUnit(const std::string& areaId, Handler h) const;
  // The city-level counterpart of a county department (R8 review), or nullptr.
  const OrgUnit* cityCounterpart(const std::string& unitId) const;
  // True when `unitId` is `ancestorId` or lies beneath it.
  bool within(const std::string& unitId, const std::string& ancestorId) const;

 private:
  std::map<std::string, OrgUnit> units_;
  std::vector<std::string> order_;  // insertion order, for stable listings
};

// Validates a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters
// from 0-9 and A-Z without I, O, Z, S, V, with the check character matching.
bool isValidCreditCode(const std::string& code);

enum class ListStatus { None, Red, Black };
const char* listStatusKey(ListStatus s);

struct Company {
  std::string id;
  std::string name;
  std::string creditCode;    // 统一社会信用代码
  std::string serviceGrade;  // 物业服务等级, e.g. 一级
  std::string creditRating;  // 信用评价等级, e.g. A, B, C, D
  ListStatus listStatus = ListStatus::None;
  int monthsOnBlackList = 0;
};

struct Estate {
  std::string id;
  std::string name;
  std::string address;
  std::string countyId, streetId, communityId;  // area units
  std::string companyId;                        // managing company, empty if none (失管)
  bool highRise = false;                        // 高层民用建筑: fire rules apply
  bool directPower = false;                     // 供电企业直供电小区: energy rules apply
};

}  // namespace pcs
