// Seal pictures: the drawn PNGs decoded again with cairo and their pixels examined — size,
// transparent background, only seal red ink, the ring at its radius, text inside the ring, the
// name seal's cells inked — names refused when blank or too long, and uploaded pictures
// checked by their bytes.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

#include <cairo.h>

#include "trust/seal_picture.hpp"

using namespace wangban::kernel;

namespace {

struct Rgba {
  int r = 0, g = 0, b = 0, a = 0;  // not premultiplied
};

// A PNG decoded to straight (not premultiplied) RGBA.
class Picture {
 public:
  explicit Picture(const std::string& png) {
    struct Reader {
      const std::string* bytes;
      size_t at = 0;
    } reader{&png};
    auto read = [](void* closure, unsigned char* data, unsigned int length) {
      auto* r = static_cast<Reader*>(closure);
      if (r->bytes->size() - r->at < length) return CAIRO_STATUS_READ_ERROR;
      std::copy_n(r->bytes->data() + r->at, length, data);
      r->at += length;
      return CAIRO_STATUS_SUCCESS;
    };
    surface_.reset(cairo_image_surface_create_from_png_stream(read, &reader));
    REQUIRE(cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS);
    REQUIRE(cairo_image_surface_get_format(surface_.get()) == CAIRO_FORMAT_ARGB32);
  }
  int width() const { return cairo_image_surface_get_width(surface_.get()); }
  int height() const { return cairo_image_surface_get_height(surface_.get()); }
  Rgba at(int x, int y) const {
    auto* row = cairo_image_surface_get_data(surface_.get()) + y * cairo_image_surface_get_stride(surface_.get());
    std::uint32_t p = reinterpret_cast<const std::uint32_t*>(row)[x];
    Rgba c{static_cast<int>((p >> 16) & 0xFF), static_cast<int>((p >> 8) & 0xFF), static_cast<int>(p & 0xFF),
           static_cast<int>(p >> 24)};
    if (c.a > 0 && c.a < 255) c = {c.r * 255 / c.a, c.g * 255 / c.a, c.b * 255 / c.a, c.a};
    return c;
  }
  // Fully opaque seal red: red high, green and blue low.
  bool red(int x, int y) const {
    auto c = at(x, y);
    return c.a == 255 && c.r > 200 && c.g < 40 && c.b < 60;
  }

