// SealPicture: the picture of an electronic seal (印章图像, the `picture` of GB/T 38540's
// SES_SealInfo) — drawn as a transparent PNG in seal red at 300 dpi with cairo, pango and the
// Noto CJK fonts of fonts-noto-cjk, or uploaded and checked. A department's round seal (公章,
// 40 mm) and a staff member's square personal name seal (个人名章, 20 mm).
// Names are UTF-8; a name that cannot be drawn is refused with std::invalid_argument and a
// Chinese message a person can act on; a missing CJK font is std::runtime_error, so a picture
// with tofu boxes is never produced. Pure functions; thread-safe (each thread has its own font map).
#pragma once

#include <string>
#include <string_view>

namespace wangban::kernel {

// Draws the pictures of electronic seals as transparent PNGs in seal red, and checks uploaded ones.
struct SealPictureInfo {
  int width_px = 0, height_px = 0;
};

// A department's round seal: a red ring, a five-pointed star in the middle, the organisation's name
// along the upper arc (characters rotated to follow the circle, spread over roughly 220-250 degrees),
// the seal's name (e.g. "业务专用章", may be empty) in a straight line under the star, and `code`
// (digits, may be empty) small along the lower arc. About 40 mm at 300 dpi (~472 px square).
// Limits: organisation 1..30 characters, seal name up to 12, code up to 20 ASCII digits or capital letters.
std::string draw_round_seal(std::string_view organization, std::string_view seal_name, std::string_view code);

// A staff member's square personal name seal (个人名章): a red square frame; the name plus "之印" or "印"
// laid out in two columns read right-to-left, top-to-bottom as traditional name seals are
// (2 chars name -> "X Y 之 印"; 3 chars -> "X Y Z 印"; 4 chars -> the 4 chars), 20 mm at 300 dpi (~236 px).
// Longer names (5..8 chars) are laid out in a grid that fits; more than 8 is refused.
// (1 char -> the name over the whole right column, "之 印" on the left; 5 -> +"印" in 3x2;
// 6 -> 3x2; 7 -> +"之印" in 3x3; 8 -> +"印" in 3x3.) Spaces inside the name are refused.
std::string draw_name_seal(std::string_view person_name);

// Validates an uploaded seal picture: must be a PNG (by its bytes), at most 1 MiB, 64..2048 px
// each side. Throws std::invalid_argument with a Chinese message (e.g. "印章图片必须是 PNG 格式") otherwise.
// The whole image is decoded, so a truncated or corrupt PNG is refused too.
SealPictureInfo inspect_seal_picture(std::string_view png_bytes);

}  // namespace wangban::kernel
