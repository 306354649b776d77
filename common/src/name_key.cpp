#include "pcs/name_key.h"

#include <algorithm>
#include <vector>

#include "pcs/loose_date.h"
#include "pcs/utf8.h"

namespace pcs {
namespace {

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) out += utf8::decodeNext(s, i);
  return out;
}

bool endsWith(const std::u32string& s, const std::u32string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

size_t editDistance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string nameKey(std::string_view name, NameKind kind) {
  const std::u32string in = decode(normaliseWidth(name));
  std::u32string key;
  int depth = 0;  // inside brackets; an unmatched closing bracket is dropped
  for (char32_t c : in) {
    if (c == U'(' || c == U'[' || c == U'【' || c == U'〔') {
      ++depth;
    } else if (c == U')' || c == U']' || c == U'】' || c == U'〕') {
      if (depth > 0) --depth;
    } else if (depth == 0 && c != U' ' && c != U'\t' && c != U'\r' && c != U'\n') {
      key += (c >= U'A' && c <= U'Z') ? c + 32 : c;
    }
  }
  if (kind == NameKind::Company) {
    for (const std::u32string tail : {U"股份有限公司", U"有限责任公司", U"有限公司", U"公司"})
      if (endsWith(key, tail) && key.size() > tail.size()) {
        key.resize(key.size() - tail.size());
        break;
      }
  }
  std::string out;
  for (char32_t c : key) utf8::append(out, c);
  return out;
}

bool namesNear(std::string_view keyA, std::string_view keyB) {
  const std::u32string a = decode(keyA), b = decode(keyB);
  if (a == b) return true;
  const size_t shorter = std::min(a.size(), b.size());
  if (shorter < 4) return false;
  if (a.find(b) != std::u32string::npos || b.find(a) != std::u32string::npos) return true;
  const size_t longer = std::max(a.size(), b.size());
  return longer - shorter <= 1 && editDistance(a, b) <= 1;
}

}  // namespace pcs
