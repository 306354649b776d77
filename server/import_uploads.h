#pragma once
// Ledger files uploaded for import (.xlsx, .csv): upload, look at the detected header and the
// proposed column mapping with a converted preview, then run the import (POST /cases/import's
// rules, ledger_import.h) with the mapping the clerk confirmed. docs/api.md, "Imports".
//
// An upload is kept in import_uploads (migration 2) as the file's bytes, for its uploader only,
// until kUploadLifetimeSeconds after the upload; expired uploads are deleted whenever anyone
// uploads, and a user keeps at most kMaxUploadsPerUser (the oldest goes). The file is read when
// it is uploaded, so a file that cannot be read is refused and nothing is stored.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth.h"
#include "ledger_import.h"

namespace pcs::server {

class App;

inline constexpr size_t kMaxUploadBytes = 8u << 20;
inline constexpr int64_t kUploadLifetimeSeconds = 24 * 3600;
inline constexpr int kMaxUploadsPerUser = 10;
inline constexpr size_t kPreviewRows = 10;

// Stores the file and answers its view (as uploadView). `name` is the file's name, the import's
// source; `sheet` an xlsx sheet name (empty: the first).
std::string createUpload(App& app, const CurrentUser& user, std::string_view name,
                         std::string_view sheet, std::string_view bytes);

// The upload's header row, columns, proposed mapping and a converted, validated preview.
// `headerRow` overrides the detected header row. pcs::Error(NotFound) for another user's or an
// expired upload.
std::string uploadView(App& app, const CurrentUser& user, const std::string& id,
                       std::string_view sheet, std::optional<int64_t> headerRow);

// Runs the import with the mapping in `body` (docs/api.md) and answers the report.
std::string runUpload(App& app, const CurrentUser& user, const std::string& id,
                      std::string_view body, const ImportHooks& hooks = {});

}  // namespace pcs::server