 private:
  struct Destroy {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  };
  std::unique_ptr<cairo_surface_t, Destroy> surface_;
};

struct InkCount {
  int red = 0, other_opaque = 0, off_colour = 0;
};

InkCount count_ink(const Picture& p) {
  InkCount n;
  for (int y = 0; y < p.height(); ++y) {
    for (int x = 0; x < p.width(); ++x) {
      auto c = p.at(x, y);
      if (p.red(x, y)) ++n.red;
      else if (c.a == 255) ++n.other_opaque;
      // Antialiased edges carry the same colour at partial alpha (a little rounding when alpha is small).
      if (c.a >= 32 && !(c.r > 190 && c.g < 50 && c.b < 70)) ++n.off_colour;
    }
  }
  return n;
}

constexpr double kPi = std::numbers::pi;
// The example of the task: drawn once, on first use.
const std::string& round_png() {
  static const std::string png = draw_round_seal("杭州市西湖区行政服务中心", "业务专用章", "3301060000001");
  return png;
}

std::string png_of_size(int width, int height) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  std::string out;
  cairo_surface_write_to_png_stream(
      s,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &out);
  cairo_surface_destroy(s);
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("seal pictures");

TEST_CASE("a round seal picture is a 472 px square PNG with a transparent background") {
  CHECK(round_png().substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  Picture p(round_png());
  CHECK(p.width() == 472);
  CHECK(p.height() == 472);
  for (auto [x, y] : {std::pair{0, 0}, {471, 0}, {0, 471}, {471, 471}, {30, 30}, {440, 440}}) {
    CAPTURE(x);
    CAPTURE(y);
    CHECK(p.at(x, y).a == 0);
  }
}

TEST_CASE("a round seal picture is inked in seal red only") {
  Picture p(round_png());
  auto ink = count_ink(p);
  CHECK(ink.red > 20000);
  CHECK(ink.other_opaque == 0);
  CHECK(ink.off_colour == 0);
}

TEST_CASE("a round seal picture has its ring at 40 mm and its star in the centre") {
  Picture p(round_png());
  const double c = 236, ring_radius = 226;  // the ring's middle: outer edge 233, 14 px wide
  for (int degrees = 0; degrees < 360; degrees += 15) {
    double a = degrees * kPi / 180;
    CAPTURE(degrees);
    CHECK(p.red(static_cast<int>(c + ring_radius * std::cos(a)), static_cast<int>(c + ring_radius * std::sin(a))));
    // Just outside the ring there is nothing.
    CHECK(p.at(static_cast<int>(c + 235.5 * std::cos(a)), static_cast<int>(c + 235.5 * std::sin(a))).a == 0);
  }
  CHECK(p.red(236, 236));  // the star's centre
  CHECK(p.red(236, 236 - 60));  // its upper point
}

TEST_CASE("a round seal picture has the organisation along the upper arc and the seal name under the star") {
  Picture p(round_png());
  auto red_in = [&](int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) n += p.red(x, y);
    return n;
  };
  CHECK(red_in(200, 30, 272, 90) > 300);    // the upper arc: the middle characters of the organisation
  CHECK(red_in(40, 150, 110, 230) > 300);   // the left end of the arc
  CHECK(red_in(362, 150, 432, 230) > 300);  // the right end
  CHECK(red_in(150, 320, 322, 370) > 1000);  // 业务专用章 under the star
  CHECK(red_in(180, 400, 292, 440) > 100);  // the code along the lower arc
  CHECK(red_in(236 - 25, 236 + 75, 236 + 25, 236 + 80) == 0);  // a gap between the star and the seal name
}

TEST_CASE("a round seal keeps a long organisation name inside the ring") {
  Picture p(draw_round_seal("中华人民共和国杭州海关驻萧山国际机场办事处综合业务科", "合同专用章", ""));
  const double c = 236, ring_inner = 233 - 14.17;
  int inside = 0, outside = 0;
  for (int y = 0; y < p.height(); ++y) {
    for (int x = 0; x < p.width(); ++x) {
      if (p.at(x, y).a == 0) continue;
      double r = std::hypot(x + 0.5 - c, y + 0.5 - c);
      if (r > 234) ++outside;
      if (r < ring_inner - 1) ++inside;
    }
  }
  CHECK(outside == 0);
  CHECK(inside > 10000);
  // A gap between the ring and the name: nothing is inked just inside the ring along the upper arc.
  for (int degrees = -110; degrees <= 110; degrees += 5) {
    double a = (degrees - 90) * kPi / 180;
    CAPTURE(degrees);
    const double r = ring_inner - 3;
    CHECK(p.at(static_cast<int>(c + r * std::cos(a)), static_cast<int>(c + r * std::sin(a))).a == 0);
  }
}

TEST_CASE("a round seal may have no seal name and no code") {
  Picture p(draw_round_seal("西湖区民政局", "", ""));
  CHECK(count_ink(p).red > 15000);
}

TEST_CASE("a round seal needs an organisation name and a code of digits") {
  CHECK_THROWS_AS(draw_round_seal("", "业务专用章", ""), std::invalid_argument);
  CHECK_THROWS_AS(draw_round_seal(" \t\xE3\x80\x80 ", "业务专用章", ""), std::invalid_argument);
  CHECK_THROWS_AS(draw_round_seal("西湖区民政局", "", "12 34"), std::invalid_argument);
  std::string thirty_one;
  for (int i = 0; i < 31; ++i) thirty_one += "局";
  CHECK_THROWS_AS(draw_round_seal(thirty_one, "", ""), std::invalid_argument);
  CHECK_THROWS_AS(draw_round_seal("\xE6\x9D", "", ""), std::invalid_argument);  // cut-off UTF-8
  try {
    draw_round_seal("", "", "");
    FAIL("blank organisation accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "印章单位名称不能为空");
  }
}

TEST_CASE("a name seal picture is a 236 px square with a red frame and transparent corners") {
  auto png = draw_name_seal("张三");
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  Picture p(png);
  CHECK(p.width() == 236);
  CHECK(p.height() == 236);
  for (auto [x, y] : {std::pair{0, 0}, {235, 0}, {0, 235}, {235, 235}}) CHECK(p.at(x, y).a == 0);
  for (int t = 10; t < 226; t += 9) {  // the frame: 2 px from the edge, 10.6 px wide
    CAPTURE(t);
    CHECK(p.red(t, 7));
    CHECK(p.red(t, 228));
    CHECK(p.red(7, t));
    CHECK(p.red(228, t));
  }
  auto ink = count_ink(p);
  CHECK(ink.red > 10000);
  CHECK(ink.other_opaque == 0);
  CHECK(ink.off_colour == 0);
}

TEST_CASE("a name seal has a character in each of its four cells") {
  Picture p(draw_name_seal("张三"));
  auto red_in = [&](int x0, int y0) {  // a cell: 98 px inside the frame, less a margin
    int n = 0;
    for (int y = y0 + 5; y < y0 + 93; ++y)
      for (int x = x0 + 5; x < x0 + 93; ++x) n += p.red(x, y);
    return n;
  };
  for (auto [x, y] : {std::pair{19, 19}, {118, 19}, {19, 118}, {118, 118}}) {
    CAPTURE(x);
    CAPTURE(y);
    CHECK(red_in(x, y) > 400);  // 三 has the least ink: about 660 pixels
  }
}

TEST_CASE("two different names give different name seals") {
  CHECK(draw_name_seal("张三") != draw_name_seal("李四"));
  CHECK(draw_name_seal("张三") == draw_name_seal(" 张三 "));
}

TEST_CASE("names of one to eight characters make name seals and nine are refused") {
  for (const char* name : {"王", "张三", "欧阳修", "欧阳娜娜", "爱新觉罗溥", "爱新觉罗溥仪", "阿卜杜热合曼", "阿卜杜热合曼买买"}) {
    CAPTURE(name);
    Picture p(draw_name_seal(name));
    CHECK(p.width() == 236);
    CHECK(count_ink(p).other_opaque == 0);
  }
  CHECK_THROWS_AS(draw_name_seal("阿卜杜热合曼买买提"), std::invalid_argument);
  CHECK_THROWS_AS(draw_name_seal(""), std::invalid_argument);
  CHECK_THROWS_AS(draw_name_seal("   "), std::invalid_argument);
  CHECK_THROWS_AS(draw_name_seal("张 三"), std::invalid_argument);
}

TEST_CASE("a character that no installed font has is refused rather than drawn as a box") {
  CHECK_THROWS_AS(draw_name_seal("张\u0378"), std::invalid_argument);  // U+0378 is unassigned
  CHECK_THROWS_AS(draw_round_seal("西湖区\u0378局", "", ""), std::invalid_argument);
  CHECK_NOTHROW(draw_name_seal("\U00020BB7三"));  // 𠮷 (CJK Extension B) is in Noto CJK
}

TEST_CASE("an uploaded seal picture must be a PNG of 64 to 2048 px and at most 1 MiB") {
  auto round = inspect_seal_picture(round_png());
  CHECK(round.width_px == 472);
  CHECK(round.height_px == 472);
  auto name = inspect_seal_picture(draw_name_seal("张三"));
  CHECK(name.width_px == 236);
  CHECK(inspect_seal_picture(png_of_size(64, 2048)).height_px == 2048);

  auto refused = [](const std::string& bytes) {
    try {
      inspect_seal_picture(bytes);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(refused(std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20)) ==
        "印章图片必须是 PNG 格式");
  std::mt19937 random(38540);
  std::string noise(4096, '\0');
  for (auto& ch : noise) ch = static_cast<char>(random());
  CHECK(refused(noise) == "印章图片必须是 PNG 格式");
  CHECK(refused("") == "印章图片必须是 PNG 格式");
  CHECK(refused(png_of_size(3000, 3000)).find("64 到 2048") != std::string::npos);
  CHECK(refused(png_of_size(63, 200)).find("64 到 2048") != std::string::npos);
  CHECK(refused(std::string(1024 * 1024 + 1, 'x')) == "印章图片不能超过 1 MiB");
  CHECK(refused(round_png().substr(0, round_png().size() / 2)) == "印章图片已损坏，无法读取");  // cut off
  std::string damaged = round_png();
  damaged[damaged.size() / 2] ^= 0x55;
  CHECK(refused(damaged) == "印章图片已损坏，无法读取");
}

TEST_SUITE_END();
