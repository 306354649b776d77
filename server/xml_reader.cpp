#include "xml_reader.h"

#include "pcs/error.h"
#include "pcs/utf8.h"

namespace pcs::server {
namespace {

constexpr size_t kMaxDepth = 64;

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool isNameChar(char c) {
  return !isSpace(c) && c != '>' && c != '/' && c != '=' && c != '<' && c != '"' && c != '\'';
}
std::string_view local(std::string_view name) {
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

}  // namespace

XmlReader::XmlReader(std::string_view xml, std::string part) : xml_(xml), part_(std::move(part)) {}

void XmlReader::fail(const std::string& why) const {
  throw Error(ErrorCode::InvalidInput, "xlsx 文件中的 " + part_ + " 无法读取：" + why + "（位置 " +
                                           std::to_string(pos_) + "）");
}

std::string XmlReader::decode(std::string_view raw) const {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    const size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) fail("不完整的字符引用");
    const std::string_view ref = raw.substr(i + 1, semi - i - 1);
    if (ref == "lt")
      out += '<';
    else if (ref == "gt")
      out += '>';
    else if (ref == "amp")
      out += '&';
    else if (ref == "quot")
      out += '"';
    else if (ref == "apos")
      out += '\'';
    else if (ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      const std::string digits(ref.substr(hex ? 2 : 1));
      if (digits.empty()) fail("空的字符引用");
      char* endp = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &endp, hex ? 16 : 10);
      if (*endp != '\0' || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        fail("无效的字符引用 &" + std::string(ref) + ";");
      utf8::append(out, static_cast<char32_t>(cp));
    } else {
      fail("未定义的实体 &" + std::string(ref) + ";");
    }
    i = semi;
  }
  return out;
}

bool XmlReader::next() {
  if (pendingEnd_) {
    pendingEnd_ = false;
    kind_ = Kind::End;
    open_.pop_back();
    return true;
  }
  while (pos_ < xml_.size()) {
    if (xml_[pos_] != '<') {
      const size_t lt = xml_.find('<', pos_);
      const size_t stop = lt == std::string_view::npos ? xml_.size() : lt;
      const std::string_view raw = xml_.substr(pos_, stop - pos_);
      pos_ = stop;
      if (open_.empty()) continue;  // blanks outside the root
      kind_ = Kind::Text;
      text_ = decode(raw);
      return true;
    }
    const std::string_view rest = xml_.substr(pos_);
    if (rest.starts_with("<?")) {
      const size_t e = xml_.find("?>", pos_);
      if (e == std::string_view::npos) fail("未结束的处理指令");
      pos_ = e + 2;
      continue;
    }
    if (rest.starts_with("<!--")) {
      const size_t e = xml_.find("-->", pos_);
      if (e == std::string_view::npos) fail("未结束的注释");
      pos_ = e + 3;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      const size_t e = xml_.find("]]>", pos_);
      if (e == std::string_view::npos) fail("未结束的 CDATA");
      if (open_.empty()) fail("根元素外的 CDATA");
      kind_ = Kind::Text;
      text_ = std::string(xml_.substr(pos_ + 9, e - pos_ - 9));
      pos_ = e + 3;
      return true;
    }
    if (rest.starts_with("<!")) fail("不支持 DOCTYPE 等声明");
    if (rest.starts_with("</")) {
      size_t i = pos_ + 2;
      while (i < xml_.size() && isNameChar(xml_[i])) ++i;
      const std::string_view name = xml_.substr(pos_ + 2, i - pos_ - 2);
      while (i < xml_.size() && isSpace(xml_[i])) ++i;
      if (i >= xml_.size() || xml_[i] != '>') fail("结束标签不完整");
      if (open_.empty() || open_.back() != name)
        fail("结束标签 </" + std::string(name) + "> 不匹配");
      pos_ = i + 1;
      open_.pop_back();
      kind_ = Kind::End;
      name_ = local(name);
      return true;
    }
    // A start tag with attributes.
    size_t i = pos_ + 1;
    while (i < xml_.size() && isNameChar(xml_[i])) ++i;
    const std::string_view name = xml_.substr(pos_ + 1, i - pos_ - 1);
    if (name.empty()) fail("缺少元素名");
    attrs_.clear();
    bool empty = false;
    for (;;) {
      while (i < xml_.size() && isSpace(xml_[i])) ++i;
      if (i >= xml_.size()) fail("开始标签不完整");
      if (xml_[i] == '>') {
        ++i;
        break;
      }
      if (xml_[i] == '/') {
        if (i + 1 >= xml_.size() || xml_[i + 1] != '>') fail("开始标签不完整");
        empty = true;
        i += 2;
        break;
      }
      const size_t a = i;
      while (i < xml_.size() && isNameChar(xml_[i])) ++i;
      const std::string_view attr = xml_.substr(a, i - a);
      while (i < xml_.size() && isSpace(xml_[i])) ++i;
      if (attr.empty() || i >= xml_.size() || xml_[i] != '=') fail("属性格式错误");
      ++i;
      while (i < xml_.size() && isSpace(xml_[i])) ++i;
      if (i >= xml_.size() || (xml_[i] != '"' && xml_[i] != '\'')) fail("属性值缺少引号");
      const char quote = xml_[i];
      const size_t close = xml_.find(quote, i + 1);
      if (close == std::string_view::npos) fail("属性值未结束");
      attrs_.emplace_back(local(attr), xml_.substr(i + 1, close - i - 1));
      i = close + 1;
    }
    pos_ = i;
    if (open_.size() >= kMaxDepth) fail("嵌套过深");
    open_.push_back(name);
    kind_ = Kind::Start;
    name_ = local(name);
    pendingEnd_ = empty;
    return true;
  }
  if (!open_.empty()) fail("文档未结束");
  return false;
}

std::optional<std::string> XmlReader::attribute(std::string_view localName) const {
  for (const auto& [k, v] : attrs_)
    if (k == localName) return decode(v);
  return std::nullopt;
}

}  // namespace pcs::server
