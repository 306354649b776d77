#pragma once
// One case: every field, the deadlines with days left or late, each assignment, the timeline
// of who did what, when and why, the attachments, and exactly the actions the server says this
// user may take now (the server asks the shared workflow in common/, so a button here never
// disagrees with what the action endpoint accepts). Each action opens a form asking for what
// that action needs (a reason, an answer, the dispatch targets, a plan...).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json_util.h"
#include "navigator.h"
#include "pcs/case.h"
#include "session.h"

namespace pcs::client {

class CaseDetail {
 public:
  // `preferredCodes`: catalogue codes confirmed at intake, pre-checked in the dispatch form.
  void open(Session& session, const std::string& caseId,
            std::vector<std::string> preferredCodes = {});
  bool hasCase() const { return !id_.empty(); }
  // Read-only: no action buttons and no request for the full contact, whatever the server
  // allows (the oversight screen shows cases this way, beside their audit trail).
  void setReadOnly(bool readOnly) { readOnly_ = readOnly; }
  const std::string& caseId() const { return id_; }
  void draw(Session& session, Navigator& nav, float scale);

 private:
  struct ActionItem {
    std::string action, label;
    int assignmentId = 0;
  };
  struct DeadlineItem {
    std::string what, rule, due, unit, daysLeftText, explanation;
    int assignmentId = 0;
    bool open = false, provisional = false;
    int64_t daysLeft = 0;
  };
  struct PlanRow {
    std::string due, text;
  };
  struct Suggestion {
    std::string code, handler, handlerName, title;
    bool chosen = false;
  };

  void load(Session& session);
  void readView(const std::string& body);
  void drawSummary(Session& session, float scale);
  void drawDeadlines();
  void drawAssignments(Session& session);
  void drawTimeline(Session& session);
  void drawAttachments();
  void drawActions(Session& session, float scale);
  void drawActionForm(Session& session, Navigator& nav, float scale);
  void drawDispatchTargets(Session& session, float scale);
  void beginAction(Session& session, const ActionItem& item);
  void submitAction(Session& session, Navigator& nav);
  std::string unitName(Session& session, const std::string& id) const;
  void chooseTargetFor(Session& session, const Suggestion& s);
  std::vector<const OrgUnit*> dispatchCandidates(Session& session) const;

  std::string id_;
  bool readOnly_ = false;
  bool loading_ = false;
  std::string loadError_;
  bool loaded_ = false;
  Case case_;
  int64_t version_ = 0;
  bool maySeeContact_ = false;
  std::vector<ActionItem> actions_;
  std::vector<DeadlineItem> deadlines_;
  std::map<std::string, std::string> unitNames_;  // as named when the case was registered
  std::string contactText_;                       // the contact in clear, once asked for
  std::string notice_;                            // the outcome of the last action

  // The action form being filled in.
  std::optional<ActionItem> form_;
  bool openForm_ = false;
  bool closeForm_ = false;
  float formBodyHeight_ = 0;  // the form's fields as last laid out, to size their scroll area  //
                              // the action went through: close the form next frame
  bool sending_ = false;
  std::string formError_;
  std::string reason_, text_, targetCase_, from_, to_;
  int days_ = 5;
  bool substantiated_ = true;
  bool major_ = false;
  int satisfaction_ = 0;
  std::vector<PlanRow> plan_;
  std::vector<Suggestion> suggestions_;
  std::map<std::string, bool> targets_;  // unit id -> chosen
  std::vector<std::string> preferredCodes_;
};

}  // namespace pcs::client
