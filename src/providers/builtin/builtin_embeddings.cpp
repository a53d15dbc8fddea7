// veyra-embed behind the Provider interface: one hash_embedding per input string.
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cstring>

#include "core/base64url.h"
#include "providers/builtin/builtin_provider.h"
#include "providers/builtin/echo_model.h"
#include "providers/builtin/hash_embedding.h"

namespace veyra::providers::builtin {

namespace {

// Appends `vector` as a JSON array of the floats' shortest forms ("0.1", not
// "1.0000000149011612E-1" as a double would print).
void append_float_array(std::string& out, const std::vector<float>& vector) {
  out += '[';
  char text[32];
  for (std::size_t i = 0; i < vector.size(); ++i) {
    if (i != 0) out += ',';
    auto written = std::to_chars(text, text + sizeof text, vector[i]);
    out.append(text, written.ptr);
  }
  out += ']';
}

// The dimensions the request asks for, within what veyra-embed supports.
Result<std::size_t> dimensions_of(const boost::json::object& request) {
  const auto* value = request.if_contains("dimensions");
  if (value == nullptr || value->is_null()) return kDefaultDimensions;
  std::int64_t asked = 0;
  if (value->is_int64()) {
    asked = value->get_int64();
  } else if (value->is_uint64()) {
    asked = static_cast<std::int64_t>(std::min<std::uint64_t>(value->get_uint64(), INT64_MAX));
  } else {
    return make_error(ErrorCode::invalid_field, "dimensions must be an integer.", "dimensions");
  }
  if (asked < 1 || asked > static_cast<std::int64_t>(kMaxDimensions)) {
    return make_error(
        ErrorCode::invalid_field,
        "dimensions must be between 1 and " + std::to_string(kMaxDimensions) + " for veyra-embed.",
        "dimensions");
  }
  return static_cast<std::size_t>(asked);
}

// The input strings; veyra-embed reads text, not token ids.
Result<std::vector<std::string_view>> texts_of(const boost::json::object& request) {
  std::vector<std::string_view> texts;
  const auto* input = request.if_contains("input");
  if (input != nullptr && input->is_string()) {
    texts.push_back(input->get_string());
    return texts;
  }
  if (input != nullptr && input->is_array()) {
    for (const auto& item : input->get_array()) {
      if (!item.is_string()) {
        return make_error(ErrorCode::invalid_field,
                          "veyra-embed reads text: input must be a string or an array of strings.",
                          "input");
      }
      texts.push_back(item.get_string());
    }
    return texts;
  }
  return make_error(ErrorCode::invalid_field, "input must be a string or an array of strings.",
                    "input");
}

}  // namespace

Result<ProviderAnswer> BuiltinProvider::embeddings(const ModelCall& call) const {
  const boost::json::object& request = *call.body;
  auto dimensions = dimensions_of(request);
  if (!dimensions) return dimensions.error();
  auto texts = texts_of(request);
  if (!texts) return texts.error();
  bool base64 = false;
  if (const auto* format = request.if_contains("encoding_format"); format && format->is_string()) {
    base64 = format->get_string() == "base64";
  }

  // Written by hand: thousands of floats print faster, and shorter, than through json::value.
  std::string data = "[";
  std::uint64_t tokens = 0;
  for (std::size_t i = 0; i < texts->size(); ++i) {
    std::string_view text = (*texts)[i];
    tokens += count_tokens(text);
    std::vector<float> vector = hash_embedding(text, *dimensions);
    if (i != 0) data += ',';
    data += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":)";
    if (base64) {
      // Little-endian float32, as the OpenAI API sends them.
      std::string bytes(vector.size() * sizeof(float), '\0');
      std::memcpy(bytes.data(), vector.data(), bytes.size());
      data += '"' + base64_encode(bytes) + '"';
    } else {
      append_float_array(data, vector);
    }
    data += '}';
  }
  data += ']';

  ProviderAnswer answer;
  answer.usage = Usage{tokens, 0, true};
  std::string tail = boost::json::serialize(
      boost::json::object{{"model", call.public_model},
                          {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
  answer.body = R"({"object":"list","data":)" + data + "," + tail.substr(1);
  return answer;
}

}  // namespace veyra::providers::builtin
