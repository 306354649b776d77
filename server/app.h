#pragma once
// What every request handler shares: options, the database, and the reference data (the
// organisation tree, calendar, rules and catalogue) as an immutable snapshot that edits replace
// whole, so a request reads one consistent version without holding a lock.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "data_lock.h"
#include "db.h"
#include "options.h"
#include "pcs/calendar.h"
#include "pcs/catalogue.h"
#include "pcs/deadline.h"
#include "pcs/org.h"

namespace pcs::server {

class RoutingLearning;

struct Reference {
  OrgTree org;
  Calendar calendar;
  RuleSet rules;
  Catalogue catalogue;
};

class App {
 public:
  // Opens the database in options.dataDir/pcs.db and loads the reference data.
  explicit App(const Options& options);
  ~App();

  const Options& options() const { return options_; }
  Database& db() { return *db_; }

  std::shared_ptr<const Reference> reference() const;
  // Replaces the reference data (after an edit was stored).
  void setReference(std::shared_ptr<const Reference> next);
  // Reads the organisation tree and loaded calendar arrangements from the database again.
  void reloadReference();

  // Unix seconds now; tests replace the clock to travel in time.
  int64_t now() const { return clock_(); }
  void setClock(std::function<int64_t()> clock) { clock_ = std::move(clock); }

  // Routing learned from closed cases (HttpServer builds it at start, see routing_learning.h).
  RoutingLearning& routingLearning() { return *routingLearning_; }

 private:
  Options options_;
  // Held while this App runs on the folder; a second App on the same folder (tests reopening
  // a database) simply does not hold it. `pcs-server restore` refuses while it is held.
  std::unique_ptr<DataLock> dataLock_;
  std::unique_ptr<Database> db_;
  mutable std::mutex referenceMutex_;
  std::shared_ptr<const Reference> reference_;
  std::function<int64_t()> clock_;
  std::unique_ptr<RoutingLearning> routingLearning_;
};

}  // namespace pcs::server
