#pragma once
// What a city's own past dispatches teach routing (R4): complaint texts and the handlers and
// catalogue entries that finally handled them (the assignments of closed cases that were not
// returned). The Router adds this evidence to the catalogue's, so wording the catalogue does
// not know but the city's staff have routed before still finds its handler.
//
// The model counts, per character bigram of the text, how many learned cases held it and how
// those cases were routed. Evidence for a label is the share of the text's bigrams (weighted by
// how rare they are among learned cases) that point to it, smoothed so that one or two cases
// say little. confidence() grows with the number of learned cases, so with little learned the
// catalogue dominates. Not thread-safe: callers serialise learn() against reads.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pcs {

struct LearnedEvidence {
  double score = 0;                // 0..1: how much of the text points to the label
  int cases = 0;                   // learned cases routed to the label
  std::vector<std::string> grams;  // the most telling shared bigrams, most telling first
};

class RoutingModel {
 public:
  // Learns one confirmed routing. Labels are free strings; the Router uses catalogue codes
  // ("energy.2") and handler keys prefixed "handler:" ("handler:energy"). A text without
  // Chinese bigrams or a routing without labels teaches nothing and is ignored.
  void learn(std::string_view text, const std::vector<std::string>& labels);

  // Cases learned so far.
  size_t cases() const { return cases_; }
  // 0..1, cases / (cases + kHalfConfidenceCases): how far the Router trusts this model.
  double confidence() const;
  static constexpr double kHalfConfidenceCases = 20;

  // Evidence for every label some bigram of `text` points to (labels with none are absent).
  std::map<std::string, LearnedEvidence> evidence(std::string_view text) const;

 private:
  struct Gram {
    int cases = 0;                                // learned cases holding this bigram
    std::unordered_map<std::string, int> labels;  // of those, how many went to each label
  };
  std::unordered_map<std::string, Gram> grams_;
  std::unordered_map<std::string, int> labelCases_;
  size_t cases_ = 0;
};

}  // namespace pcs
