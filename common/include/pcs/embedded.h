#pragma once
// Data files compiled into every binary (see common/embed_data.cmake).

#include <optional>
#include <string_view>
#include <vector>

namespace pcs {

struct EmbeddedFile {
  std::string_view path;  // relative to common/data, e.g. "calendar/2025.txt"
  std::string_view content;
};

// All embedded files, sorted by path.
const std::vector<EmbeddedFile>& embeddedFiles();

// The content of one embedded file, or nullopt when there is no such file.
std::optional<std::string_view> embeddedFile(std::string_view path);

}  // namespace pcs
