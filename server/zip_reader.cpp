#include "zip_reader.h"

#include <zlib.h>

#include "pcs/error.h"

namespace pcs::server {
namespace {

[[noreturn]] void bad(const std::string& why) {
  throw Error(ErrorCode::InvalidInput, "文件不是有效的 xlsx（ZIP）文件：" + why);
}

uint32_t u16(std::string_view b, size_t at) {
  return static_cast<uint8_t>(b[at]) | static_cast<uint8_t>(b[at + 1]) << 8;
}
uint32_t u32(std::string_view b, size_t at) {
  return u16(b, at) | u16(b, at + 2) << 16;
}

constexpr uint32_t kEndSig = 0x06054b50, kDirSig = 0x02014b50, kLocalSig = 0x04034b50;
constexpr size_t kEndSize = 22, kDirSize = 46, kLocalSize = 30;

}  // namespace

ZipReader::ZipReader(std::string_view bytes, ZipLimits limits) : bytes_(bytes), limits_(limits) {
  if (bytes.size() < 4 || u32(bytes, 0) != kLocalSig) bad("缺少 ZIP 文件头");
  if (bytes.size() < kEndSize) bad("找不到中央目录");
  // The end record sits in the last 22 bytes plus a comment of at most 65,535 bytes.
  size_t end = std::string_view::npos;
  const size_t lowest = bytes.size() > kEndSize + 0xFFFF ? bytes.size() - kEndSize - 0xFFFF : 0;
  for (size_t at = bytes.size() - kEndSize + 1; at-- > lowest;)
    if (u32(bytes, at) == kEndSig) {
      end = at;
      break;
    }
  if (end == std::string_view::npos) bad("找不到中央目录");
  if (u16(bytes, end + 4) != 0 || u16(bytes, end + 6) != 0) bad("不支持分卷压缩");
  const size_t count = u16(bytes, end + 10);
  const uint64_t dirSize = u32(bytes, end + 12), dirOffset = u32(bytes, end + 16);
  if (count == 0xFFFF || dirOffset == 0xFFFFFFFF) bad("不支持 ZIP64");
  if (count > limits_.maxEntries) bad("条目过多（" + std::to_string(count) + "）");
  if (dirOffset + dirSize > end) bad("中央目录越界");

  size_t at = dirOffset;
  for (size_t i = 0; i < count; ++i) {
    if (at + kDirSize > end || u32(bytes, at) != kDirSig) bad("中央目录损坏");
    Entry e;
    e.flags = static_cast<uint16_t>(u16(bytes, at + 8));
    e.method = static_cast<uint16_t>(u16(bytes, at + 10));
    e.crc = u32(bytes, at + 16);
    e.compressed = u32(bytes, at + 20);
    e.size = u32(bytes, at + 24);
    const size_t nameLen = u16(bytes, at + 28), extraLen = u16(bytes, at + 30),
                 commentLen = u16(bytes, at + 32);
    e.localOffset = u32(bytes, at + 42);
    if (e.compressed == 0xFFFFFFFF || e.size == 0xFFFFFFFF || e.localOffset == 0xFFFFFFFF)
      bad("不支持 ZIP64");
    if (at + kDirSize + nameLen + extraLen + commentLen > end) bad("中央目录越界");
    e.name = std::string(bytes.substr(at + kDirSize, nameLen));
    at += kDirSize + nameLen + extraLen + commentLen;
    entries_.push_back(std::move(e));
  }
}

const ZipReader::Entry* ZipReader::find(std::string_view name) const {
  for (const Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::optional<std::string> ZipReader::read(std::string_view name) {
  const Entry* found = find(name);
  if (!found) return std::nullopt;
  const Entry& e = *found;
  const std::string label = "“" + e.name + "”";
  if (e.flags & 1) bad(label + "已加密");
  if (e.method != 0 && e.method != 8)
    bad(label + "使用了不支持的压缩方式 " + std::to_string(e.method));
  if (e.size > limits_.maxEntryBytes)
    bad(label + "解压后过大（" + std::to_string(e.size) + " 字节）");
  if (totalRead_ + e.size > limits_.maxTotalBytes) bad("解压后总大小超出上限");
  if (e.size > (1u << 20) && e.size > e.compressed * limits_.maxRatio)
    bad(label + "压缩比异常（疑似压缩炸弹）");

  const size_t local = e.localOffset;
  if (local + kLocalSize > bytes_.size() || u32(bytes_, local) != kLocalSig)
    bad(label + "的本地文件头损坏");
  const size_t dataAt = local + kLocalSize + u16(bytes_, local + 26) + u16(bytes_, local + 28);
  if (dataAt > bytes_.size() || e.compressed > bytes_.size() - dataAt) bad(label + "数据越界");
  const std::string_view data = bytes_.substr(dataAt, e.compressed);

  std::string out;
  if (e.method == 0) {
    if (e.compressed != e.size) bad(label + "大小不一致");
    out.assign(data);
  } else {
    out.resize(e.size);
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) bad("zlib 初始化失败");
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_FINISH);
    // One byte more room would show whether the stream goes on past the declared size.
    const bool ended = rc == Z_STREAM_END;
    const size_t produced = z.total_out;
    inflateEnd(&z);
    if (!ended || produced != e.size) bad(label + "解压后大小与声明不符（疑似压缩炸弹或文件损坏）");
  }
  if (crc32(0L, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())) != e.crc)
    bad(label + "校验失败（文件损坏）");
  totalRead_ += out.size();
  return out;
}

}  // namespace pcs::server
