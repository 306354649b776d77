#include "case_filter_query.h"

#include <httplib.h>

#include <optional>
#include <string>

#include "pcs/case.h"
#include "pcs/date.h"
#include "pcs/error.h"
#include "pcs/handler.h"
#include "route_util.h"

namespace pcs::server {
namespace {

// A search is a few words; the store refuses more than 100 characters anyway (case_store.cpp).
constexpr size_t kMaxSearchBytes = 200;

}  // namespace

CaseFilter parseCaseFilterQuery(const httplib::Request& req) {
  CaseFilter f;
  auto get = [&](const char* name) { return req.has_param(name) ? req.get_param_value(name) : ""; };
  auto flag = [&](const char* name) -> std::optional<bool> {
    const std::string v = get(name);
    if (v.empty()) return std::nullopt;
    if (v == "1" || v == "true") return true;
    if (v == "0" || v == "false") return false;
    bad(std::string("'") + name + "' must be true or false");
  };
  auto date = [&](const char* name) {
    const std::string text = get(name);
    auto d = Date::parse(text);
    if (!d) bad(std::string("'") + name + "' must be a date YYYY-MM-DD, got '" + text + "'");
    return *d;
  };

  f.countyId = get("county");
  f.streetId = get("street");
  f.estateId = get("estate");
  f.companyId = get("company");
  f.unitId = get("unit");
  f.handler = get("handler");
  if (!f.handler.empty() && !handlerFromKey(f.handler)) bad("unknown handler '" + f.handler + "'");

  for (size_t i = 0, n = req.get_param_value_count("state"); i < n; ++i) {
    const std::string s = req.get_param_value("state", i);
    bool known = false;
    for (CaseState cs :
         {CaseState::Registered, CaseState::Dispatched, CaseState::InProgress, CaseState::Resolved,
          CaseState::UnderReview, CaseState::Closed, CaseState::Merged})
      known |= s == caseStateKey(cs);
    if (!known) bad("unknown state '" + s + "'");
    f.states.push_back(s);
  }

  f.urgent = flag("urgent");
  f.overdue = flag("overdue");
  f.open = flag("open");
  if (!get("from").empty()) f.receivedFrom = cstMidnight(date("from"));
  // `to` is the last day wanted, as staff read a date range; the store's bound is exclusive.
  if (!get("to").empty()) f.receivedTo = cstMidnight(date("to").addDays(1));
  f.text = get("q");
  if (f.text.size() > kMaxSearchBytes) bad("'q' is longer than 200 bytes");
  f.order = get("order").empty() ? "newest" : get("order");
  if (f.order != "newest" && f.order != "due") bad("'order' must be newest or due");

  if (!get("limit").empty()) {
    const std::string l = get("limit");
    if (l.size() > 3 || l.find_first_not_of("0123456789") != std::string::npos)
      bad("'limit' must be 1 to 500");
    f.limit = std::stoi(l);
    if (f.limit < 1 || f.limit > 500) bad("'limit' must be 1 to 500");
  }
  f.cursor = get("cursor");
  return f;
}

}  // namespace pcs::server
