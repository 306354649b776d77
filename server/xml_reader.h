#pragma once
// A small pull reader for the XML parts of an .xlsx (workbook, shared strings, worksheets).
//
// It reads elements, attributes, text, CDATA and the five named and numeric character
// references; it skips the XML declaration, processing instructions and comments. A DOCTYPE is
// refused (no entity definitions, so no entity expansion), as is nesting deeper than 64 and any
// malformed markup: pcs::Error(InvalidInput). Names are matched without their namespace prefix
// ("x:row" is "row"). An empty element <a/> gives a Start and then an End.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pcs::server {

class XmlReader {
 public:
  enum class Kind { Start, End, Text };

  // `xml` must outlive the reader; `part` names the part in error messages.
  XmlReader(std::string_view xml, std::string part);

  // Moves to the next event; false at the end of the document.
  bool next();

  Kind kind() const { return kind_; }
  // The local name of the element (Start and End).
  std::string_view name() const { return name_; }
  // An attribute of the Start element by local name, references decoded.
  std::optional<std::string> attribute(std::string_view localName) const;
  // The decoded text (Text).
  const std::string& text() const { return text_; }
  int depth() const { return static_cast<int>(open_.size()); }

 private:
  [[noreturn]] void fail(const std::string& why) const;
  std::string decode(std::string_view raw) const;

  std::string_view xml_;
  std::string part_;
  size_t pos_ = 0;
  Kind kind_ = Kind::Text;
  std::string_view name_;
  std::string text_;
  std::vector<std::pair<std::string_view, std::string_view>> attrs_;
  std::vector<std::string_view> open_;
  bool pendingEnd_ = false;
};

}  // namespace pcs::server
