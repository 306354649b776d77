#include "pcs/text_search.h"

#include <algorithm>
#include <cstdint>

#include "pcs/utf8.h"

namespace pcs {
namespace {

using utf8::decodeNext;

void appendUtf8(std::string& out, char32_t cp) {
  utf8::append(out, cp);
}

// Full-width forms U+FF01..U+FF5E are ASCII U+0021..U+007E shifted; the ideographic space is a
// space. ASCII letters are lower-cased.
char32_t fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
  if (cp == 0x3000) cp = ' ';
  if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
  return cp;
}

bool isWordChar(char32_t cp) {
  return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
}

// Letters of the scripts written without spaces between words. Punctuation inside these blocks
// (、。「」・ and the like) is left out on purpose: it separates, as in any other text.
bool isCjk(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF)       // CJK unified ideographs
         || (cp >= 0x3400 && cp <= 0x4DBF)    // extension A
         || (cp >= 0x20000 && cp <= 0x3134F)  // extensions B-G and compatibility supplement
         || (cp >= 0xF900 && cp <= 0xFAFF)    // compatibility ideographs
         || (cp >= 0x3005 && cp <= 0x3007)    // 々 〆 〇
         || (cp >= 0x3041 && cp <= 0x3096)    // hiragana
         || (cp >= 0x30A1 && cp <= 0x30FA)    // katakana
         || (cp >= 0x30FC && cp <= 0x30FF)    // katakana length mark and iteration marks
         || (cp >= 0xAC00 && cp <= 0xD7A3);   // hangul syllables
}

enum class PieceKind { Cjk, Word };

// A maximal run of CJK characters (one string per character) or one ASCII word.
struct Piece {
  PieceKind kind;
  std::vector<std::string> chars;  // Cjk: each character's UTF-8
  std::string word;                // Word: lower-cased
};

std::vector<Piece> pieces(std::string_view text) {
  std::vector<Piece> out;
  bool open = false;  // whether out.back() may still grow
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = fold(decodeNext(text, pos));
    if (isCjk(cp)) {
      if (!open || out.back().kind != PieceKind::Cjk) out.push_back({PieceKind::Cjk, {}, {}});
      std::string ch;
      appendUtf8(ch, cp);
      out.back().chars.push_back(std::move(ch));
      open = true;
    } else if (isWordChar(cp)) {
      if (!open || out.back().kind != PieceKind::Word) out.push_back({PieceKind::Word, {}, {}});
      out.back().word += static_cast<char>(cp);
      open = true;
    } else {
      open = false;
    }
  }
  return out;
}

std::vector<std::string> bigrams(const std::vector<std::string>& chars) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < chars.size(); ++i) out.push_back(chars[i] + chars[i + 1]);
  return out;
}

}  // namespace

std::vector<std::string> indexTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (Piece& p : pieces(text)) {
    if (p.kind == PieceKind::Word) {
      terms.push_back(std::move(p.word));
      continue;
    }
    for (std::string& b : bigrams(p.chars)) terms.push_back(std::move(b));
    for (std::string& ch : p.chars) terms.push_back(std::move(ch));
  }
  return terms;
}

std::vector<std::vector<std::string>> searchPhrases(std::string_view text) {
  std::vector<std::vector<std::string>> groups;
  for (Piece& p : pieces(text)) {
    if (p.kind == PieceKind::Word)
      groups.push_back({std::move(p.word)});
    else if (p.chars.size() == 1)
      groups.push_back({std::move(p.chars.front())});
    else
      groups.push_back(bigrams(p.chars));
  }
  return groups;
}

std::vector<std::string> searchTokens(std::string_view text) {
  std::vector<std::string> tokens;
  for (std::vector<std::string>& group : searchPhrases(text))
    for (std::string& t : group)
      if (std::find(tokens.begin(), tokens.end(), t) == tokens.end())
        tokens.push_back(std::move(t));
  return tokens;
}

std::string foldForSearch(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) appendUtf8(out, fold(decodeNext(text, pos)));
  return out;
}

}  // namespace pcs
