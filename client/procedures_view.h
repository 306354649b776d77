#pragma once
// 等级核查与退出 (T10-T13) inside 督办查询: the grade-review and exit procedures of property
// companies. A list (kind, open or closed, overdue only, county) with each procedure's stage
// and the days left on its current step, marked by words and a shape when late; one procedure
// with its steps as a timeline (rule, unit, from, due, days left or late, done by and when),
// the evidence it was opened on, the system's proposal for the next step with its criteria,
// a form for each action the server offers now (and only those), and its history.
//
// The API is GET/POST /api/v1/procedures and POST /api/v1/procedures/{id}/actions.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "estate_picker.h"
#include "json_util.h"
#include "session.h"

namespace pcs::client {

class ProceduresView {
 public:
  void draw(Session& session, float scale);
  void invalidate() { listStale_ = true; }
  // Shows procedure `id` (e.g. one just opened by confirming a ledger proposal).
  void openProcedure(Session& session, int64_t id);

 private:
  struct Item {
    int64_t id = 0;
    std::string kindZh, companyName, estateName, countyName, state, stageZh, outcomeZh;
    std::string currentUnitName, currentDue, daysText;
    std::optional<int64_t> daysLeft;
    bool dueStatutory = false, overdue = false;
  };
  struct SurveyChoice {
    int64_t id = 0;
    std::string label;
  };
  struct GradeRow {
    std::string grade, at, byName;
    int64_t procedureId = 0;
  };

  void load(Session& session);
  void loadGrade(Session& session, const std::string& estateId);
  void drawFilters(Session& session, float scale);
  void drawNew(Session& session, float scale);
  void drawList(Session& session, float scale);
  void drawDetail(Session& session, float scale);
  void drawEvidence(const JsonValue& p);
  void drawGrade();
  void drawSteps(const JsonValue& p);
  void drawActions(Session& session, const JsonValue& p, float scale);
  void drawForm(Session& session, float scale);
  void drawEvents(const JsonValue& p);
  void beginForm(Session& session, const std::string& action, const std::string& label);
  void submitForm(Session& session);

  // List and filters.
  std::string kind_;            // "", grade_review, exit
  std::string state_ = "open";  // "", open, closed
  bool overdueOnly_ = false;
  std::string county_;
  bool listStale_ = true;
  bool loading_ = false;
  uint64_t generation_ = 0;
  std::string listError_;
  std::vector<Item> items_;

  // Opening a procedure by hand.
  bool showNew_ = false;
  std::string newKind_ = "grade_review";
  EstatePicker newEstate_;
  std::string newReason_, newError_;

  // The procedure shown.
  int64_t openId_ = 0;
  JsonDoc procedure_;
  std::string detailError_;
  std::string notice_;

  // The estate's service grade (GET /estates/{id}/grade): now, its company's, every regrade.
  std::string gradeEstate_, grade_, companyGrade_;
  std::vector<GradeRow> gradeHistory_;

  // The action form.
  std::string formAction_, formLabel_;
  std::string text_, newGrade_, publishedOn_, targetDate_;
  int64_t surveyId_ = 0;
  std::vector<SurveyChoice> surveys_;
  bool surveysLoaded_ = false;
  bool sending_ = false;
  std::string formError_;
  int formStatus_ = 0;  // HTTP status of the refusal shown in formError_
};

}  // namespace pcs::client
