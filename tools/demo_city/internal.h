#pragma once
// Pieces the generator's files share: the random numbers, the data-file readers and the
// complaint writer. Not part of the library's interface.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "demo_city.h"

namespace pcs::demo {

// SplitMix64: tiny, fast and the same everywhere. Every draw goes through it, in a fixed
// order, so a seed always gives the same data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  // Uniform in [lo, hi].
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // True with probability p (in per mille, so no floating point decides anything).
  bool chance(int perMille) { return below(1000) < perMille; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(below(static_cast<int>(v.size())))];
  }

 private:
  uint64_t s_;
};

// A data file's lines without comments and blanks, trimmed.
std::vector<std::string> dataLines(std::string_view file);
// The sections "[name]" of a data file: every word (space-separated) of the lines under it.
std::map<std::string, std::vector<std::string>> dataSections(std::string_view file,
                                                             bool wholeLines);

// Text pieces for one complaint's placeholders.
struct TextContext {
  std::string estate, company;
  int building = 1, unit = 1, room = 101;
};

// Builds complaint texts the way residents write them, from complaints.txt and style.txt.
class ComplaintWriter {
 public:
  ComplaintWriter();
  // Codes that have phrases, with their weight (how often residents complain about them).
  const std::vector<std::pair<std::string, int>>& entries() const { return entries_; }
  bool has(const std::string& code) const { return phrases_.count(code) > 0; }
  // A complaint about `code` (and, when given, a second matter `second`).
  std::string write(Rng& rng, const std::string& code, const std::string& second,
                    const TextContext& ctx) const;
  // A line of a style.txt section (answers, reasons...), placeholders filled.
  std::string line(Rng& rng, const std::string& section, const TextContext& ctx) const;

 private:
  std::string fill(Rng& rng, std::string text, const TextContext& ctx) const;
  std::string sprinkle(Rng& rng, std::string text) const;

  std::map<std::string, std::vector<std::string>> phrases_;
  std::vector<std::pair<std::string, int>> entries_;
  std::map<std::string, std::vector<std::string>> style_;
  std::vector<std::pair<std::string, std::string>> typos_;  // wrong, right
};

}  // namespace pcs::demo
