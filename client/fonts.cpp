#include "fonts.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "font_glyphs.h"

namespace pcs::client {
namespace {

uint16_t readU16(const std::vector<unsigned char>& b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

uint32_t readU32(const std::vector<unsigned char>& b, size_t at) {
  return static_cast<uint32_t>(readU16(b, at)) << 16 | readU16(b, at + 2);
}

// Where an OpenType table starts in a single-face font file; 0 when it is absent.
size_t findTable(const std::vector<unsigned char>& font, const char (&tag)[5]) {
  constexpr size_t kHeaderSize = 12, kRecordSize = 16;
  if (font.size() < kHeaderSize) return 0;
  const size_t tables = readU16(font, 4);
  for (size_t i = 0; i < tables; ++i) {
    const size_t record = kHeaderSize + i * kRecordSize;
    if (record + kRecordSize > font.size()) return 0;
    if (std::equal(tag, tag + 4, font.begin() + static_cast<std::ptrdiff_t>(record))) {
      return readU32(font, record + 8);
    }
  }
  return 0;
}

// ImGui (stb_truetype) sizes a font by ascender - descender from 'hhea'; CSS sizes it by the
// em. Returns that line height in ems (1.448 for Noto Sans CJK), or 1 when unreadable.
float lineHeightPerEm(const std::vector<unsigned char>& font) {
  const size_t head = findTable(font, "head");
  const size_t hhea = findTable(font, "hhea");
  if (head == 0 || hhea == 0 || head + 20 > font.size() || hhea + 8 > font.size()) {
    std::fprintf(stderr, "fonts: no head/hhea table; text will be drawn smaller\n");
    return 1.0f;
  }
  const int unitsPerEm = readU16(font, head + 18);
  const int ascender = static_cast<int16_t>(readU16(font, hhea + 4));
  const int descender = static_cast<int16_t>(readU16(font, hhea + 6));
  if (unitsPerEm <= 0 || ascender <= descender) return 1.0f;
  return static_cast<float>(ascender - descender) / static_cast<float>(unitsPerEm);
}

}  // namespace

Fonts::Fonts(std::vector<unsigned char> fontBytes, std::string headingText)
    : bytes_(std::move(fontBytes)),
      lineHeightPerEm_(lineHeightPerEm(bytes_)),
      headingText_(std::move(headingText)) {}

bool Fonts::buildFor(float pixelRatio) {
  const float scale = std::clamp(pixelRatio, 1.0f, kMaxAtlasScale);
  if (scale == atlasScale_) return false;
  if (bytes_.empty()) throw std::runtime_error("字体文件为空");

  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  atlas.Clear();
  // WebGL2 takes any texture height, so the atlas need not round up to a power of two, and a
  // wide texture keeps its height under the limit (see kMaxAtlasScale).
  atlas.Flags |= ImFontAtlasFlags_NoPowerOfTwoHeight;
  atlas.TexDesiredWidth = 4096;

  // One face, two sizes. Pixel-sized fonts need no oversampling: glyphs are drawn at the size
  // they were rasterised, on whole pixels.
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // bytes_ outlives the atlas and serves rebuilds
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  const auto size = [&](float cssEm) { return std::round(cssEm * lineHeightPerEm_ * scale); };

  std::snprintf(config.Name, sizeof config.Name, "Noto Sans CJK SC %.0fpx", size(kBodySize));
  body_ = atlas.AddFontFromMemoryTTF(bytes_.data(), static_cast<int>(bytes_.size()),
                                     size(kBodySize), &config, kFontGlyphRanges);

  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(atlas.GetGlyphRangesDefault());  // ASCII, for digits and the version
  builder.AddText(headingText_.c_str());
  headingRanges_.clear();
  builder.BuildRanges(&headingRanges_);
  std::snprintf(config.Name, sizeof config.Name, "Noto Sans CJK SC %.0fpx", size(kHeadingSize));
  heading_ = atlas.AddFontFromMemoryTTF(bytes_.data(), static_cast<int>(bytes_.size()),
                                        size(kHeadingSize), &config, headingRanges_.Data);

  if (!body_ || !heading_ || !atlas.Build()) throw std::runtime_error("字体文件无法读取");
  atlasScale_ = scale;
  std::printf("fonts: %d glyph code points, atlas %dx%d for pixel ratio %.2f\n", kFontGlyphCount,
              atlas.TexWidth, atlas.TexHeight, scale);
  return true;
}

}  // namespace pcs::client
