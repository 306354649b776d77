#pragma once
// 红黑榜与通报 (R14) inside 督办查询: the monthly red/black list and bulletin of each county, as
// drafted by the system (the scheduler drafts last month's issue on a month's first working
// day) or by a person, reviewed and published by a property authority's unit head. Lists the
// issues this user may read (published ones, and drafts for the authorities and oversight),
// shows one with its red and black entries, the reasons and the figures; every figure of an
// entry and of the county drills down to the cases (or surveys) behind it, and a case opens in
// 案件详情. Offers to draft last month's issue only while the county has none; otherwise it
// opens the existing one. Publishes a draft for users allowed to; published issues open on the
// public page.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "json_util.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class BulletinsView {
 public:
  void draw(Session& session, Navigator& nav, float scale);
  // Reloads the issue list and forgets the looked-up case and survey facts.
  void invalidate();

 private:
  struct Issue {
    int64_t id = 0;
    std::string countyId, month, state, title, draftedBy;
  };
  // What the drill-down shows of a case or survey, looked up when its row is first drawn.
  struct Facts {
    bool loaded = false;
    std::string error;  // the lookup failed (e.g. a case outside the user's scope)
    std::string state, when, detail;
  };

  void load(Session& session);
  void open(Session& session, int64_t id);
  void draftLastMonth(Session& session, const std::string& county);
  // The newest issue of `county` for `month` in the list, nullptr when it has none.
  const Issue* issueFor(const std::string& county, const std::string& month) const;

  void drawDraftControls(Session& session);
  void drawIssue(Session& session, Navigator& nav);
  // The figure buttons of one company's entry (companyId non-empty) or of the county, and the
  // drill-down below them when one of them is chosen.
  void drawFigures(Session& session, Navigator& nav, const std::string& companyId,
                   const JsonValue* evidence, const JsonValue* cases);
  void drawDrillDown(Session& session, Navigator& nav, const std::string& label,
                     const JsonValue* list, bool surveys);
  const Facts& caseFacts(Session& session, const std::string& caseId);
  const Facts& surveyFacts(Session& session, int64_t surveyId);

  bool loaded_ = false;
  bool loading_ = false;
  std::string error_;
  std::string notice_;
  std::vector<Issue> issues_;
  // After a draft request found one already there: open the issue of this county and month
  // ("county|month") once the list has reloaded.
  std::string openAfterLoad_;
  int64_t openId_ = 0;
  JsonDoc issue_;
  JsonDoc countyCases_;  // GET /bulletins/{openId_}/cases: the county's figures
  // The chosen figure: company id ("" for the county's figures) and figure key, e.g.
  // "complaints"; no drill-down while drillFigure_ is empty.
  std::string drillCompany_, drillFigure_;
  bool revealDrill_ = false;  // scroll the chosen figure's list into sight once it is drawn
  std::map<std::string, Facts> cases_;
  std::map<int64_t, Facts> surveys_;
  // From a process-wide counter: answers meant for a view that was replaced (another user
  // signed in) never match this one's.
  uint64_t generation_ = nextGeneration();
  static uint64_t nextGeneration() {
    static uint64_t counter = 0;
    return ++counter;
  }
};

}  // namespace pcs::client
