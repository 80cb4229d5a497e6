// SealPicture: round and square seal pictures drawn with cairo + pango in seal red on a
// transparent ARGB32 surface, written to PNG in memory; uploaded PNGs checked by their bytes.
#include "trust/seal_picture.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <vector>

#include <cairo.h>
#include <pango/pangocairo.h>

namespace wangban::kernel {
namespace {

// ---- RAII for the C objects -------------------------------------------------------------------

template <auto destroy>
struct Destroy {
  template <class T>
  void operator()(T* p) const noexcept { destroy(p); }
};
using Surface = std::unique_ptr<cairo_surface_t, Destroy<cairo_surface_destroy>>;
using Cairo = std::unique_ptr<cairo_t, Destroy<cairo_destroy>>;
using Pattern = std::unique_ptr<cairo_pattern_t, Destroy<cairo_pattern_destroy>>;
using FontOptions = std::unique_ptr<cairo_font_options_t, Destroy<cairo_font_options_destroy>>;
using FontDescription = std::unique_ptr<PangoFontDescription, Destroy<pango_font_description_free>>;
template <class T>
using GObject = std::unique_ptr<T, Destroy<g_object_unref>>;

// ---- Sizes and colours ------------------------------------------------------------------------

constexpr double kPi = std::numbers::pi;
constexpr double kPxPerMm = 300.0 / 25.4;                  // 300 dpi
constexpr int kRoundSealPx = 472;                           // 40 mm
constexpr int kNameSealPx = 236;                            // 20 mm
constexpr double kRed = 0xE6 / 255.0, kGreen = 0x00 / 255.0, kBlue = 0x12 / 255.0;  // seal red #E60012
constexpr const char* kSerif = "Noto Serif CJK SC";         // names (a Song-style face, as seals use)
constexpr const char* kSans = "Noto Sans CJK SC";           // the code's digits
// The ideographic em box of the Noto CJK fonts lies from 0.88 em above the baseline to 0.12 em below.
constexpr double kEmAboveBaseline = 0.88;

// ---- Text as characters -----------------------------------------------------------------------

std::string_view trim(std::string_view s) {
  auto blank_at_front = [&] {
    if (s.empty()) return size_t{0};
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r') return size_t{1};
    if (s.substr(0, 3) == "\xE3\x80\x80") return size_t{3};  // U+3000 ideographic space
    return size_t{0};
  };
  auto blank_at_back = [&] {
    if (s.empty()) return size_t{0};
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r') return size_t{1};
    if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") return size_t{3};
    return size_t{0};
  };
  for (size_t n; (n = blank_at_front()) > 0;) s.remove_prefix(n);
  for (size_t n; (n = blank_at_back()) > 0;) s.remove_suffix(n);
  return s;
}

struct Character {
  std::string utf8;
  char32_t code_point = 0;
};

// Splits UTF-8 into characters (code points), refusing malformed UTF-8 and control characters.
std::vector<Character> characters(std::string_view text, const std::string& what) {
  std::vector<Character> out;
  auto bad = [&] { return std::invalid_argument(what + "不是有效的 UTF-8 文字"); };
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) throw bad();
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) throw bad();
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallest[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw bad();
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) throw std::invalid_argument(what + "中不能有控制字符");
    out.push_back({std::string(text.substr(i, len)), cp});
    i += len;
  }
  return out;
}

// The characters of a required name: trimmed, not blank, at most `most` characters.
std::vector<Character> name_characters(std::string_view text, const std::string& what, size_t most) {
  auto chars = characters(trim(text), what);
  if (chars.empty()) throw std::invalid_argument(what + "不能为空");
  if (chars.size() > most) {
    throw std::invalid_argument(what + "不能超过 " + std::to_string(most) + " 个字（现有 " +
                                std::to_string(chars.size()) + " 个）");
  }
  return chars;
}

std::string describe(const Character& c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c.code_point));
  return "“" + c.utf8 + "”（" + buf + "）";
}

// ---- Drawing ----------------------------------------------------------------------------------

// Each thread has its own font map (pango font maps are not to be shared between threads).
PangoFontMap* thread_font_map() {
  thread_local GObject<PangoFontMap> map{pango_cairo_font_map_new()};
  return map.get();
}

