#include "pcs/embedded.h"

namespace pcs {

std::optional<std::string_view> embeddedFile(std::string_view path) {
  for (const EmbeddedFile& f : embeddedFiles())
    if (f.path == path) return f.content;
  return std::nullopt;
}

}  // namespace pcs
