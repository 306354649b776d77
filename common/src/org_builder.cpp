#include "pcs/org_builder.h"

#include "pcs/error.h"

namespace pcs {
namespace {

struct DepartmentSpec {
  const char* key;
  std::optional<Handler> handler;
  const char* cityName;    // name suffix at city level
  const char* countyName;  // name suffix at county level
  UnitKind kind;
};

// The notice's member units at each level, in its order, plus the overseers of R1.
const DepartmentSpec kDepartments[] = {
    {"housing", Handler::Housing, "住房和城乡建设局", "住房和城乡建设局", UnitKind::Department},
    {"organisation", std::nullopt, "委组织部", "委组织部", UnitKind::Department},
    {"social_work", std::nullopt, "委社会工作部", "委社会工作部", UnitKind::Department},
    {"court", Handler::Court, "中级人民法院", "人民法院", UnitKind::Department},
    {"development_reform", Handler::DevelopmentReform, "发展和改革委员会", "发展和改革局",
     UnitKind::Department},
    {"police", Handler::Police, "公安局", "公安分局", UnitKind::Department},
    {"natural_resources", Handler::NaturalResources, "规划和自然资源局", "规划和自然资源局",
     UnitKind::Department},
    {"urban_management", Handler::UrbanManagement, "城市管理局", "城市管理局",
     UnitKind::Department},
    {"health", Handler::Health, "卫生健康委员会", "卫生健康局", UnitKind::Department},
    {"market_regulation", Handler::MarketRegulation, "市场监督管理局", "市场监督管理局",
     UnitKind::Department},
    {"hotline_12345", Handler::Hotline12345, "行政审批服务管理局", "行政审批服务管理局",
     UnitKind::Department},
    {"energy", Handler::Energy, "能源局", "能源局", UnitKind::Department},
    {"civil_air_defence", Handler::CivilAirDefence, "人民政府国防动员办公室",
     "人民政府国防动员办公室", UnitKind::Department},
    {"fire_rescue", Handler::FireRescue, "消防救援支队", "消防救援大队", UnitKind::Department},
    {"discipline", std::nullopt, "纪委监委", "纪委监委", UnitKind::Oversight},
    {"party_government", std::nullopt, "委、人民政府", "委、人民政府", UnitKind::PartyGovernment},
};

void addArea(OrgTree& tree, const AreaSpec& spec, const std::string& parentId, OrgLevel level) {
  OrgUnit area;
  area.id = spec.id;
  area.name = spec.name;
  area.level = level;
  area.kind = UnitKind::Area;
  area.parentId = parentId;
  if (level == OrgLevel::Street) area.handler = Handler::StreetOffice;
  if (level == OrgLevel::Community) area.handler = Handler::Community;
  tree.add(area);

  if (level == OrgLevel::City || level == OrgLevel::County) {
    for (const DepartmentSpec& d : kDepartments) {
      OrgUnit u;
      u.id = spec.id + "." + d.key;
      // "长治市" + "委组织部" reads 长治市委组织部; "潞州区" + "公安分局" reads 潞州区公安分局.
      u.name = spec.name + (level == OrgLevel::City ? d.cityName : d.countyName);
      u.level = level;
      u.kind = d.kind;
      u.handler = d.handler;
      u.parentId = spec.id;
      tree.add(u);
    }
  }

  if (!spec.children.empty() && level == OrgLevel::Community)
    throw Error(ErrorCode::InvalidInput, spec.id + ": communities have no sub-areas");
  const OrgLevel childLevel = static_cast<OrgLevel>(static_cast<int>(level) + 1);
  for (const AreaSpec& child : spec.children) addArea(tree, child, spec.id, childLevel);
}

}  // namespace

OrgTree buildStandardOrg(const AreaSpec& city) {
  OrgTree tree;
  addArea(tree, city, "", OrgLevel::City);
  return tree;
}

}  // namespace pcs