// A square transparent canvas with a pango context whose font sizes are in pixels (72 "dpi"),
// unhinted so that rotated and scaled characters keep their shapes. The context is never updated
// from cairo's transformation: pango then lays text out in unscaled units, and cairo alone rotates
// and stretches the glyphs (told of a non-uniform scale, pango gets the advance widths wrong).
class Canvas {
 public:
  explicit Canvas(int size_px) : size_(size_px) {
    surface_.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size_px, size_px));
    if (cairo_surface_status(surface_.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error("cairo: cannot create the seal's surface");
    }
    cr_.reset(cairo_create(surface_.get()));
    pango_.reset(pango_font_map_create_context(thread_font_map()));
    pango_cairo_context_set_resolution(pango_.get(), 72);  // 1 pt = 1 px
    FontOptions options{cairo_font_options_create()};
    cairo_font_options_set_antialias(options.get(), CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pango_.get(), options.get());
    cairo_set_source_rgba(cr_.get(), kRed, kGreen, kBlue, 1.0);
  }

  cairo_t* cr() const { return cr_.get(); }
  double size() const { return size_; }

  // Makes sure `family` is really installed: fontconfig would otherwise quietly substitute another font.
  void require_font(const char* family) {
    FontDescription wanted{pango_font_description_from_string(family)};
    GObject<PangoFont> font{pango_font_map_load_font(thread_font_map(), pango_.get(), wanted.get())};
    FontDescription got{font ? pango_font_describe(font.get()) : nullptr};
    const char* got_family = got ? pango_font_description_get_family(got.get()) : nullptr;
    if (!got_family || g_ascii_strcasecmp(got_family, family) != 0) {
      throw std::runtime_error(std::string("the CJK font ") + family + " is not installed (fonts-noto-cjk)");
    }
  }

  // A layout of one piece of text in `family`, `em_px` pixels to the em; refuses text the font cannot show.
  GObject<PangoLayout> layout(const Character& c, const char* family, PangoWeight weight, double em_px) {
    GObject<PangoLayout> layout{pango_layout_new(pango_.get())};
    FontDescription font{pango_font_description_new()};
    pango_font_description_set_family(font.get(), family);
    pango_font_description_set_weight(font.get(), weight);
    pango_font_description_set_absolute_size(font.get(), em_px * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_text(layout.get(), c.utf8.data(), static_cast<int>(c.utf8.size()));
    if (pango_layout_get_unknown_glyphs_count(layout.get()) > 0) {
      // The Noto CJK font is there (require_font), so it is this character that no installed font has.
      throw std::invalid_argument("印章文字中的" + describe(c) + "没有可用的字体显示，请改用常用字");
    }
    return layout;
  }

  enum class Anchor { em_centre, baseline_centre };

  // Draws `c` with its horizontal centre at the origin of the current transformation, scaled by
  // (sx, sy), and either its ideographic em box centred on the origin or its baseline through it.
  void show(const Character& c, const char* family, PangoWeight weight, double em_px, double sx, double sy,
            Anchor anchor) {
    cairo_t* cr = cr_.get();
    cairo_save(cr);
    cairo_scale(cr, sx, sy);
    auto text = layout(c, family, weight, em_px);
    PangoRectangle logical;
    pango_layout_get_extents(text.get(), nullptr, &logical);
    double width = logical.width / double(PANGO_SCALE);
    double baseline = pango_layout_get_baseline(text.get()) / double(PANGO_SCALE);
    double top = anchor == Anchor::em_centre ? -(baseline - kEmAboveBaseline * em_px) - em_px / 2 : -baseline;
    cairo_move_to(cr, -width / 2, top);
    pango_cairo_show_layout(cr, text.get());
    cairo_restore(cr);
  }

  std::string png() {
    cairo_surface_flush(surface_.get());
    if (cairo_status(cr_.get()) != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(cairo_status(cr_.get())));
    }
    std::string out;
    auto write = [](void* closure, const unsigned char* data, unsigned int length) {
      static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
      return CAIRO_STATUS_SUCCESS;
    };
    auto status = cairo_surface_write_to_png_stream(surface_.get(), write, &out);
    if (status != CAIRO_STATUS_SUCCESS) {
      throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(status));
    }
    return out;
  }

 private:
  int size_;
  Surface surface_;
  Cairo cr_;
  GObject<PangoContext> pango_;
};

// Text is drawn into a group that is then painted through as a mask in seal red, so that even a
// colour glyph (an emoji from a fallback font) comes out in the seal's one colour.
template <class Draw>
void in_seal_red(Canvas& canvas, Draw&& draw) {
  cairo_t* cr = canvas.cr();
  cairo_push_group(cr);
  draw();
  Pattern group{cairo_pop_group(cr)};
  cairo_set_source_rgba(cr, kRed, kGreen, kBlue, 1.0);
  cairo_mask(cr, group.get());
}

