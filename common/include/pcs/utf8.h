#pragma once
// UTF-8 for the domain: names, addresses and complaints are Chinese, so anything that counts,
// masks, cuts or indexes characters works on code points, never on bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace pcs::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `pos` and advances past it. Malformed input (a stray continuation
// byte, a truncated sequence, an overlong form, a surrogate, a value past U+10FFFF) gives
// U+FFFD and advances one byte, so decoding always makes progress. Precondition: pos < s.size().
char32_t decodeNext(std::string_view s, size_t& pos);

// Appends the UTF-8 encoding of `cp` (a valid scalar value).
void append(std::string& out, char32_t cp);

// The number of code points (malformed bytes count one each).
size_t length(std::string_view s);

// At most `maxChars` code points from the start, never splitting a character.
std::string_view prefix(std::string_view s, size_t maxChars);

}  // namespace pcs::utf8
