#pragma once
// Routing learned from the city's own confirmed dispatches (R4, pcs/routing_model.h): built at
// start from the closed cases in the database and taught each case as it is closed, so the
// suggestions of /api/v1/routing/suggest follow how this city's staff actually route.
//
// What counts as confirmed: the assignments of a closed case that were not returned (a
// returned assignment is a routing the handler refused). Each case is learned once; a case
// reopened and closed again is not counted twice. Cases stored by other paths while running
// (ledger import) are learned at the next start. Thread-safe.

#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "db.h"
#include "pcs/case.h"
#include "pcs/catalogue.h"
#include "pcs/routing.h"
#include "pcs/routing_model.h"

namespace pcs::server {

class RoutingLearning {
 public:
  // Forgets everything and learns every closed case in the database.
  void rebuild(Database& db);
  // Learns a case if it is closed and not learned yet; otherwise does nothing.
  void learnClosed(const Case& c);
  // Routing suggestions for `text`: the catalogue's and what was learned so far.
  RoutingAnswer suggest(const Catalogue& catalogue, std::string_view text) const;
  size_t casesLearned() const;

 private:
  void learnLocked(const Case& c);
  mutable std::shared_mutex mutex_;
  RoutingModel model_;
  std::set<std::string> learned_;  // case ids
};

}  // namespace pcs::server
