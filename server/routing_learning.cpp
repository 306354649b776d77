#include "routing_learning.h"

#include <mutex>
#include <vector>

#include "case_store.h"
#include "log.h"

namespace pcs::server {

void RoutingLearning::rebuild(Database& db) {
  std::vector<std::string> ids;
  {
    SQLite::Statement st(db.reader(), "SELECT id FROM cases WHERE state = ?");
    st.bind(1, caseStateKey(CaseState::Closed));
    while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
  }
  std::unique_lock lock(mutex_);
  model_ = RoutingModel();
  learned_.clear();
  for (const std::string& id : ids)
    if (auto stored = CaseStore::load(db.reader(), id)) learnLocked(stored->value);
  if (!ids.empty())
    logInfo("routing", "learned from " + std::to_string(model_.cases()) + " closed cases");
}

void RoutingLearning::learnClosed(const Case& c) {
  std::unique_lock lock(mutex_);
  learnLocked(c);
}

void RoutingLearning::learnLocked(const Case& c) {
  if (c.state != CaseState::Closed || !learned_.insert(c.id).second) return;
  std::vector<std::string> labels;
  for (const Assignment& a : c.assignments) {
    if (a.state != AssignmentState::Closed) continue;  // returned: a routing that was refused
    labels.push_back("handler:" + std::string(handlerKey(a.handler)));
    labels.insert(labels.end(), a.catalogueCodes.begin(), a.catalogueCodes.end());
  }
  model_.learn(c.content, labels);
}

RoutingAnswer RoutingLearning::suggest(const Catalogue& catalogue, std::string_view text) const {
  std::shared_lock lock(mutex_);
  return Router(catalogue, &model_).suggest(text);
}

size_t RoutingLearning::casesLearned() const {
  std::shared_lock lock(mutex_);
  return model_.cases();
}

}  // namespace pcs::server
