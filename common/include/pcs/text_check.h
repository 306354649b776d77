#pragma once
// Checks of free text typed by staff (reasons, answers, opinions), shared by the case workflow,
// the procedure engine and the server's routes so all refuse the same input with the same words.

#include <cstddef>
#include <string>
#include <string_view>

namespace pcs::text_check {

// Characters that show nothing: spaces of every width, zero-width marks, the BOM.
bool isBlank(char32_t cp);
// Control characters have no place in staff's text; tab and line breaks do.
bool isForbiddenControl(char32_t cp);

// Throws pcs::Error(InvalidInput) naming `what` when `text` is longer than `maxBytes`, holds a
// control character, or (with `required`) shows nothing: "答复投诉人的办理结果不能为空".
void check(const std::string& text, std::string_view what, size_t maxBytes, bool required);

// Trims blanks of every width from both ends (a name typed as "　　" is no name).
std::string trimmed(const std::string& s);

}  // namespace pcs::text_check
