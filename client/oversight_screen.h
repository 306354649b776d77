#pragma once
// 监督检查 (R13, R17): for oversight users (discipline commissions) and the joint-meeting
// office. A case list from GET /oversight/cases with the oversight flags 未处理, 反复退回,
// 答复超期 and 逾期 (combinable, all must hold) and the usual filters (county, state, received
// between, text); a row opens the case read-only beside its 审计记录, every audit entry about
// the case oldest first (who, unit, when, what), views of personal data included.

#include <string>
#include <vector>

#include "case_detail.h"
#include "case_list.h"
#include "navigator.h"
#include "session.h"

namespace pcs::client {

class OversightScreen {
 public:
  OversightScreen();
  void draw(Session& session, Navigator& nav, float scale);
  void invalidate() { stale_ = true; }

  // Oversight users, and the office (unit heads and dispatchers of the city's property
  // authority; administrators are not the office here). The server decides in the end.
  static bool shownTo(const Session& session);

 private:
  struct AuditEntry {
    int64_t seq = 0;
    std::string at, userName, unitId, action, detail;
  };

  std::string query() const;
  void drawFilters(Session& session, float scale);
  void drawList(Session& session, float scale);
  void drawCase(Session& session, Navigator& nav, float scale);
  void drawAudit(Session& session);
  void select(Session& session, const std::string& caseId);
  void loadAudit(Session& session);

  bool flags_[4] = {false, false, false, false};  // in the order of kFlags
  std::string county_, state_, from_, to_, text_;
  std::string appliedText_;  // text_ as of the last Enter
  CaseList cases_;
  bool stale_ = false;

  std::string caseId_;
  int pane_ = 0;  // 0 the case, 1 its audit trail
  CaseDetail detail_;
  std::vector<AuditEntry> audit_;
  std::string auditFor_;  // the case audit_ belongs to
  std::string auditError_;
  bool auditLoading_ = false;
};

}  // namespace pcs::client
