#pragma once
// Reading the line-based data files of common/data: one directive per line, words separated by
// ASCII spaces, '#' to the end of the line is a comment. Errors name the line.

#include <string>
#include <string_view>
#include <vector>

namespace pcs {

struct TextLine {
  int number = 0;                  // 1-based line number in the file
  std::string text;                // the line without its comment, trimmed
  std::vector<std::string> words;  // never empty for a returned line

  // Throws pcs::Error(InvalidInput) "line N: message".
  [[noreturn]] void fail(const std::string& message) const;
  // The text from word `first` to the end of the line, as written (inner spaces kept).
  std::string rest(size_t first) const;
  // Word `index` (or `word`, when given) as an integer in [lo, hi]; fails otherwise.
  int integer(size_t index, int lo, int hi, std::string word = {}) const;
};

// The non-empty, non-comment lines of `text`.
std::vector<TextLine> splitLines(std::string_view text);

}  // namespace pcs