void five_pointed_star(cairo_t* cr, double cx, double cy, double outer) {
  double inner = outer * std::sin(kPi / 10) / std::sin(3 * kPi / 10);  // the points' edges are straight
  for (int i = 0; i < 10; ++i) {
    double r = i % 2 == 0 ? outer : inner;
    double a = i * kPi / 5;  // from the top, clockwise
    double x = cx + r * std::sin(a), y = cy - r * std::cos(a);
    if (i == 0) cairo_move_to(cr, x, y); else cairo_line_to(cr, x, y);
  }
  cairo_close_path(cr);
  cairo_fill(cr);
}

}  // namespace

std::string draw_round_seal(std::string_view organization, std::string_view seal_name, std::string_view code) {
  auto org = name_characters(organization, "印章单位名称", 30);
  auto name = characters(trim(seal_name), "印章名称");
  if (name.size() > 12) throw std::invalid_argument("印章名称不能超过 12 个字");
  std::vector<Character> digits;
  for (char ch : code) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'))) {
      throw std::invalid_argument("印章编码只能由数字和大写字母组成");
    }
    digits.push_back({std::string(1, ch), static_cast<char32_t>(ch)});
  }
  if (digits.size() > 20) throw std::invalid_argument("印章编码不能超过 20 位");

  Canvas canvas(kRoundSealPx);
  canvas.require_font(kSerif);
  if (!digits.empty()) canvas.require_font(kSans);
  cairo_t* cr = canvas.cr();
  const double c = canvas.size() / 2;

  // The ring: 1.2 mm wide, its outer edge 3 px inside the picture.
  const double ring_width = 1.2 * kPxPerMm, ring_outer = c - 3;
  cairo_set_line_width(cr, ring_width);
  cairo_arc(cr, c, c, ring_outer - ring_width / 2, 0, 2 * kPi);
  cairo_stroke(cr);
  const double text_outer = ring_outer - ring_width - 0.7 * kPxPerMm;  // a gap inside the ring

  // The star: 13 mm across the points, in the centre.
  const double star = 6.5 * kPxPerMm;
  five_pointed_star(cr, c, c, star);

  in_seal_red(canvas, [&] {
    // The organisation's name along the upper arc, the characters' tops outwards. Up to 8
    // characters stand 30 degrees apart; longer names fill 240 degrees and are narrowed to fit
    // (and made smaller once they would be narrower than 0.6 of their width).
    const double n = static_cast<double>(org.size());
    const double spread = std::min(n * 30.0, 240.0) * kPi / 180;
    const double step = spread / n;
    double em = 5.6 * kPxPerMm, sx = 1;
    for (int attempt = 0; attempt < 2; ++attempt) {
      double r_fit = text_outer - em * 0.75;                    // where the characters' width is measured
      sx = std::min(1.0, 2 * r_fit * std::sin(step / 2) * 0.96 / em);
      if (sx >= 0.6) break;
      em *= std::max(0.75, sx / 0.6);
    }
    const double r_centre = text_outer - em / 2;
    for (size_t i = 0; i < org.size(); ++i) {
      double angle = -spread / 2 + step * (static_cast<double>(i) + 0.5);
      cairo_save(cr);
      cairo_translate(cr, c, c);
      cairo_rotate(cr, angle);
      cairo_translate(cr, 0, -r_centre);
      canvas.show(org[i], kSerif, PANGO_WEIGHT_BOLD, em, sx, 1, Canvas::Anchor::em_centre);
      cairo_restore(cr);
    }

    // The seal's name straight across under the star, narrowed if it is long.
    if (!name.empty()) {
      const double name_em = 4.0 * kPxPerMm, centre_y = c + star * 0.82 + 1.4 * kPxPerMm + name_em / 2;
      const double most_width = 19.0 * kPxPerMm;
      double name_sx = std::min(1.0, most_width / (name_em * static_cast<double>(name.size())));
      const double advance = name_em * name_sx, left = c - advance * static_cast<double>(name.size()) / 2;
      for (size_t i = 0; i < name.size(); ++i) {
        cairo_save(cr);
        cairo_translate(cr, left + (static_cast<double>(i) + 0.5) * advance, centre_y);
        canvas.show(name[i], kSerif, PANGO_WEIGHT_BOLD, name_em, name_sx, 1, Canvas::Anchor::em_centre);
        cairo_restore(cr);
      }
    }

    // The code small along the lower arc, read left to right, the digits' feet outwards.
    if (!digits.empty()) {
      const double code_em = 2.4 * kPxPerMm, r_baseline = text_outer - 0.2 * kPxPerMm;
      const double pitch = code_em * 0.62 / r_baseline;  // radians per digit
      const double total = pitch * static_cast<double>(digits.size());
      for (size_t i = 0; i < digits.size(); ++i) {
        double angle = total / 2 - pitch * (static_cast<double>(i) + 0.5);  // from the bottom, clockwise
        cairo_save(cr);
        cairo_translate(cr, c, c);
        cairo_rotate(cr, angle);
        cairo_translate(cr, 0, r_baseline);
        canvas.show(digits[i], kSans, PANGO_WEIGHT_NORMAL, code_em, 1, 1, Canvas::Anchor::baseline_centre);
        cairo_restore(cr);
      }
    }
  });
  return canvas.png();
}

