#pragma once
// Routing suggestions (R4): which catalogue entries, and so which handlers, a complaint's text
// points to, and whether it looks urgent (R3). A person confirms; every suggestion says why.

#include <string>
#include <string_view>
#include <vector>

#include "pcs/catalogue.h"

namespace pcs {

struct RoutingSuggestion {
  const CatalogueEntry* entry = nullptr;
  double score = 0;                  // 0..1, comparable within one answer
  std::vector<std::string> matched;  // the words of the text that led here
};

struct RoutingAnswer {
  std::vector<RoutingSuggestion> suggestions;  // best first
  bool urgent = false;
  std::vector<std::string> urgentCues;  // why: the words that mark danger
};

class Router {
 public:
  // Uses the catalogue's keywords and titles and the urgent cues in common/data.
  explicit Router(const Catalogue& catalogue);
  RoutingAnswer suggest(std::string_view text, size_t maxSuggestions = 5) const;

 private:
  const Catalogue& catalogue_;
  std::vector<std::string> urgentCues_;
};

}  // namespace pcs
