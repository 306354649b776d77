#pragma once
// Reading the server's JSON answers and writing request bodies. Readers never throw and never
// assert: a missing member or one of the wrong type reads as the given fallback, so a screen
// shows what it can of an answer from a newer or older server.

// cereal's JSON archive first, so rapidjson is configured here exactly as in
// pcs/serialize.h (which the client also includes): one definition of RAPIDJSON_ASSERT.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cereal/archives/json.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pcs::client {

using JsonValue = rapidjson::Value;

class JsonDoc {
 public:
  bool valid() const { return doc_ && !doc_->HasParseError() && doc_->IsObject(); }
  const JsonValue& root() const { return *doc_; }

 private:
  friend JsonDoc parseJson(std::string_view text);
  std::shared_ptr<rapidjson::Document> doc_;
};

JsonDoc parseJson(std::string_view text);

// The member `name` of `object`, or nullptr when `object` is no object or lacks it (or it is
// null).
const JsonValue* member(const JsonValue& object, const char* name);
std::string str(const JsonValue& object, const char* name, std::string_view fallback = {});
int64_t integer(const JsonValue& object, const char* name, int64_t fallback = 0);
double number(const JsonValue& object, const char* name, double fallback = 0.0);
bool flag(const JsonValue& object, const char* name, bool fallback = false);
// The elements of an array member; empty when absent or not an array.
std::vector<const JsonValue*> items(const JsonValue& object, const char* name);
std::vector<std::string> strings(const JsonValue& object, const char* name);

// Builds one JSON object for a request body.
class JsonBuilder {
 public:
  JsonBuilder();
  JsonBuilder& field(const char* name, std::string_view value);
  JsonBuilder& field(const char* name, int64_t value);
  JsonBuilder& field(const char* name, bool value);
  // Without these, a string literal would pick the bool overload and an int be ambiguous.
  JsonBuilder& field(const char* name, const char* value) {
    return field(name, std::string_view(value));
  }
  JsonBuilder& field(const char* name, const std::string& value) {
    return field(name, std::string_view(value));
  }
  JsonBuilder& field(const char* name, int value) { return field(name, int64_t{value}); }
  // Starts/ends a nested array or object member; inside an array, use value()/beginObject().
  JsonBuilder& beginArray(const char* name);
  JsonBuilder& endArray();
  JsonBuilder& beginObject(const char* name = nullptr);
  JsonBuilder& endObject();
  JsonBuilder& value(std::string_view text);
  std::string finish();

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace pcs::client
