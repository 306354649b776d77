#pragma once
// Small helpers every route file uses: refusing bad input, writing a string member, reading a
// nullable text column, and escaping text for the server-rendered HTML pages.

#include <SQLiteCpp/Column.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "pcs/error.h"

namespace pcs::server {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Refuses the request with 400 and `message` (see json.h for the mapping).
[[noreturn]] inline void bad(const std::string& message) {
  throw Error(ErrorCode::InvalidInput, message);
}

// Writes the member `key` with a string value (embedded NULs and all).
inline void str(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

// A TEXT column that may be NULL, as "" when it is.
inline std::string textOrEmpty(const SQLite::Column& column) {
  return column.isNull() ? "" : column.getString();
}

// `text` safe inside HTML element content and quoted attribute values.
inline std::string htmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace pcs::server
