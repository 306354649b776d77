#pragma once
// The fourteen handlers of the routing catalogue (R4). Keys are stable in the API and the
// data; the UI shows the Chinese names.

#include <array>
#include <optional>
#include <string_view>

namespace pcs {

enum class Handler {
  Housing,
  Court,
  DevelopmentReform,
  Police,
  NaturalResources,
  UrbanManagement,
  Health,
  MarketRegulation,
  Hotline12345,
  Energy,
  CivilAirDefence,
  FireRescue,
  StreetOffice,
  Community,
};

inline constexpr int kHandlerCount = 14;

struct HandlerInfo {
  Handler handler;
  std::string_view key;      // "housing", ...
  std::string_view nameZh;   // 住建部门, ...
  std::string_view annexNo;  // the annex's section, "（一）" ... "（十四）"
};

// Every handler, in the annex's order.
const std::array<HandlerInfo, kHandlerCount>& handlers();
const HandlerInfo& handlerInfo(Handler h);
std::string_view handlerKey(Handler h);
std::string_view handlerNameZh(Handler h);
// nullopt for an unknown key.
std::optional<Handler> handlerFromKey(std::string_view key);

}  // namespace pcs
