#pragma once
// Routing suggestions (R4): which catalogue entries, and so which handlers, a complaint's text
// points to, and whether it looks urgent (R3). A person confirms; every suggestion says why.
// How the score is made, and how well it does on the evaluation set: docs/routing.md.

#include <string>
#include <string_view>
#include <vector>

#include "pcs/catalogue.h"
#include "pcs/routing_model.h"

namespace pcs {

struct RoutingSuggestion {
  const CatalogueEntry* entry = nullptr;
  double score = 0;                  // 0..1, comparable within one answer
  std::vector<std::string> matched;  // the words of the text that led here
  // Why, for staff, in Chinese, strongest first: each names the words and where the link came
  // from (目录关键词, 常用说法, 相近说法, 事项原文, 以往办结案件).
  std::vector<std::string> reasons;
};

struct RoutingAnswer {
  std::vector<RoutingSuggestion> suggestions;  // best first
  bool urgent = false;
  std::vector<std::string> urgentCues;  // why: the words that mark danger
  std::string urgentReason;             // the same, as one sentence for staff; empty if not urgent
};

class Router {
 public:
  // Uses the catalogue's keywords, titles and texts, the colloquial phrases and urgent cues in
  // common/data, and, when given, what the city's past dispatches taught (`learned` must
  // outlive the Router and not change while it is used).
  explicit Router(const Catalogue& catalogue, const RoutingModel* learned = nullptr);
  RoutingAnswer suggest(std::string_view text, size_t maxSuggestions = 5) const;

 private:
  struct EntryIndex {
    std::vector<std::string> grams;  // bigrams of the title, the notice's text and keywords, sorted
    bool catchAll = false;           // a "其他…职责事项" entry: only its keywords count
    std::vector<std::vector<std::string>> keywordGrams;  // per keyword, in keyword order
  };
  const Catalogue& catalogue_;
  const RoutingModel* learned_;
  std::vector<EntryIndex> index_;                           // parallel to catalogue_.entries()
  std::vector<std::pair<std::string, double>> gramWeight_;  // sorted: bigram -> rarity weight
};

}  // namespace pcs
