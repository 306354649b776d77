#include "json_body.h"

#include <rapidjson/error/en.h>

#include "pcs/error.h"

namespace pcs::server {
namespace {
[[noreturn]] void bad(const std::string& message) {
  throw Error(ErrorCode::InvalidInput, message);
}
}  // namespace

JsonBody::JsonBody(std::string_view body, size_t maxBytes)
    : doc_(std::make_shared<rapidjson::Document>()) {
  if (body.empty()) bad("the request needs a JSON body");
  if (body.size() > maxBytes)
    bad("the JSON body is larger than " + std::to_string(maxBytes) + " bytes");
  // Refuse deep nesting before parsing: no request needs more than a few levels, and a body of
  // 150,000 '[' once overflowed the parser's stack and killed the server.
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char ch = body[i];
    if (inString) {
      if (ch == '\\')
        ++i;
      else if (ch == '"')
        inString = false;
    } else if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > kMaxJsonDepth)
        bad("the JSON body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  // Validate the encoding: a string with broken UTF-8 would be stored and shown broken. The
  // iterative parser uses no recursion, as a second line of defence.
  doc_->Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseStopWhenDoneFlag |
              rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc_->HasParseError())
    bad(std::string("the body is not valid JSON: ") +
        rapidjson::GetParseError_En(doc_->GetParseError()) + " at byte " +
        std::to_string(doc_->GetErrorOffset()));
  if (!doc_->IsObject()) bad("the JSON body must be an object {...}");
  object_ = doc_.get();
}

JsonBody::JsonBody(std::shared_ptr<rapidjson::Document> doc, const rapidjson::Value& object,
                   std::string path)
    : doc_(std::move(doc)), object_(&object), path_(std::move(path)) {}

std::string JsonBody::where(const char* name) const {
  return "'" + (path_.empty() ? std::string() : path_ + ".") + name + "'";
}

const rapidjson::Value* JsonBody::find(const char* name) const {
  auto it = object_->FindMember(name);
  if (it == object_->MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

const rapidjson::Value& JsonBody::get(const char* name) const {
  const rapidjson::Value* v = find(name);
  if (!v) bad("missing field " + where(name));
  return *v;
}

bool JsonBody::has(const char* name) const {
  return find(name) != nullptr;
}

std::optional<std::string> JsonBody::optString(const char* name, size_t maxBytes) const {
  const rapidjson::Value* v = find(name);
  if (!v) return std::nullopt;
  if (!v->IsString()) bad(where(name) + " must be a string");
  std::string s(v->GetString(), v->GetStringLength());
  if (s.size() > maxBytes)
    bad(where(name) + " is longer than " + std::to_string(maxBytes) + " bytes");
  if (s.find('\0') != std::string::npos) bad(where(name) + " contains a NUL character");
  return s;
}

std::string JsonBody::string(const char* name, size_t maxBytes) const {
  get(name);
  return *optString(name, maxBytes);
}

std::optional<int64_t> JsonBody::optInteger(const char* name, int64_t lo, int64_t hi) const {
  const rapidjson::Value* v = find(name);
  if (!v) return std::nullopt;
  if (!v->IsInt64()) bad(where(name) + " must be a whole number");
  const int64_t n = v->GetInt64();
  if (n < lo || n > hi)
    bad(where(name) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  return n;
}

int64_t JsonBody::integer(const char* name, int64_t lo, int64_t hi) const {
  get(name);
  return *optInteger(name, lo, hi);
}

std::optional<bool> JsonBody::optBoolean(const char* name) const {
  const rapidjson::Value* v = find(name);
  if (!v) return std::nullopt;
  if (!v->IsBool()) bad(where(name) + " must be true or false");
  return v->GetBool();
}

bool JsonBody::boolean(const char* name) const {
  get(name);
  return *optBoolean(name);
}

std::vector<std::string> JsonBody::strings(const char* name, size_t maxItems,
                                           size_t maxBytes) const {
  std::vector<std::string> out;
  const rapidjson::Value* v = find(name);
  if (!v) return out;
  if (!v->IsArray()) bad(where(name) + " must be an array of strings");
  if (v->Size() > maxItems)
    bad(where(name) + " has more than " + std::to_string(maxItems) + " items");
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) bad(where(name) + " must contain only strings");
    std::string s(item.GetString(), item.GetStringLength());
    if (s.size() > maxBytes || s.find('\0') != std::string::npos)
      bad(where(name) + " has an item that is too long or contains NUL");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<JsonBody> JsonBody::objects(const char* name, size_t maxItems) const {
  std::vector<JsonBody> out;
  const rapidjson::Value* v = find(name);
  if (!v) return out;
  if (!v->IsArray()) bad(where(name) + " must be an array of objects");
  if (v->Size() > maxItems)
    bad(where(name) + " has more than " + std::to_string(maxItems) + " items");
  size_t i = 0;
  for (const auto& item : v->GetArray()) {
    const std::string path =
        (path_.empty() ? "" : path_ + ".") + name + "[" + std::to_string(i++) + "]";
    if (!item.IsObject()) bad("'" + path + "' must be an object");
    out.push_back(JsonBody(doc_, item, path));
  }
  return out;
}

}  // namespace pcs::server
