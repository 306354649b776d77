// Keyword routing: an entry scores the code-point length of every keyword found in the text
// (a longer keyword is more specific), plus a little for characters shared with its title.
#include "pcs/routing.h"

#include <algorithm>

#include "pcs/embedded.h"
#include "pcs/utf8.h"
#include "text_lines.h"

namespace pcs {
namespace {

// Title characters also found in the text: a weak signal that breaks ties between entries
// with no keyword hit.
double titleOverlap(std::string_view title, std::string_view text) {
  size_t hits = 0, total = 0;
  for (size_t i = 0; i < title.size();) {
    size_t len = 1;
    const unsigned char c = static_cast<unsigned char>(title[i]);
    if (c >= 0xF0)
      len = 4;
    else if (c >= 0xE0)
      len = 3;
    else if (c >= 0xC0)
      len = 2;
    if (len == 3) {  // CJK characters only; punctuation and ASCII are noise here
      ++total;
      if (text.find(title.substr(i, len)) != std::string_view::npos) ++hits;
    }
    i += len;
  }
  return total ? static_cast<double>(hits) / static_cast<double>(total) : 0.0;
}

// Characters too common in complaints to say anything about the matter.
bool isNoiseTitle(const CatalogueEntry& e) {
  return e.title.find("其他") != std::string::npos;
}

}  // namespace

Router::Router(const Catalogue& catalogue) : catalogue_(catalogue) {
  if (auto cues = embeddedFile("urgent_cues.txt"))
    for (const TextLine& line : splitLines(*cues))
      if (line.words.size() == 2 && line.words[0] == "cue") urgentCues_.push_back(line.words[1]);
}

RoutingAnswer Router::suggest(std::string_view text, size_t maxSuggestions) const {
  RoutingAnswer answer;
  constexpr double kTitleWeight = 1.5;  // a full title match is worth a short keyword
  constexpr double kMinRawScore = 1.0;  // below this an entry is not suggested
  constexpr double kScale = 4.0;        // raw score at which the shown score reaches 0.5

  for (const CatalogueEntry& e : catalogue_.entries()) {
    RoutingSuggestion s;
    s.entry = &e;
    double raw = 0;
    for (const std::string& k : e.keywords)
      if (!k.empty() && text.find(k) != std::string_view::npos) {
        raw += static_cast<double>(utf8::length(k));
        s.matched.push_back(k);
      }
    if (!isNoiseTitle(e)) raw += kTitleWeight * titleOverlap(e.title, text);
    if (raw < kMinRawScore) continue;
    s.score = raw / (raw + kScale);
    answer.suggestions.push_back(std::move(s));
  }
  std::stable_sort(
      answer.suggestions.begin(), answer.suggestions.end(),
      [](const RoutingSuggestion& a, const RoutingSuggestion& b) { return a.score > b.score; });
  if (answer.suggestions.size() > maxSuggestions) answer.suggestions.resize(maxSuggestions);

  for (const std::string& cue : urgentCues_)
    if (text.find(cue) != std::string_view::npos) answer.urgentCues.push_back(cue);
  // An urgent catalogue entry among the top matches with a keyword hit also proposes it.
  for (const RoutingSuggestion& s : answer.suggestions)
    if (s.entry->urgent && !s.matched.empty() && s.score >= 0.4) {
      answer.urgentCues.push_back(s.entry->title);
      break;
    }
  answer.urgent = !answer.urgentCues.empty();
  return answer;
}

}  // namespace pcs
