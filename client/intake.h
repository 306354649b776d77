#pragma once
// Intake (受理登记, R2/R3): a phone or counter complaint with every field of R2. The estate and
// the company are picked by typing part of a name; routing suggestions (R4) follow the content
// as it is typed, each with its catalogue entry's text, for the clerk to confirm; the urgent
// flag (R3) is suggested with the words that triggered it; the deadline preview shows the due
// date and how it was counted, from the same calendar and rules as the server (common/).

#include <string>
#include <vector>

#include "navigator.h"
#include "session.h"

namespace pcs::client {

class Intake {
 public:
  void draw(Session& session, Navigator& nav, float scale);
  // Catalogue codes the clerk confirmed for the case just registered (for the dispatch form).
  const std::vector<std::string>& confirmedCodes() const { return confirmed_; }

 private:
  struct Suggestion {
    std::string code, handler, handlerName, title, text, matched;
    bool chosen = false;
  };

  void reset();
  void drawPicker(Session& session, float scale);
  void drawSuggestions(Session& session, float scale);
  void drawDeadlinePreview(Session& session);
  void requestSuggestions(Session& session);
  void submit(Session& session, Navigator& nav);

  bool initialised_ = false;
  std::string receivedAt_, name_, contact_, location_, content_, externalRef_, urgentReason_;
  int channel_ = 0;
  bool urgent_ = false;
  std::string estateQuery_, estateId_;
  std::string companyQuery_, companyId_;
  std::string countyId_;

  std::vector<Suggestion> suggestions_;
  bool suggestUrgent_ = false;
  std::string urgentCues_;
  std::string suggestedFor_;  // the content the suggestions answer
  double contentEditedAt_ = 0;
  bool suggesting_ = false;

  std::vector<std::string> confirmed_;
  bool sending_ = false;
  std::string error_;
  std::string notice_;
};

}  // namespace pcs::client
