#pragma once
// Reads entries of a ZIP archive held in memory (an uploaded .xlsx), trusting nothing in it.
//
// The central directory is parsed here, every offset and size checked against the buffer. Only
// stored (0) and deflated (8) entries are read, through zlib; encrypted, ZIP64 and multi-disk
// archives are refused. Zip-bomb limits: at most maxEntries entries, at most maxEntryBytes per
// entry and maxTotalBytes over all entries read, and no entry above maxRatio times its
// compressed size once past 1 MiB. Inflation stops at the declared size, so a header that lies
// about the size cannot make it allocate more. Every refusal is pcs::Error(InvalidInput) with a
// Chinese message for the clerk.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pcs::server {

struct ZipLimits {
  size_t maxEntries = 2000;
  size_t maxEntryBytes = 64u << 20;
  size_t maxTotalBytes = 96u << 20;
  size_t maxRatio = 200;
};

class ZipReader {
 public:
  // Reads the central directory; throws when `bytes` is no readable ZIP archive. `bytes` must
  // outlive the reader.
  ZipReader(std::string_view bytes, ZipLimits limits = {});

  // The entry's uncompressed bytes (CRC checked); nullopt when there is no such entry.
  std::optional<std::string> read(std::string_view name);

 private:
  struct Entry {
    std::string name;
    uint16_t method = 0, flags = 0;
    uint32_t crc = 0;
    uint64_t compressed = 0, size = 0, localOffset = 0;
  };
  const Entry* find(std::string_view name) const;

  std::string_view bytes_;
  ZipLimits limits_;
  std::vector<Entry> entries_;
  size_t totalRead_ = 0;
};

}  // namespace pcs::server
