#include "app.h"

#include <ctime>
#include <filesystem>

#include "log.h"
#include "pcs/serialize.h"
#include "routing_learning.h"

namespace pcs::server {

namespace {

OrgTree loadOrg(Database& db) {
  OrgTree tree;
  // Parents before children: the tree refuses a unit whose parent it has not seen. Rows are
  // inserted in tree order, so rowid order is parent-first.
  SQLite::Statement rows(db.reader(), "SELECT id, data FROM units ORDER BY rowid");
  while (rows.executeStep()) {
    const std::string id = rows.getColumn(0).getString();
    try {
      tree.add(fromJsonString<OrgUnit>(rows.getColumn(1).getString(), "unit"));
    } catch (const std::exception& e) {
      throw std::runtime_error("unit " + id + " in the database cannot be read: " + e.what());
    }
  }
  return tree;
}

Calendar loadCalendar(Database& db) {
  Calendar cal = Calendar::builtin();
  SQLite::Statement rows(db.reader(), "SELECT year, text FROM calendar_arrangements ORDER BY year");
  while (rows.executeStep()) cal.load(parseArrangement(rows.getColumn(1).getString()));
  return cal;
}

}  // namespace

App::App(const Options& options)
    : options_(options),
      clock_([] { return static_cast<int64_t>(std::time(nullptr)); }),
      routingLearning_(std::make_unique<RoutingLearning>()) {
  std::filesystem::create_directories(options.dataDir);
  dataLock_ = std::make_unique<DataLock>(options.dataDir);
  DbOptions dbo;
  dbo.path = options.dataDir + "/pcs.db";
  dbo.synchronousFull = options.synchronousFull;
  db_ = std::make_unique<Database>(dbo);
  reloadReference();
}

App::~App() = default;

void App::reloadReference() {
  auto ref = std::make_shared<Reference>(
      Reference{loadOrg(*db_), loadCalendar(*db_), RuleSet::builtin(), Catalogue::builtin()});
  setReference(std::move(ref));
}

std::shared_ptr<const Reference> App::reference() const {
  std::lock_guard<std::mutex> lock(referenceMutex_);
  return reference_;
}

void App::setReference(std::shared_ptr<const Reference> next) {
  std::lock_guard<std::mutex> lock(referenceMutex_);
  reference_ = std::move(next);
}

}  // namespace pcs::server
