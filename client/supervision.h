#pragma once
// Supervision (督办查询): the overdue drill-down from the city to a county, a handler, a
// company and a case, and the company ledger (R9-R12): each company's grade, list status (with the
// months on the black list) and complaint counts, and the ledger proposals waiting for a person's
// decision (confirming a grade-review, regrade or exit proposal opens a procedure, which the user
// may go to). Also the red/black list, the satisfaction surveys and the grade-review and exit
// procedures, each in its own view.

#include <map>
#include <string>
#include <vector>

#include "bulletins_view.h"
#include "case_list.h"
#include "navigator.h"
#include "procedures_view.h"
#include "session.h"
#include "surveys_view.h"

namespace pcs::client {

class Supervision {
 public:
  void draw(Session& session, Navigator& nav, float scale);
  void invalidate();

 private:
  struct Proposal {
    int64_t id = 0;
    std::string companyId, companyName, rule, ruleZh, state, explanation;
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

  // 0 drill-down, 1 company ledger, 2 red/black list and bulletins, 3 surveys, 4 procedures
  int tab_ = 0;
  BulletinsView bulletins_;
  SurveysView surveys_;
  ProceduresView procedures_;
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
  std::map<int64_t, std::string> decisionEstate_;  // proposal id -> the estate it concerns
  int64_t openedProcedure_ = 0;                    // the procedure the last confirmation opened
};

}  // namespace pcs::client
