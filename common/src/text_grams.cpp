#include "text_grams.h"

#include <algorithm>

#include "pcs/utf8.h"

namespace pcs {
namespace {

// CJK Unified Ideographs and extension A: the characters complaints are written in.
bool isIdeograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

}  // namespace

std::vector<std::string> cjkBigrams(std::string_view text) {
  std::vector<std::string> out;
  std::string prev;  // the previous ideograph, empty after a break
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const char32_t c = utf8::decodeNext(text, pos);
    if (!isIdeograph(c)) {
      prev.clear();
      continue;
    }
    std::string cur(text.substr(start, pos - start));
    if (!prev.empty()) {
      std::string gram = prev + cur;
      if (std::find(out.begin(), out.end(), gram) == out.end()) out.push_back(std::move(gram));
    }
    prev = std::move(cur);
  }
  return out;
}

}  // namespace pcs
