#include "providers/builtin/builtin_provider.h"

namespace veyra::providers::builtin {

BuiltinProvider::BuiltinProvider(const Clock& clock, BlockingPool& pool,
                                 const TranscriberProcess* transcriber)
    : clock_(clock), pool_(pool), transcriber_(transcriber) {}

boost::asio::awaitable<Result<ProviderAnswer>> BuiltinProvider::call(
    ModelCall& call, std::string_view /*upstream_model*/) {
  switch (call.capability) {
    case Capability::chat:
      co_return chat(call);
    case Capability::embeddings:
      co_return embeddings(call);
    case Capability::audio:
      co_return co_await transcribe(call);
    case Capability::images:
      break;
  }
  co_return make_error(ErrorCode::unsupported_capability,
                       "The built-in models do not generate images.", "model");
}

}  // namespace veyra::providers::builtin
