#include "json_util.h"

namespace pcs::client {

JsonDoc parseJson(std::string_view text) {
  JsonDoc doc;
  doc.doc_ = std::make_shared<rapidjson::Document>();
  doc.doc_->Parse(text.data(), text.size());
  return doc;
}

const JsonValue* member(const JsonValue& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

std::string str(const JsonValue& object, const char* name, std::string_view fallback) {
  const JsonValue* v = member(object, name);
  if (!v || !v->IsString()) return std::string(fallback);
  return std::string(v->GetString(), v->GetStringLength());
}

int64_t integer(const JsonValue& object, const char* name, int64_t fallback) {
  const JsonValue* v = member(object, name);
  if (!v) return fallback;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsNumber()) return static_cast<int64_t>(v->GetDouble());
  return fallback;
}

double number(const JsonValue& object, const char* name, double fallback) {
  const JsonValue* v = member(object, name);
  return v && v->IsNumber() ? v->GetDouble() : fallback;
}

bool flag(const JsonValue& object, const char* name, bool fallback) {
  const JsonValue* v = member(object, name);
  return v && v->IsBool() ? v->GetBool() : fallback;
}

std::vector<const JsonValue*> items(const JsonValue& object, const char* name) {
  std::vector<const JsonValue*> out;
  const JsonValue* v = member(object, name);
  if (!v || !v->IsArray()) return out;
  out.reserve(v->Size());
  for (const JsonValue& item : v->GetArray()) out.push_back(&item);
  return out;
}

std::vector<std::string> strings(const JsonValue& object, const char* name) {
  std::vector<std::string> out;
  for (const JsonValue* item : items(object, name))
    if (item->IsString()) out.emplace_back(item->GetString(), item->GetStringLength());
  return out;
}

JsonBuilder::JsonBuilder() : writer_(buffer_) {
  writer_.StartObject();
}

JsonBuilder& JsonBuilder::field(const char* name, std::string_view value) {
  writer_.Key(name);
  writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  return *this;
}

JsonBuilder& JsonBuilder::field(const char* name, int64_t value) {
  writer_.Key(name);
  writer_.Int64(value);
  return *this;
}

JsonBuilder& JsonBuilder::field(const char* name, bool value) {
  writer_.Key(name);
  writer_.Bool(value);
  return *this;
}

JsonBuilder& JsonBuilder::beginArray(const char* name) {
  writer_.Key(name);
  writer_.StartArray();
  return *this;
}

JsonBuilder& JsonBuilder::endArray() {
  writer_.EndArray();
  return *this;
}

JsonBuilder& JsonBuilder::beginObject(const char* name) {
  if (name) writer_.Key(name);
  writer_.StartObject();
  return *this;
}

JsonBuilder& JsonBuilder::endObject() {
  writer_.EndObject();
  return *this;
}

JsonBuilder& JsonBuilder::value(std::string_view text) {
  writer_.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return *this;
}

std::string JsonBuilder::finish() {
  writer_.EndObject();
  return std::string(buffer_.GetString(), buffer_.GetSize());
}

}  // namespace pcs::client
