#pragma once
// Reading JSON request bodies with messages that say exactly what was wrong. Every accessor
// throws pcs::Error(InvalidInput) naming the field; nothing is silently defaulted unless the
// caller asked for an optional field.

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pcs::server {

// Largest JSON body any endpoint accepts; larger bodies are refused before parsing.
inline constexpr size_t kMaxJsonBody = 1 << 20;
// Deepest nesting of arrays and objects any endpoint accepts.
inline constexpr int kMaxJsonDepth = 16;

class JsonBody {
 public:
  // Parses `body`; throws when it is empty, too large, not JSON, or not an object.
  // `maxBytes`: the largest body this endpoint takes (bulk endpoints take more than the default).
  explicit JsonBody(std::string_view body, size_t maxBytes = kMaxJsonBody);

  bool has(const char* name) const;
  std::string string(const char* name, size_t maxBytes = 4000) const;
  std::optional<std::string> optString(const char* name, size_t maxBytes = 4000) const;
  int64_t integer(const char* name, int64_t lo, int64_t hi) const;
  std::optional<int64_t> optInteger(const char* name, int64_t lo, int64_t hi) const;
  bool boolean(const char* name) const;
  std::optional<bool> optBoolean(const char* name) const;
  std::vector<std::string> strings(const char* name, size_t maxItems, size_t maxBytes = 200) const;
  // Each element of an array of objects; empty when absent.
  std::vector<JsonBody> objects(const char* name, size_t maxItems) const;

 private:
  JsonBody(std::shared_ptr<rapidjson::Document> doc, const rapidjson::Value& object,
           std::string path);
  const rapidjson::Value& get(const char* name) const;
  const rapidjson::Value* find(const char* name) const;
  std::string where(const char* name) const;

  std::shared_ptr<rapidjson::Document> doc_;  // owns the parsed tree
  const rapidjson::Value* object_ = nullptr;
  std::string path_;
};

}  // namespace pcs::server
