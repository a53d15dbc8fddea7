// POST /v1/embeddings. Each input gets a deterministic unit vector seeded by a hash of its
// text, so equal inputs embed equally across runs and processes. `input` may be a string, an
// array of strings, an array of token ids, or an array of such arrays; `dimensions` defaults
// to 8; `encoding_format` "base64" packs little-endian float32 values as OpenAI does.
#include <bit>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "base64.h"
#include "core/json.h"
#include "mock_routes.h"

namespace veyra::mock {
namespace {

using http::Request;
using http::Response;

constexpr unsigned kDefaultDimensions = 8;
constexpr std::int64_t kMaxDimensions = 4096;
constexpr std::size_t kMaxInputs = 2048;

struct EmbeddingInput {
  std::string text;  // what the vector is derived from; token arrays as "1,2,3"
  unsigned tokens = 1;
};

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A unit vector (L2 norm 1) of `dimensions` float32 values derived from `text`.
std::vector<float> embed(std::string_view text, unsigned dimensions) {
  std::uint64_t state = fnv1a(text);
  std::vector<double> raw(dimensions);
  double squares = 0;
  for (double& x : raw) {
    x = static_cast<double>(splitmix64(state) >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    squares += x * x;
  }
  double norm = squares > 0 ? std::sqrt(squares) : 1.0;
  std::vector<float> vector(dimensions);
  for (unsigned i = 0; i < dimensions; ++i) vector[i] = static_cast<float>(raw[i] / norm);
  return vector;
}

std::string float32_le_bytes(const std::vector<float>& vector) {
  std::string bytes;
  bytes.reserve(vector.size() * 4);
  for (float x : vector) {
    auto bits = std::bit_cast<std::uint32_t>(x);
    for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<char>(bits >> shift));
  }
  return bytes;
}

// A token array as text, or nullopt when an element is not a non-negative integer.
std::optional<EmbeddingInput> token_input(const boost::json::array& tokens) {
  EmbeddingInput input;
  for (const boost::json::value& token : tokens) {
    if (!token.is_int64() || token.get_int64() < 0) return std::nullopt;
    if (!input.text.empty()) input.text += ',';
    input.text += std::to_string(token.get_int64());
  }
  input.tokens = static_cast<unsigned>(std::max<std::size_t>(1, tokens.size()));
  return input;
}

EmbeddingInput text_input(std::string_view text) {
  return {std::string(text), approx_tokens(text.size())};
}

// The inputs of the request, or nullopt when `input` has none of the accepted shapes.
std::optional<std::vector<EmbeddingInput>> collect_inputs(const boost::json::value& input) {
  std::vector<EmbeddingInput> inputs;
  if (const boost::json::string* text = input.if_string()) {
    inputs.push_back(text_input(*text));
    return inputs;
  }
  const boost::json::array* items = input.if_array();
  if (items == nullptr || items->empty() || items->size() > kMaxInputs) return std::nullopt;
  if (items->front().is_int64()) {
    auto tokens = token_input(*items);
    if (!tokens) return std::nullopt;
    inputs.push_back(std::move(*tokens));
    return inputs;
  }
  for (const boost::json::value& item : *items) {
    if (const boost::json::string* text = item.if_string()) {
      inputs.push_back(text_input(*text));
    } else if (const boost::json::array* tokens = item.if_array()) {
      auto parsed = token_input(*tokens);
      if (!parsed) return std::nullopt;
      inputs.push_back(std::move(*parsed));
    } else {
      return std::nullopt;
    }
  }
  return inputs;
}

boost::asio::awaitable<Response> handle_embeddings(MockContext& context, Request& request) {
  context.stats.record_request(request);
  Result<boost::json::object> body = parse_json_object(request.body);
  if (!body) co_return Response::error(body.error());

  const boost::json::value* input = body->if_contains("input");
  if (input == nullptr || input->is_null()) {
    co_return Response::error(ErrorCode::missing_field, "input is required.", "input");
  }
  auto inputs = collect_inputs(*input);
  if (!inputs) {
    co_return Response::error(ErrorCode::invalid_field,
                              "input must be a string, an array of strings or token arrays.",
                              "input");
  }
  unsigned dimensions = kDefaultDimensions;
  if (const boost::json::value* asked = body->if_contains("dimensions")) {
    if (!asked->is_int64() || asked->get_int64() < 1 || asked->get_int64() > kMaxDimensions) {
      co_return Response::error(ErrorCode::invalid_field,
                                "dimensions must be an integer from 1 to 4096.", "dimensions");
    }
    dimensions = static_cast<unsigned>(asked->get_int64());
  }
  std::string_view format = string_member(*body, "encoding_format");
  if (format.empty()) format = "float";
  if (format != "float" && format != "base64") {
    co_return Response::error(ErrorCode::invalid_field, "encoding_format must be float or base64.",
                              "encoding_format");
  }
  std::string_view model = string_member(*body, "model");
  Controls controls = resolve_controls(context.defaults, model, mock_field(*body));
  if (auto failure = co_await run_prelude(controls)) co_return std::move(*failure);

  boost::json::array data;
  data.reserve(inputs->size());
  unsigned prompt_tokens = 0;
  for (std::size_t index = 0; index < inputs->size(); ++index) {
    const EmbeddingInput& item = (*inputs)[index];
    std::vector<float> vector = embed(item.text, dimensions);
    prompt_tokens += item.tokens;
    boost::json::object entry;
    entry["object"] = "embedding";
    entry["index"] = index;
    if (format == "base64") {
      entry["embedding"] = base64_encode(float32_le_bytes(vector));
    } else {
      boost::json::array values;
      values.reserve(vector.size());
      for (float x : vector) values.emplace_back(static_cast<double>(x));
      entry["embedding"] = std::move(values);
    }
    data.push_back(std::move(entry));
  }

  boost::json::object usage;
  usage["prompt_tokens"] = prompt_tokens;
  usage["total_tokens"] = prompt_tokens;
  boost::json::object answer;
  answer["object"] = "list";
  answer["data"] = std::move(data);
  answer["model"] = model;
  answer["usage"] = std::move(usage);
  co_return Response::json(200, boost::json::serialize(answer));
}

}  // namespace

void add_embedding_routes(http::Router& router, MockContext& context) {
  router.add(http::Method::post, "/v1/embeddings",
             [&context](Request& request) { return handle_embeddings(context, request); },
             {.max_body_bytes = kJsonBodyLimit});
}

}  // namespace veyra::mock
