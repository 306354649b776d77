#include "text_lines.h"

#include "pcs/error.h"

namespace pcs {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace

void TextLine::fail(const std::string& message) const {
  throw Error(ErrorCode::InvalidInput, "line " + std::to_string(number) + ": " + message);
}

std::string TextLine::rest(size_t first) const {
  size_t pos = 0;
  for (size_t i = 0; i < first && pos != std::string::npos; ++i) {
    pos = text.find_first_not_of(" \t", pos);
    pos = pos == std::string::npos ? pos : text.find_first_of(" \t", pos);
  }
  if (pos == std::string::npos) return {};
  return trim(std::string_view(text).substr(pos));
}

int TextLine::integer(size_t index, int lo, int hi, std::string word) const {
  if (word.empty()) {
    if (index >= words.size()) fail("missing number");
    word = words[index];
  }
  if (word.empty() || word.size() > 9 || word.find_first_not_of("0123456789") != std::string::npos)
    fail("'" + word + "' is not a whole number");
  const int v = std::stoi(word);
  if (v < lo || v > hi)
    fail(word + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

std::vector<TextLine> splitLines(std::string_view text) {
  std::vector<TextLine> lines;
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++number;
    std::string_view raw = text.substr(pos, end - pos);
    if (size_t hash = raw.find('#'); hash != std::string_view::npos) raw = raw.substr(0, hash);
    TextLine line;
    line.number = number;
    line.text = trim(raw);
    size_t p = 0;
    while (p < line.text.size()) {
      size_t b = line.text.find_first_not_of(" \t", p);
      if (b == std::string::npos) break;
      size_t e = line.text.find_first_of(" \t", b);
      if (e == std::string::npos) e = line.text.size();
      line.words.push_back(line.text.substr(b, e - b));
      p = e;
    }
    if (!line.words.empty()) lines.push_back(std::move(line));
    pos = end + 1;
  }
  return lines;
}

}  // namespace pcs
