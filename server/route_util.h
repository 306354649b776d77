#pragma once
// Small helpers every route file uses: refusing bad input, writing a string member, reading a
// nullable text column, and escaping text for the server-rendered HTML pages; and the shapes
// the record routes share (surveys_routes.cpp, routes_publication.cpp): a numeric id from the
// path, a query parameter, a list of ids read from SQL, and a JSON answer.

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <httplib.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

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

// ---- requests and JSON answers ---------------------------------------------------------------

// The most records a list route answers with; these lists are newest first and not paged (a
// county's surveys and monthly issues stay well below it).
inline constexpr int kListLimit = 200;

// The number at match `i` of the route's pattern (which admits digits only); 400 "bad <what>
// id" when it is too long for an id.
inline int64_t pathNumber(const httplib::Request& req, size_t i, const char* what) {
  const std::string text = req.matches[i];
  if (text.empty() || text.size() > 18) bad(std::string("bad ") + what + " id");
  return std::stoll(text);
}

// The query parameter `name`, or "" when the request has none.
inline std::string queryParam(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

// The query parameter `name` when it is one of `allowed`, or "" when absent; anything else is
// refused with 400 "'state' must be open or closed".
inline std::string choiceParam(const httplib::Request& req, const char* name,
                               std::initializer_list<const char*> allowed) {
  const std::string value = queryParam(req, name);
  if (value.empty()) return value;
  std::string choices;
  size_t i = 0;
  for (const char* a : allowed) {
    if (value == a) return value;
    choices += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
    ++i;
  }
  bad(std::string("'") + name + "' must be " + choices);
}

// The first column of every row `st` gives, as ids.
inline std::vector<int64_t> readIds(SQLite::Statement& st) {
  std::vector<int64_t> ids;
  while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
  return ids;
}

// Answers `status` with the JSON that `write(JsonWriter&)` produces.
template <class Write>
void answerJson(httplib::Response& res, int status, Write&& write) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write(w);
  res.status = status;
  res.set_content(buf.GetString(), "application/json; charset=utf-8");
}

// Answers {"items":[...]}, one element per id written by `writeOne(JsonWriter&, id)`.
template <class WriteOne>
void answerItems(httplib::Response& res, const std::vector<int64_t>& ids, WriteOne&& writeOne) {
  answerJson(res, 200, [&](JsonWriter& w) {
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (int64_t id : ids) writeOne(w, id);
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace pcs::server
