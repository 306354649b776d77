// Demo city: stores what tools/demo_city generates — organisation, companies, estates, users,
// and the complaints with their whole history — in batched write transactions.
#include "demo.h"

#include <chrono>
#include <map>

#include "audit.h"
#include "case_store.h"
#include "log.h"
#include "pcs/error.h"
#include "reference_store.h"

namespace pcs::server {

std::vector<DemoUser> demoUsers() {
  return pcs::demo::demoCity().users;
}

bool seedDemo(App& app,
              const std::function<std::string(const DemoUser&, const std::string&)>& createUser,
              int cases, unsigned seed) {
  if (ReferenceStore::countUnits(app.db().reader()) > 0) return false;
  const auto started = std::chrono::steady_clock::now();
  const int64_t now = app.now();
  const pcs::demo::City& city = pcs::demo::demoCity();

  // Reference data first, so users and cases can name units, estates and companies.
  app.db().write([&](SQLite::Database& tx) {
    for (const OrgUnit* u : city.org.all()) ReferenceStore::putUnit(tx, *u, now);
    for (const Company& c : city.companies) ReferenceStore::putCompany(tx, c, now);
    for (const Estate& e : city.estates) ReferenceStore::putEstate(tx, e, now);
    appendAudit(tx, {now, "system", "city.housing", "demo.seed", "system",
                     "载入演示数据：" + std::to_string(city.org.all().size()) + "个单位、" +
                         std::to_string(city.estates.size()) + "个小区"});
  });
  app.reloadReference();

  // Events name users by account id, as real actions do; the generator knows logins.
  std::map<std::string, std::string> idOfLogin;
  for (const DemoUser& u : city.users) idOfLogin[u.login] = createUser(u, kDemoPassword);

  // Cases in batches: the generator hands them over in order of registration, so the case
  // numbers the database hands out are the ones the generator gave.
  const auto ref = app.reference();
  std::vector<Case> batch;
  batch.reserve(kDemoBatch);
  int stored = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    app.db().write([&](SQLite::Database& tx) {
      for (Case& c : batch) {
        c.id = CaseStore::nextCaseId(tx, cstDate(c.registeredAt).year());
        const int64_t last = c.events.empty() ? c.registeredAt : c.events.back().at;
        CaseStore::insert(tx, c, last);
        appendAudit(tx, {c.registeredAt, c.events.front().userId, c.intakeUnitId, "case.register",
                         "case:" + c.id, "演示数据"});
      }
    });
    stored += static_cast<int>(batch.size());
    batch.clear();
  };
  pcs::demo::CaseOptions options;
  options.cases = cases;
  options.seed = seed;
  options.now = now;
  pcs::demo::generateCases(
      city, {ref->org, ref->calendar, ref->rules, ref->catalogue}, options,
      [&](Case&& c) {
        batch.push_back(std::move(c));
        if (static_cast<int>(batch.size()) >= kDemoBatch) flush();
      },
      [&](const std::string& login) { return idOfLogin.at(login); });
  flush();

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  logInfo("demo", "seeded " + std::to_string(city.users.size()) + " users and " +
                      std::to_string(stored) + " cases in " + std::to_string(seconds) +
                      " s (password for every demo account: " + kDemoPassword + ")");
  return true;
}

}  // namespace pcs::server
