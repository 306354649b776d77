#pragma once
// Supervision (督办查询): the overdue drill-down from the city to a county, a handler, a
// company and a case, and the company ledger (R9-R12): each company's grade, list status and
// complaint counts, and the ledger proposals waiting for a person's decision.

#include <map>
#include <string>
#include <vector>

#include "bulletins_view.h"
#include "case_list.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class Supervision {
 public:
  void draw(Session& session, Navigator& nav, float scale);
  void invalidate();

 private:
  struct Proposal {
    int64_t id = 0;
    std::string companyId, companyName, ruleZh, state, explanation;
    int64_t createdAt = 0;
  };

  // The number of cases a list query matches (GET /board/counts), -1 while loading.
  int64_t count(Session& session, const std::string& query);
  void drawDrillDown(Session& session, Navigator& nav, float scale);
  void drawCounties(Session& session);
  void drawHandlers(Session& session);
  void drawCompanies(Session& session);
  void drawCases(Session& session, Navigator& nav);
  void drawLedger(Session& session, float scale);
  void loadProposals(Session& session);
  void decide(Session& session, int64_t id, bool confirm);

  int tab_ = 0;  // 0 drill-down, 1 company ledger, 2 red/black list and bulletins
  BulletinsView bulletins_;
  std::string county_, handler_, company_;
  CaseList cases_;  // the overdue cases of county_ + handler_
  bool casesStale_ = false;
  std::map<std::string, int64_t> counts_;
  // Starts from a process-wide counter, so answers meant for a screen that was replaced (a new
  // user signed in) never match this one's generation.
  uint64_t generation_ = nextGeneration();
  static uint64_t nextGeneration() {
    static uint64_t counter = 0;
    return counter += 1000000;
  }
  std::vector<Proposal> proposals_;
  bool proposalsLoaded_ = false;
  bool proposalsLoading_ = false;
  std::string proposalsError_;
  std::string notice_;
  std::string decisionNote_;
};

}  // namespace pcs::client
