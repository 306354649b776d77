// Routing by evidence that adds up per catalogue entry (docs/routing.md has the table):
//   - a catalogue keyword found in the text scores its length in characters (longer is more
//     specific);
//   - a colloquial phrase of routing_synonyms.txt found in the text scores like the catalogue
//     keyword it stands for;
//   - a keyword not found as written but most of whose bigrams are (电梯又坏了 for 电梯坏了)
//     scores a fraction of it; only the best such look-alike per entry counts;
//   - bigrams shared with the entry's title, the notice's text and its keywords score by their
//     rarity among entries (ranks entries no keyword reached);
//   - what past dispatches taught (routing_model.h), weighted by the model's confidence.
// Urgency: an urgent cue outside its exceptions, or one of the first suggestions on an urgent
// entry that a keyword or phrase (not only a look-alike) reached.
#include "pcs/routing.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "pcs/utf8.h"
#include "routing_lexicon.h"
#include "text_grams.h"

namespace pcs {
namespace {

constexpr double kLookAlikeWeight = 0.5;      // share of a keyword's length a look-alike earns
constexpr double kLookAlikeMin = 0.6;         // share of a keyword's bigrams a look-alike needs
constexpr double kTextWeight = 0.35;          // per unit of rarity of a shared title/text bigram
constexpr double kLearnedWeight = 20.0;       // raw score of full learned evidence at confidence 1
constexpr double kHandlerLearnedShare = 0.5;  // handler-level evidence counts half
constexpr double kMinRawScore = 1.0;          // below this an entry is not suggested
constexpr double kScale = 4.0;                // raw score at which the shown score reaches 0.5
constexpr double kUrgentEntryMinScore = 0.4;  // shown score an urgent entry needs to count
constexpr size_t kUrgentEntryRanks = 2;       // among this many first suggestions

double chars(std::string_view s) {
  return static_cast<double>(utf8::length(s));
}

bool contains(std::string_view text, std::string_view word) {
  return !word.empty() && text.find(word) != std::string_view::npos;
}

bool sortedHas(const std::vector<std::string>& v, const std::string& s) {
  return std::binary_search(v.begin(), v.end(), s);
}

// True when `cue` occurs in `text` at least once outside every exception phrase.
bool cueOutsideExceptions(std::string_view text, std::string_view cue,
                          const std::vector<std::string>& exceptions) {
  for (size_t at = text.find(cue); at != std::string_view::npos; at = text.find(cue, at + 1)) {
    bool masked = false;
    for (const std::string& ex : exceptions) {
      const size_t inEx = ex.find(cue);
      if (inEx == std::string::npos || at < inEx) continue;
      if (text.compare(at - inEx, ex.size(), ex) == 0) {
        masked = true;
        break;
      }
    }
    if (!masked) return true;
  }
  return false;
}

std::string quoted(std::string_view w) {
  return "「" + std::string(w) + "」";
}

std::string joinQuoted(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += quoted(w);
  return out;
}

struct Scored {
  RoutingSuggestion s;
  double raw = 0;
  bool reachedByWord = false;  // a keyword or phrase, not only look-alikes and shared bigrams
  std::vector<std::pair<double, std::string>> why;  // (weight, reason), sorted at the end
};

}  // namespace

Router::Router(const Catalogue& catalogue, const RoutingModel* learned)
    : catalogue_(catalogue), learned_(learned) {
  std::map<std::string, int> df;
  for (const CatalogueEntry& e : catalogue_.entries()) {
    EntryIndex ix;
    ix.catchAll = e.title.find("其他") != std::string::npos;
    // A catch-all entry's title and text say nothing specific; only its keywords do.
    std::string words = ix.catchAll ? std::string() : e.title + "，" + e.text;
    for (const std::string& k : e.keywords) {
      words += "，" + k;
      ix.keywordGrams.push_back(cjkBigrams(k));
    }
    ix.grams = cjkBigrams(words);
    std::sort(ix.grams.begin(), ix.grams.end());
    for (const std::string& g : ix.grams) ++df[g];
    index_.push_back(std::move(ix));
  }
  const double n = static_cast<double>(catalogue_.entries().size());
  for (const auto& [g, count] : df) gramWeight_.emplace_back(g, std::log(n / count));
}

RoutingAnswer Router::suggest(std::string_view text, size_t maxSuggestions) const {
  const RoutingLexicon& lex = RoutingLexicon::builtin();
  RoutingAnswer answer;
  const std::vector<std::string> textGrams = [&] {
    auto g = cjkBigrams(text);
    std::sort(g.begin(), g.end());
    return g;
  }();
  std::vector<const Synonym*> saidPhrases;
  for (const Synonym& syn : lex.synonyms)
    if (contains(text, syn.phrase) && (syn.context.empty() || contains(text, syn.context)))
      saidPhrases.push_back(&syn);
  std::map<std::string, LearnedEvidence> learned;
  double confidence = 0;
  if (learned_ && learned_->cases() > 0 && !textGrams.empty()) {
    learned = learned_->evidence(text);
    confidence = learned_->confidence();
  }

  std::vector<Scored> scored;
  const auto& entries = catalogue_.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    const CatalogueEntry& e = entries[i];
    Scored sc;
    sc.s.entry = &e;
    std::pair<double, std::string> bestLookAlike{0, ""};
    for (size_t j = 0; j < e.keywords.size(); ++j) {
      const std::string& k = e.keywords[j];
      if (contains(text, k)) {
        sc.raw += chars(k);
        // A keyword inside a phrase that is no danger (威胁 in 威胁停水) does not make the
        // entry's urgency apply.
        sc.reachedByWord = sc.reachedByWord || cueOutsideExceptions(text, k, lex.urgentExceptions);
        sc.s.matched.push_back(k);
        sc.why.emplace_back(chars(k), "目录关键词" + quoted(k));
        continue;
      }
      const Synonym* via = nullptr;
      for (const Synonym* syn : saidPhrases)
        if (std::find(syn->keywords.begin(), syn->keywords.end(), k) != syn->keywords.end()) {
          via = syn;
          break;
        }
      if (via) {
        sc.raw += chars(k);
        sc.reachedByWord = true;
        sc.s.matched.push_back(via->phrase);
        sc.why.emplace_back(chars(k), "常用说法" + quoted(via->phrase) + "即" + quoted(k));
        continue;
      }
      const std::vector<std::string>& kg = index_[i].keywordGrams[j];
      if (kg.size() < 2) continue;
      std::vector<std::string> shared;
      for (const std::string& g : kg)
        if (sortedHas(textGrams, g)) shared.push_back(g);
      const double share = static_cast<double>(shared.size()) / static_cast<double>(kg.size());
      if (share < kLookAlikeMin) continue;
      const double w = kLookAlikeWeight * chars(k) * share;
      if (w > bestLookAlike.first)
        bestLookAlike = {w, "相近说法" + joinQuoted(shared) + "像关键词" + quoted(k)};
    }
    // Only the best look-alike counts: several half-matches of one entry's keywords are
    // usually the same few common bigrams.
    if (bestLookAlike.first > 0) {
      sc.raw += bestLookAlike.first;
      sc.why.push_back(bestLookAlike);
    }
    {
      std::vector<std::string> shared;
      double w = 0;
      for (const std::string& g : textGrams) {
        if (!sortedHas(index_[i].grams, g)) continue;
        auto it = std::lower_bound(gramWeight_.begin(), gramWeight_.end(), std::make_pair(g, -1.0));
        if (it == gramWeight_.end() || it->first != g || it->second <= 0) continue;
        w += kTextWeight * it->second;
        shared.push_back(g);
      }
      if (w > 0) {
        sc.raw += w;
        sc.why.emplace_back(w, "与事项名称、原文或关键词相同的词" + joinQuoted(shared));
      }
    }
    if (confidence > 0) {
      const std::string handlerLabel = "handler:" + std::string(handlerKey(e.handler));
      double w = 0;
      std::string detail;
      if (auto it = learned.find(e.code); it != learned.end()) {
        w += it->second.score;
        detail = std::to_string(it->second.cases) + "件办结案件归此事项，相同的词" +
                 joinQuoted(it->second.grams);
      }
      if (auto it = learned.find(handlerLabel); it != learned.end()) {
        w += kHandlerLearnedShare * it->second.score;
        if (detail.empty())
          detail = std::to_string(it->second.cases) + "件办结案件由" +
                   std::string(handlerNameZh(e.handler)) + "办理，相同的词" +
                   joinQuoted(it->second.grams);
      }
      w *= kLearnedWeight * confidence;
      if (w > 0.05) {
        sc.raw += w;
        sc.why.emplace_back(w, "以往办结案件：" + detail);
      }
    }
    if (sc.raw < kMinRawScore) continue;
    sc.s.score = sc.raw / (sc.raw + kScale);
    std::stable_sort(sc.why.begin(), sc.why.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [w, reason] : sc.why) sc.s.reasons.push_back(std::move(reason));
    scored.push_back(std::move(sc));
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& a, const Scored& b) { return a.raw > b.raw; });
  if (scored.size() > maxSuggestions) scored.resize(maxSuggestions);

  std::vector<std::string> reasons;
  for (const std::string& cue : lex.urgentCues)
    if (cueOutsideExceptions(text, cue, lex.urgentExceptions)) answer.urgentCues.push_back(cue);
  if (!answer.urgentCues.empty())
    reasons.push_back("出现危及房屋或人身安全的说法" + joinQuoted(answer.urgentCues));
  // A strong suggestion among the first few on an urgent entry, reached by a word of the text
  // (not only by look-alikes), also proposes it: missing a danger costs more than a false
  // alarm the clerk clears.
  for (size_t i = 0; i < scored.size() && i < kUrgentEntryRanks; ++i) {
    const Scored& sc = scored[i];
    if (sc.s.entry->urgent && sc.reachedByWord && sc.s.score >= kUrgentEntryMinScore) {
      answer.urgentCues.push_back(sc.s.entry->title);
      reasons.push_back("建议事项" + quoted(sc.s.entry->title) + "通常危及房屋使用或人身安全");
      break;
    }
  }
  answer.urgent = !answer.urgentCues.empty();
  for (size_t i = 0; i < reasons.size(); ++i) answer.urgentReason += (i ? "；" : "") + reasons[i];
  for (Scored& sc : scored) answer.suggestions.push_back(std::move(sc.s));
  return answer;
}

}  // namespace pcs
