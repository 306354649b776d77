// The deadline engine's public contract: read-only, no login (other systems and the client's
// previews use it).
#include <httplib.h>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "app.h"
#include "json.h"
#include "pcs/error.h"
#include "pcs/serialize.h"
#include "routes.h"

namespace pcs::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

Date requireDate(const std::string& text, const char* what) {
  auto d = Date::parse(text);
  if (!d)
    throw Error(ErrorCode::InvalidInput,
                std::string(what) + " must be a date YYYY-MM-DD, got '" + text + "'");
  return *d;
}

}  // namespace

void registerCalendarRoutes(httplib::Server& http, App& app) {
  http.Get(
      R"(/api/v1/calendar/([^/]+))", [&app](const httplib::Request& req, httplib::Response& res) {
        const Date d = requireDate(req.matches[1], "the calendar date");
        const DayInfo info = app.reference()->calendar.info(d);
        res.set_content(
            toJson([&](auto& ar) {
              ar(cereal::make_nvp("date", d.toString()), cereal::make_nvp("working", info.working),
                 cereal::make_nvp("kind", std::string(dayKindKey(info.kind))),
                 cereal::make_nvp("name", info.name),
                 cereal::make_nvp("weekday", std::string(weekdayNameZh(d.isoWeekday()))),
                 cereal::make_nvp("provisional", info.provisional));
            }),
            kJson);
      });

  http.Get("/api/v1/rules", [&app](const httplib::Request&, httplib::Response& res) {
    auto ref = app.reference();
    res.set_content(toJson([&](auto& ar) { ar(cereal::make_nvp("rules", ref->rules.rules())); }),
                    kJson);
  });

  http.Get("/api/v1/deadline", [&app](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("rule") || !req.has_param("from"))
      throw Error(ErrorCode::InvalidInput, "deadline needs ?rule=T1..T15&from=YYYY-MM-DD");
    auto ref = app.reference();
    const Rule* rule = ref->rules.find(req.get_param_value("rule"));
    if (!rule)
      throw Error(ErrorCode::InvalidInput, "unknown rule '" + req.get_param_value("rule") + "'");
    const Date from = requireDate(req.get_param_value("from"), "from");
    const Deadline dl = computeDeadline(*rule, from, ref->calendar);
    res.set_content(toJson([&](auto& ar) {
                      ar(cereal::make_nvp("rule", rule->id), cereal::make_nvp("title", rule->title),
                         cereal::make_nvp("from", from.toString()),
                         cereal::make_nvp("due", dl.due.toString()),
                         cereal::make_nvp("unit", std::string(ruleUnitKey(rule->unit))),
                         cereal::make_nvp("amount", rule->amount),
                         cereal::make_nvp("provisional", dl.provisional),
                         cereal::make_nvp("explanation", dl.explanation));
                    }),
                    kJson);
  });
}

}  // namespace pcs::server
