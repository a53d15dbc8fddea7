// veyra-sphinx: offline English speech recognition with PocketSphinx and its US English
// models (Debian's pocketsphinx-en-us). Clear, close-miked speech comes out usable; accents,
// noise, music and specialised vocabulary come out far below Whisper, and there is no
// punctuation or capitalisation.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "providers/builtin/audio_decoder.h"
#include "providers/builtin/transcript_format.h"

struct ps_decoder_s;

namespace veyra::providers::builtin {

struct SphinxOptions {
  // The acoustic model directory (mdef, means, variances, ...).
  std::string model_dir = "/usr/share/pocketsphinx/model/en-us/en-us";
  // The pronouncing dictionary: every word the recognizer can output.
  std::string dictionary_path = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
  // The n-gram language model.
  std::string language_model_path = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";
  // How many transcriptions may run at once; more callers wait for a decoder. Each decoder
  // holds its own copy of the models, about 95 MB, and takes about 0.25 s to load. 0 counts
  // as 1.
  unsigned max_decoders = 2;
  // A decoder unused for this long is freed and its memory given back to the system, so a
  // server that transcribes now and then holds no models between bursts. 0 frees each
  // decoder as soon as its call ends.
  std::chrono::milliseconds idle_decoder_lifetime = std::chrono::seconds(60);
};

// Owns a small pool of PocketSphinx decoders, loaded on first use (so an idle server holds
// none), handed to one call at a time and freed after idle_decoder_lifetime without use.
// Thread-safe: transcribe() may run on any number of threads at once.
class SphinxTranscriber {
 public:
  // Checks that the three model paths exist and turns PocketSphinx's logging off for the
  // process; loads nothing yet. Starts one thread that frees idle decoders. Errors:
  // internal_error naming the missing path, for the operator's log at startup (not a message
  // for clients).
  static Result<std::unique_ptr<SphinxTranscriber>> create(SphinxOptions options);

  // REQUIRES: no transcribe() call is running.
  ~SphinxTranscriber();
  SphinxTranscriber(const SphinxTranscriber&) = delete;
  SphinxTranscriber& operator=(const SphinxTranscriber&) = delete;

  // The words heard in `audio`, with their times, grouped into segments at pauses of half a
  // second or more (and at most about ten seconds long) so that each makes a subtitle cue.
  // The audio is cut at silences into utterances of at most 30 s that are decoded one by
  // one; silence alone gives an empty transcript. Fillers (<s>, <sil>, [NOISE]...) are
  // dropped and alternate pronunciations ("word(2)") reported as the word. duration is the
  // audio's. The same audio always gives the same transcript, whichever decoder runs it.
  // Blocks, and uses a core at roughly a fifth of real time: run it on the blocking pool.
  // Errors: internal_error when a decoder cannot be loaded or fails.
  Result<Transcript> transcribe(const PcmAudio& audio);

  // How many decoders are loaded now, idle or in use; for metrics and tests. Thread-safe.
  unsigned loaded_decoders() const;

 private:
  struct DecoderFree {
    void operator()(ps_decoder_s* decoder) const;
  };
  using DecoderPtr = std::unique_ptr<ps_decoder_s, DecoderFree>;
  struct IdleDecoder {
    DecoderPtr decoder;
    std::chrono::steady_clock::time_point since;
  };

  explicit SphinxTranscriber(SphinxOptions options);

  // The most recently used idle decoder, a newly loaded one while fewer than max_decoders
  // exist, or else the first one released.
  Result<DecoderPtr> acquire();
  // Gives back a decoder from acquire(); a null one (it failed and was dropped) frees a slot.
  void release(DecoderPtr decoder);
  Result<DecoderPtr> load_decoder();
  // The body of reaper_: frees decoders idle for longer than idle_decoder_lifetime.
  void free_idle_decoders();

  const SphinxOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable decoder_released_;
  std::condition_variable idle_changed_;
  std::vector<IdleDecoder> idle_;  // GUARDED_BY(mutex_): the oldest first
  unsigned decoders_ = 0;          // GUARDED_BY(mutex_): idle and in use
  bool stopping_ = false;          // GUARDED_BY(mutex_)
  // ps_init is serialised: PocketSphinx's setup touches process-wide state (its logging).
  std::mutex load_mutex_;
  std::thread reaper_;
};

}  // namespace veyra::providers::builtin
