#pragma once
// Character bigrams of Chinese text, the unit routing compares texts by: Chinese is written
// without spaces, and two characters are the shortest piece that usually carries a meaning
// (电梯, 漏水, 人防).

#include <string>
#include <string_view>
#include <vector>

namespace pcs {

// The distinct bigrams of consecutive CJK ideographs in `text`, in order of first appearance.
// Punctuation, digits, Latin letters and spaces break a run, so no bigram spans them.
std::vector<std::string> cjkBigrams(std::string_view text);

}  // namespace pcs
