#pragma once
// A table of an enum's stable keys and Chinese names, and the three lookups every such enum
// needs (key of a value, Chinese name of a value, value of a key).

#include <optional>
#include <span>
#include <string_view>

namespace pcs {

template <class E>
struct EnumName {
  E value;
  const char* key;
  const char* zh;
};

template <class E>
const char* enumKey(std::span<const EnumName<E>> table, E v) {
  for (const EnumName<E>& n : table)
    if (n.value == v) return n.key;
  return "";
}

template <class E>
const char* enumZh(std::span<const EnumName<E>> table, E v) {
  for (const EnumName<E>& n : table)
    if (n.value == v) return n.zh;
  return "";
}

template <class E>
std::optional<E> enumFromKey(std::span<const EnumName<E>> table, std::string_view key) {
  for (const EnumName<E>& n : table)
    if (key == n.key) return n.value;
  return std::nullopt;
}

}  // namespace pcs
