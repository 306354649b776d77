#pragma once
// Full-text search in Chinese without a word segmenter: text is cut into characters and
// overlapping pairs of characters (bigrams), so any substring of the text can be found
// without knowing where its words begin and end. Pure code, shared by the server (which indexes
// and queries) and the client (which highlights what a search matched).
//
// What counts as what, after full-width ASCII (Ａ, ３, ＃ ...) is folded to ASCII:
//   - CJK characters (Han ideographs, kana, hangul) form runs; a run is indexed as its bigrams
//     and its single characters.
//   - ASCII letters and digits form words, lower-cased.
//   - Everything else - spaces, punctuation, other scripts, bytes that are not valid UTF-8 -
//     separates runs and words and is never indexed.
// So "3号楼卫生间漏水" is indexed as: 3 | 号楼 楼卫 卫生 生间 间漏 漏水 | 号 楼 卫 生 间 漏 水.

#include <string>
#include <string_view>
#include <vector>

namespace pcs {

// The terms to index for `text`, in this order per run: the bigrams of a CJK run left to right,
// then its single characters; a word is one term. Within one CJK run the bigrams are therefore
// consecutive, which lets a query ask for them as a phrase (searchPhrases).
std::vector<std::string> indexTerms(std::string_view text);

// What a query must match, one group per CJK run or word of the query, in query order:
// a CJK run of two or more characters gives its bigrams (which must appear consecutively in
// indexTerms() of a matching text), a one-character run gives that character, a word gives the
// lower-cased word. A text matches when every group matches.
std::vector<std::vector<std::string>> searchPhrases(std::string_view text);

// The tokens of searchPhrases() flattened, without repeats, in first-seen order: what to
// highlight in a matching text (each token is a substring of foldForSearch(text)).
std::vector<std::string> searchTokens(std::string_view text);

// `text` with full-width ASCII folded to ASCII and ASCII letters lower-cased; invalid UTF-8
// bytes become U+FFFD. Highlighting compares searchTokens() against this form.
std::string foldForSearch(std::string_view text);

}  // namespace pcs
