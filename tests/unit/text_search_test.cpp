// Chinese full-text tokens (text_search.h): characters, bigrams, ASCII words, folding.
#include "pcs/text_search.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "pcs/utf8.h"

using Tokens = std::vector<std::string>;

namespace {
bool has(const Tokens& tokens, const std::string& t) {
  return std::find(tokens.begin(), tokens.end(), t) != tokens.end();
}
}  // namespace

TEST_CASE("text search: a CJK run is indexed as its bigrams, then its characters") {
  CHECK(pcs::indexTerms("卫生间漏水") ==
        Tokens{"卫生", "生间", "间漏", "漏水", "卫", "生", "间", "漏", "水"});
  CHECK(pcs::indexTerms("水") == Tokens{"水"});
  CHECK(pcs::indexTerms("") == Tokens{});
}

TEST_CASE("text search: ASCII words are lower-cased and split from CJK runs") {
  CHECK(pcs::indexTerms("3号楼 Room12B") == Tokens{"3", "号楼", "号", "楼", "room12b"});
  CHECK(pcs::indexTerms("工单GD2025-001") == Tokens{"工单", "工", "单", "gd2025", "001"});
}

TEST_CASE("text search: punctuation and spaces separate runs and are never indexed") {
  CHECK(pcs::indexTerms("漏水，漏电。") == Tokens{"漏水", "漏", "水", "漏电", "漏", "电"});
  CHECK(pcs::indexTerms("“”！？、（）《》 …—") == Tokens{});
  CHECK(pcs::indexTerms("\"*-() NEAR OR") == Tokens{"near", "or"});
}

TEST_CASE("text search: full-width letters and digits fold to ASCII") {
  CHECK(pcs::indexTerms("３号楼Ａ座") == Tokens{"3", "号楼", "号", "楼", "a", "座"});
  CHECK(pcs::searchTokens("ＧＤ２０２５") == Tokens{"gd2025"});
  CHECK(pcs::foldForSearch("ＡＢｃ１　Ｘ") == "abc1 x");
}

TEST_CASE("text search: a query gives bigrams per run, the character of a 1-char run, words") {
  CHECK(pcs::searchPhrases("漏水") == std::vector<Tokens>{{"漏水"}});
  CHECK(pcs::searchPhrases("卫生间") == std::vector<Tokens>{{"卫生", "生间"}});
  CHECK(pcs::searchPhrases("水") == std::vector<Tokens>{{"水"}});
  CHECK(pcs::searchPhrases("3号楼 漏水") == std::vector<Tokens>{{"3"}, {"号楼"}, {"漏水"}});
  CHECK(pcs::searchTokens("漏水 漏水 水") == Tokens{"漏水", "水"});
  CHECK(pcs::searchPhrases(" ，。!").empty());
}

TEST_CASE("text search: every query token of a substring is an index term of the text") {
  const std::string text = "楼上卫生间漏水，3号楼2单元，物业不处理";
  const Tokens index = pcs::indexTerms(text);
  for (const char* query : {"漏水", "卫生间漏水", "水", "3号楼", "2单元", "物业不处理", "楼上"}) {
    for (const std::string& t : pcs::searchTokens(query)) CHECK_MESSAGE(has(index, t), query);
  }
  CHECK_FALSE(has(index, "漏电"));
}

TEST_CASE("text search: kana, hangul and rare ideographs count as CJK") {
  CHECK(pcs::indexTerms("𠀀𠀁") == Tokens{"𠀀𠀁", "𠀀", "𠀁"});  // extension B
  CHECK(pcs::indexTerms("カナ") == Tokens{"カナ", "カ", "ナ"});
  CHECK(pcs::indexTerms("한글") == Tokens{"한글", "한", "글"});
}

TEST_CASE("text search: invalid UTF-8 separates like punctuation and never crashes") {
  CHECK(pcs::indexTerms(std::string("漏\xff水")) == Tokens{"漏", "水"});
  CHECK(pcs::indexTerms(std::string("ab\xe6\xbc")) == Tokens{"ab"});    // truncated 漏
  CHECK(pcs::indexTerms(std::string("\xc0\xafx")) == Tokens{"x"});      // overlong '/'
  CHECK(pcs::indexTerms(std::string("\xed\xa0\x80y")) == Tokens{"y"});  // a surrogate
  CHECK(pcs::foldForSearch(std::string("a\x80")) == "a\xef\xbf\xbd");
  std::string noise;
  for (int i = 0; i < 2000; ++i) noise += static_cast<char>((i * 131 + 7) & 0xFF);
  CHECK_NOTHROW(pcs::indexTerms(noise));
  CHECK_NOTHROW(pcs::searchPhrases(noise));
}

TEST_CASE("utf8: lengths and prefixes count characters, never bytes") {
  CHECK(pcs::utf8::length("物业abc") == 5);
  CHECK(pcs::utf8::prefix("物业漏水", 2) == "物业");
  CHECK(pcs::utf8::prefix("ab", 5) == "ab");
  CHECK(pcs::utf8::length("\xE7\x89") == 2);  // a truncated character: one per byte
  std::string out;
  pcs::utf8::append(out, U'郭');
  CHECK(out == "郭");
  size_t pos = 0;
  CHECK(pcs::utf8::decodeNext("\xC0\xAF", pos) == pcs::utf8::kReplacement);  // overlong '/'
  CHECK(pos == 1);
}
