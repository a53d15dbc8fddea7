// Provider `builtin`: the models Veyra answers itself, with no network and no configuration.
// veyra-echo (chat, streamed word by word), veyra-embed (hashing-trick embeddings) and
// veyra-sphinx (PocketSphinx speech to text, run on the blocking pool).
#pragma once

#include <memory>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "providers/provider.h"

namespace veyra::providers::builtin {

class TranscriberProcess;

// Thread-safe. `pool` runs transcriptions (its size bounds how many run at once);
// `transcriber` may be null when veyra-transcribe or the speech model is not installed
// (veyra-sphinx then answers upstream_unavailable). All must outlive the provider.
class BuiltinProvider final : public Provider {
 public:
  BuiltinProvider(const Clock& clock, BlockingPool& pool, const TranscriberProcess* transcriber);

  boost::asio::awaitable<Result<ProviderAnswer>> call(ModelCall& call,
                                                      std::string_view upstream_model) override;

 private:
  Result<ProviderAnswer> chat(const ModelCall& call) const;
  Result<ProviderAnswer> embeddings(const ModelCall& call) const;
  boost::asio::awaitable<Result<ProviderAnswer>> transcribe(const ModelCall& call);

  const Clock& clock_;
  BlockingPool& pool_;
  const TranscriberProcess* transcriber_;
};

}  // namespace veyra::providers::builtin
