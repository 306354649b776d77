#include "pcs/text_check.h"

#include "pcs/error.h"
#include "pcs/utf8.h"

namespace pcs::text_check {

bool isBlank(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x00A0 || cp == 0x3000 ||
         (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

bool isForbiddenControl(char32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7F ||
         (cp >= 0x80 && cp < 0xA0);
}

void check(const std::string& text, std::string_view what, size_t maxBytes, bool required) {
  const std::string name(what);
  if (text.size() > maxBytes)
    throw Error(ErrorCode::InvalidInput,
                name + "过长（不超过" + std::to_string(maxBytes) + "字节）");
  bool visible = false;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::decodeNext(text, pos);
    if (isForbiddenControl(cp))
      throw Error(ErrorCode::InvalidInput, name + "含有控制字符，请删除后重试");
    visible |= !isBlank(cp);
  }
  if (required && !visible) throw Error(ErrorCode::InvalidInput, name + "不能为空");
}

std::string trimmed(const std::string& s) {
  size_t begin = 0, end = s.size();
  for (size_t pos = 0; pos < s.size();) {
    const size_t at = pos;
    if (!isBlank(utf8::decodeNext(s, pos))) {
      begin = at;
      break;
    }
    begin = pos;
  }
  for (size_t pos = begin; pos < s.size();) {
    if (!isBlank(utf8::decodeNext(s, pos))) end = pos;
  }
  return end > begin ? s.substr(begin, end - begin) : std::string();
}

}  // namespace pcs::text_check
