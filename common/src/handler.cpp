#include "pcs/handler.h"

namespace pcs {

const std::array<HandlerInfo, kHandlerCount>& handlers() {
  static const std::array<HandlerInfo, kHandlerCount> table = {{
      {Handler::Housing, "housing", "住建部门", "（一）"},
      {Handler::Court, "court", "人民法院", "（二）"},
      {Handler::DevelopmentReform, "development_reform", "发展改革部门", "（三）"},
      {Handler::Police, "police", "公安部门", "（四）"},
      {Handler::NaturalResources, "natural_resources", "自然资源部门", "（五）"},
      {Handler::UrbanManagement, "urban_management", "城市管理综合执法部门", "（六）"},
      {Handler::Health, "health", "卫生健康部门", "（七）"},
      {Handler::MarketRegulation, "market_regulation", "市场监督管理部门", "（八）"},
      {Handler::Hotline12345, "hotline_12345", "行政审批服务管理部门（12345）", "（九）"},
      {Handler::Energy, "energy", "能源部门", "（十）"},
      {Handler::CivilAirDefence, "civil_air_defence", "人防部门", "（十一）"},
      {Handler::FireRescue, "fire_rescue", "消防救援部门", "（十二）"},
      {Handler::StreetOffice, "street_office", "街道办事处（乡镇）", "（十三）"},
      {Handler::Community, "community", "社区", "（十四）"},
  }};
  return table;
}

const HandlerInfo& handlerInfo(Handler h) {
  return handlers()[static_cast<int>(h)];
}
std::string_view handlerKey(Handler h) {
  return handlerInfo(h).key;
}
std::string_view handlerNameZh(Handler h) {
  return handlerInfo(h).nameZh;
}

std::optional<Handler> handlerFromKey(std::string_view key) {
  for (const HandlerInfo& info : handlers())
    if (info.key == key) return info.handler;
  return std::nullopt;
}

}  // namespace pcs
