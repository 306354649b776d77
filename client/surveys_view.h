#pragma once
// 满意度测评 (R11) inside 督办查询: the satisfaction surveys of estates in the user's scope
// (filtered by estate, company and state), opening one for an estate and a month, recording the
// residents' answers with the server's verdict on each (the household as the server normalised
// it; a second answer of a household is refused; the company's own staff are refused and the
// refusal is kept), the live counts and rate, closing it with the refused-to-fix and
// inadequate-fixing findings, and the company's staff register.

#include <cstdint>
#include <string>
#include <vector>

#include "estate_picker.h"
#include "json_util.h"
#include "session.h"

namespace pcs::client {

class SurveysView {
 public:
  void draw(Session& session, float scale);
  void invalidate() { listStale_ = true; }

  // May open and close surveys and keep staff registers (the server decides in the end): unit
  // heads and dispatchers of a property authority, and administrators.
  static bool mayManage(const Session& session);
  // May record answers: the managers, and staff of street offices and communities.
  static bool mayRecord(const Session& session);

 private:
  struct Item {
    int64_t id = 0;
    std::string estateName, companyName, period, state;
    int64_t counted = 0, refused = 0;
    bool hasRate = false;
    double rate = 0;
  };
  // What the server said to the last answer recorded.
  struct Verdict {
    std::string kind;  // counted, duplicate, refused, error
    std::string text;
  };

  void load(Session& session);
  void open(Session& session, int64_t id);
  void drawFilters(Session& session, float scale);
  void drawNewSurvey(Session& session, float scale);
  void drawSurvey(Session& session, float scale);
  void drawResponseForm(Session& session, float scale);
  void drawCloseForm(Session& session, float scale);
  void drawStaffRegister(Session& session, float scale);
  void drawResponses();
  void recordResponse(Session& session);

  // Filters of the list.
  EstatePicker filterEstate_;
  std::string filterCompany_;
  std::string filterState_;  // "", open, closed
  bool listStale_ = true;
  bool loading_ = false;
  uint64_t listGeneration_ = 0;
  std::string listError_;
  std::vector<Item> items_;

  // Opening a survey.
  bool showNew_ = false;
  EstatePicker newEstate_;
  std::string newPeriod_, newNote_, newError_;

  // The survey shown, and the forms on it.
  int64_t openId_ = 0;
  JsonDoc survey_;
  std::string surveyError_;
  std::string household_, contact_, idNumber_, employer_;
  int rating_ = 0;
  bool sending_ = false;
  Verdict verdict_;
  bool refusedToFix_ = false, fixInadequate_ = false, confirmClose_ = false;
  std::string closeNote_, closeError_;
  std::string staffContacts_, staffIds_, staffNotice_, staffError_;
  std::string notice_;
};

}  // namespace pcs::client