std::string draw_name_seal(std::string_view person_name) {
  auto name = name_characters(person_name, "姓名", 8);
  for (auto& ch : name) {
    if (ch.code_point == ' ' || ch.code_point == 0x3000 || ch.code_point == '\t') {
      throw std::invalid_argument("姓名中不能有空格");
    }
  }
  auto add = [&](const char* utf8, char32_t cp) { name.push_back({utf8, cp}); };
  const size_t n = name.size();
  if (n == 1 || n == 2 || n == 7) add("之", U'之');
  if (n != 4 && n != 6) add("印", U'印');
  // Columns from right to left, each read top to bottom.
  const int rows = name.size() <= 6 ? 2 : 3;
  const int cols = name.size() <= 4 ? 2 : 3;

  Canvas canvas(kNameSealPx);
  canvas.require_font(kSerif);
  cairo_t* cr = canvas.cr();
  const double size = canvas.size();

  // The frame: 0.9 mm wide, its outer edge 2 px inside the picture.
  const double frame = 0.9 * kPxPerMm, edge = 2;
  cairo_set_line_width(cr, frame);
  cairo_rectangle(cr, edge + frame / 2, edge + frame / 2, size - 2 * edge - frame, size - 2 * edge - frame);
  cairo_stroke(cr);

  const double inset = edge + frame + 0.5 * kPxPerMm;  // where the characters may start
  const double cell_w = (size - 2 * inset) / cols, cell_h = (size - 2 * inset) / rows;
  const double em = 100, fill = 0.96;  // characters are drawn at 100 px and scaled to fill their cells
  in_seal_red(canvas, [&] {
    for (size_t i = 0; i < name.size(); ++i) {
      const bool whole_column = n == 1 && i == 0;  // a one-character name takes the whole right column
      const size_t cell = i + (n == 1 && i > 0 ? 1 : 0);
      const int col = cols - 1 - static_cast<int>(cell) / rows;
      const double x = inset + (col + 0.5) * cell_w;
      const double y = whole_column ? size / 2 : inset + (static_cast<int>(cell) % rows + 0.5) * cell_h;
      const double sy = (whole_column ? cell_h * rows : cell_h) * fill / em;
      cairo_save(cr);
      cairo_translate(cr, x, y);
      canvas.show(name[i], kSerif, PANGO_WEIGHT_BOLD, em, cell_w * fill / em, sy, Canvas::Anchor::em_centre);
      cairo_restore(cr);
    }
  });
  return canvas.png();
}

SealPictureInfo inspect_seal_picture(std::string_view png) {
  static constexpr std::string_view kSignature{"\x89PNG\r\n\x1a\n", 8};
  if (png.size() > 1024 * 1024) throw std::invalid_argument("印章图片不能超过 1 MiB");
  if (png.substr(0, 8) != kSignature || png.size() < 33 || png.substr(12, 4) != "IHDR") {
    throw std::invalid_argument("印章图片必须是 PNG 格式");
  }
  auto be32 = [&](size_t at) {
    std::uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(png[at + k]);
    return v;
  };
  std::uint32_t width = be32(16), height = be32(20);
  auto fits = [](std::uint32_t v) { return v >= 64 && v <= 2048; };
  if (!fits(width) || !fits(height)) {
    throw std::invalid_argument("印章图片的宽和高须在 64 到 2048 像素之间（现为 " + std::to_string(width) + "×" +
                                std::to_string(height) + "）");
  }
  // Decode it whole (at most 2048 x 2048, 16 MiB), so that a corrupt picture is refused here, not when shown.
  struct Reader {
    std::string_view bytes;
    size_t at = 0;
  } reader{png};
  auto read = [](void* closure, unsigned char* data, unsigned int length) {
    auto* r = static_cast<Reader*>(closure);
    if (r->bytes.size() - r->at < length) return CAIRO_STATUS_READ_ERROR;
    std::copy_n(r->bytes.data() + r->at, length, data);
    r->at += length;
    return CAIRO_STATUS_SUCCESS;
  };
  Surface image{cairo_image_surface_create_from_png_stream(read, &reader)};
  if (cairo_surface_status(image.get()) != CAIRO_STATUS_SUCCESS) throw std::invalid_argument("印章图片已损坏，无法读取");
  return {cairo_image_surface_get_width(image.get()), cairo_image_surface_get_height(image.get())};
}

}  // namespace wangban::kernel
