// veyra-sphinx behind the Provider interface.
#include "providers/builtin/builtin_provider.h"

namespace veyra::providers::builtin {

boost::asio::awaitable<Result<ProviderAnswer>> BuiltinProvider::transcribe(const ModelCall&) {
  // TODO(gateway): PocketSphinx transcription lands with sphinx_transcriber.
  co_return make_error(ErrorCode::upstream_unavailable,
                       "veyra-sphinx is not available: the speech model is not installed.");
}

}  // namespace veyra::providers::builtin
