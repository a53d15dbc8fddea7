// veyra-sphinx behind the Provider interface: the upload goes to a veyra-transcribe child
// process (decoding and PocketSphinx), run from the transcription pool.
#include "http/blocking.h"
#include "http/multipart.h"
#include "providers/builtin/builtin_provider.h"
#include "providers/builtin/transcriber_process.h"

namespace veyra::providers::builtin {

namespace {

std::string_view field_value(const http::MultipartForm& form, std::string_view name) {
  const http::MultipartField* field = form.find(name);
  return field == nullptr ? std::string_view() : std::string_view(field->data);
}

bool is_english(std::string_view language) {
  return language.empty() || language == "en" || language == "english" || language == "en-US" ||
         language == "en-us";
}

}  // namespace

boost::asio::awaitable<Result<ProviderAnswer>> BuiltinProvider::transcribe(const ModelCall& call) {
  if (transcriber_ == nullptr) {
    co_return make_error(ErrorCode::upstream_unavailable,
                         "veyra-sphinx is not available: its speech model is not installed.");
  }
  const http::MultipartForm& form = *call.form;
  std::string_view language = field_value(form, "language");
  if (!is_english(language)) {
    co_return make_error(ErrorCode::invalid_field,
                         "veyra-sphinx recognises English only (language \"en\").", "language");
  }
  std::string_view format = field_value(form, "response_format");
  const http::MultipartField* file = form.find("file");
  const TranscriberProcess& transcriber = *transcriber_;

  // Recognition takes about a fifth of the audio's length: the pool's threads wait for it.
  auto rendered = co_await http::run_blocking(
      pool_, [&]() { return transcriber.run(file->data, format, language); });
  if (!rendered) co_return std::move(rendered).error();

  ProviderAnswer answer;
  answer.content_type = std::move(rendered->content_type);
  answer.body = std::move(rendered->body);
  // Veyra counts the transcript's tokens itself; the audio has no token count.
  answer.usage = Usage{0, 0, true};
  co_return answer;
}

}  // namespace veyra::providers::builtin
