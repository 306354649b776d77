// Smoothed bigram-to-label counts; see routing_model.h for what the numbers mean.
#include "pcs/routing_model.h"

#include <algorithm>
#include <cmath>

#include "text_grams.h"

namespace pcs {
namespace {

// Added to a bigram's case count when computing a label's share: one case sharing a bigram
// gives 1/(1+kSmoothing) of it, not all of it.
constexpr double kSmoothing = 2.0;
constexpr size_t kShownGrams = 4;

}  // namespace

void RoutingModel::learn(std::string_view text, const std::vector<std::string>& labels) {
  const std::vector<std::string> grams = cjkBigrams(text);
  if (grams.empty() || labels.empty()) return;
  std::vector<std::string> distinct = labels;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  for (const std::string& g : grams) {
    Gram& gram = grams_[g];
    ++gram.cases;
    for (const std::string& l : distinct) ++gram.labels[l];
  }
  for (const std::string& l : distinct) ++labelCases_[l];
  ++cases_;
}

double RoutingModel::confidence() const {
  const double n = static_cast<double>(cases_);
  return n / (n + kHalfConfidenceCases);
}

std::map<std::string, LearnedEvidence> RoutingModel::evidence(std::string_view text) const {
  std::map<std::string, LearnedEvidence> out;
  if (cases_ == 0) return out;
  const std::vector<std::string> grams = cjkBigrams(text);
  const double n = static_cast<double>(cases_);
  // A bigram never seen weighs as much as the rarest seen one: text the model knows nothing
  // about dilutes the evidence instead of being ignored.
  const double unseenWeight = std::log(1.0 + n);
  double total = 0;
  std::map<std::string, std::vector<std::pair<double, std::string>>> telling;
  for (const std::string& g : grams) {
    auto it = grams_.find(g);
    if (it == grams_.end()) {
      total += unseenWeight;
      continue;
    }
    const Gram& gram = it->second;
    const double weight = std::log(1.0 + n / gram.cases);
    total += weight;
    for (const auto& [label, count] : gram.labels) {
      const double share = weight * count / (gram.cases + kSmoothing);
      LearnedEvidence& e = out[label];
      e.score += share;
      telling[label].emplace_back(share, g);
    }
  }
  for (auto& [label, e] : out) {
    e.score = total > 0 ? e.score / total : 0;
    e.cases = labelCases_.at(label);
    auto& t = telling[label];
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < t.size() && i < kShownGrams; ++i) e.grams.push_back(t[i].second);
  }
  return out;
}

}  // namespace pcs
