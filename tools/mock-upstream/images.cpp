// POST /v1/images/generations. Every image is a real 8x8 RGB PNG whose colours derive from
// the prompt and the image's index, whatever `size` asks for: tests check that the bytes
// decode, benchmarks want small answers. response_format "b64_json" (default) or "url", the
// latter as a data: URL since the mock serves no files.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

#include "base64.h"
#include "core/json.h"
#include "mock_routes.h"
#include "png.h"

namespace veyra::mock {
namespace {

using http::Request;
using http::Response;

constexpr std::uint32_t kImageSide = 8;
constexpr std::int64_t kMaxImages = 10;

// A diagonal gradient between two colours picked from `seed`.
RgbImage gradient_image(std::uint32_t seed) {
  RgbImage image;
  image.width = kImageSide;
  image.height = kImageSide;
  image.pixels.reserve(std::size_t{kImageSide} * kImageSide * 3);
  std::uint8_t from[3] = {static_cast<std::uint8_t>(seed), static_cast<std::uint8_t>(seed >> 8),
                          static_cast<std::uint8_t>(seed >> 16)};
  std::uint8_t to[3] = {static_cast<std::uint8_t>(255 - from[0]),
                        static_cast<std::uint8_t>(255 - from[1]),
                        static_cast<std::uint8_t>(255 - from[2])};
  constexpr unsigned kSteps = 2 * (kImageSide - 1);
  for (std::uint32_t y = 0; y < kImageSide; ++y) {
    for (std::uint32_t x = 0; x < kImageSide; ++x) {
      unsigned t = x + y;
      for (int c = 0; c < 3; ++c) {
        image.pixels.push_back(
            static_cast<std::uint8_t>((from[c] * (kSteps - t) + to[c] * t) / kSteps));
      }
    }
  }
  return image;
}

boost::asio::awaitable<Response> handle_images(MockContext& context, Request& request) {
  context.stats.record_request(request);
  Result<boost::json::object> body = parse_json_object(request.body);
  if (!body) co_return Response::error(body.error());

  std::string_view prompt = string_member(*body, "prompt");
  if (prompt.empty()) {
    co_return Response::error(ErrorCode::missing_field, "prompt is required.", "prompt");
  }
  std::int64_t count = 1;
  if (const boost::json::value* n = body->if_contains("n"); n != nullptr && !n->is_null()) {
    if (!n->is_int64() || n->get_int64() < 1 || n->get_int64() > kMaxImages) {
      co_return Response::error(ErrorCode::invalid_field, "n must be an integer from 1 to 10.",
                                "n");
    }
    count = n->get_int64();
  }
  std::string_view format = string_member(*body, "response_format");
  if (format.empty()) format = "b64_json";
  if (format != "b64_json" && format != "url") {
    co_return Response::error(ErrorCode::invalid_field, "response_format must be b64_json or url.",
                              "response_format");
  }
  Controls controls =
      resolve_controls(context.defaults, string_member(*body, "model"), mock_field(*body));
  if (auto failure = co_await run_prelude(controls)) co_return std::move(*failure);

  std::uint32_t prompt_seed = crc32(prompt);
  boost::json::array data;
  for (std::int64_t index = 0; index < count; ++index) {
    std::string png =
        encode_png(gradient_image(prompt_seed + static_cast<std::uint32_t>(index) * 0x9e3779b9U));
    boost::json::object image;
    if (format == "url") {
      image["url"] = "data:image/png;base64," + base64_encode(png);
    } else {
      image["b64_json"] = base64_encode(png);
    }
    image["revised_prompt"] = prompt;
    data.push_back(std::move(image));
  }

  boost::json::object answer;
  answer["created"] = unix_now();
  answer["data"] = std::move(data);
  co_return Response::json(200, boost::json::serialize(answer));
}

}  // namespace

void add_image_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::post, "/v1/images/generations",
             [&context](Request& request) { return handle_images(context, request); },
             {.max_body_bytes = kJsonBodyLimit});
}

}  // namespace veyra::mock
