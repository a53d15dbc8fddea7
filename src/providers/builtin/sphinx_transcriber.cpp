#include "providers/builtin/sphinx_transcriber.h"

#include <malloc.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <utility>

namespace veyra::providers::builtin {
namespace {

// PocketSphinx works in frames of 10 ms.
constexpr int kFramesPerSecond = 100;
constexpr std::size_t kSamplesPerFrame = kPcmSampleRate / kFramesPerSecond;

// Utterances: speech separated by this much quiet is decoded separately, with this much of the
// quiet kept on each side; a longer stretch without such a pause is cut at its quietest moment.
constexpr std::size_t kUtterancePauseFrames = 50;
constexpr std::size_t kUtterancePaddingFrames = 20;
constexpr std::size_t kMaxUtteranceFrames = 30 * kFramesPerSecond;
constexpr std::size_t kCutSearchFrames = 10 * kFramesPerSecond;
// Shorter bursts of sound (clicks, pops) are not worth decoding.
constexpr std::size_t kMinSpeechFrames = 5;

// Frame energies in dB (of the mean squared sample, plus one so digital silence is 0 dB).
// Below kSilentPeakDb the loudest frames are still silence; with less than kMinContrastDb
// between the quiet and the loud frames, speech cannot be told from noise and all is decoded.
// The margins lean low: a quiet frame taken for speech costs decoding time, speech taken for
// quiet is lost.
// TODO(sphinx): an energy detector tuned on synthetic speech; music or loud background noise
// makes it decode everything, and recordings of real rooms may want other margins.
constexpr double kSilentPeakDb = 20;
constexpr double kMinContrastDb = 10;
constexpr double kSpeechAboveFloorDb = 8;
constexpr double kSpeechBelowPeakDb = 45;

// Segments: a new one starts at a pause this long, or before a word that would make it longer.
constexpr double kSegmentPauseSeconds = 0.5;
constexpr double kMaxSegmentSeconds = 10;
// The posterior of a word the recognizer all but ruled out is a huge negative log; clamped so
// averages stay meaningful.
constexpr double kMinWordLogprob = -10;

// Frames [first, end) of the audio.
struct Utterance {
  std::size_t first = 0;
  std::size_t end = 0;
};

struct RecognizedWord {
  std::string word;
  double start = 0;
  double end = 0;
  double logprob = 0;
  std::size_t utterance = 0;
};

std::vector<double> frame_energies(const std::vector<std::int16_t>& samples) {
  std::vector<double> energies;
  energies.reserve(samples.size() / kSamplesPerFrame + 1);
  for (std::size_t first = 0; first < samples.size(); first += kSamplesPerFrame) {
    const std::size_t end = std::min(first + kSamplesPerFrame, samples.size());
    double sum = 0;
    for (std::size_t i = first; i < end; ++i) sum += static_cast<double>(samples[i]) * samples[i];
    energies.push_back(10 * std::log10(sum / static_cast<double>(end - first) + 1));
  }
  return energies;
}

// The energy from which a frame counts as speech, from the quiet (10th percentile) and loud
// (99th, so a click does not count) frames; +infinity when there is nothing but silence.
double speech_threshold(std::vector<double> energies) {
  const auto at = [&](double fraction) {
    const auto index =
        static_cast<std::size_t>(fraction * static_cast<double>(energies.size() - 1));
    std::nth_element(energies.begin(), energies.begin() + static_cast<std::ptrdiff_t>(index),
                     energies.end());
    return energies[index];
  };
  const double floor = at(0.10);
  const double peak = at(0.99);
  if (peak < kSilentPeakDb) return HUGE_VAL;
  if (peak - floor < kMinContrastDb) return -HUGE_VAL;
  return std::max(floor + kSpeechAboveFloorDb, peak - kSpeechBelowPeakDb);
}

// Where to end an utterance that starts at `first` and runs past kMaxUtteranceFrames: the
// quietest 100 ms in its last kCutSearchFrames.
std::size_t cut_point(const std::vector<double>& energies, std::size_t first) {
  constexpr std::size_t kWindow = 10;
  const std::size_t search_end = first + kMaxUtteranceFrames;
  std::size_t best = search_end;
  double best_energy = HUGE_VAL;
  for (std::size_t at = search_end - kCutSearchFrames; at + kWindow <= search_end; ++at) {
    double energy = 0;
    for (std::size_t i = at; i < at + kWindow; ++i) energy += energies[i];
    if (energy < best_energy) {
      best_energy = energy;
      best = at + kWindow / 2;
    }
  }
  return best;
}

// The stretches of the audio worth decoding, in order, none longer than kMaxUtteranceFrames.
std::vector<Utterance> find_utterances(const std::vector<std::int16_t>& samples) {
  const std::vector<double> energies = frame_energies(samples);
  if (energies.empty()) return {};
  const double threshold = speech_threshold(energies);

  // Runs of speech frames whose gaps are shorter than a pause.
  std::vector<Utterance> spoken;
  std::size_t speech_frames = 0;
  for (std::size_t frame = 0; frame < energies.size(); ++frame) {
    if (energies[frame] < threshold) continue;
    if (spoken.empty() || frame - spoken.back().end >= kUtterancePauseFrames) {
      if (!spoken.empty() && speech_frames < kMinSpeechFrames) spoken.pop_back();
      spoken.push_back({frame, frame + 1});
      speech_frames = 0;
    }
    spoken.back().end = frame + 1;
    ++speech_frames;
  }
  if (!spoken.empty() && speech_frames < kMinSpeechFrames) spoken.pop_back();

  // Padded with some of the surrounding quiet (the pause between two is at least twice the
  // padding), then cut to the longest the decoder takes at once.
  std::vector<Utterance> utterances;
  for (const Utterance& run : spoken) {
    std::size_t first =
        run.first > kUtterancePaddingFrames ? run.first - kUtterancePaddingFrames : 0;
    const std::size_t end = std::min(run.end + kUtterancePaddingFrames, energies.size());
    while (end - first > kMaxUtteranceFrames) {
      const std::size_t cut = cut_point(energies, first);
      utterances.push_back({first, cut});
      first = cut;
    }
    utterances.push_back({first, end});
  }
  return utterances;
}

bool is_filler(std::string_view word) {
  return word.empty() || word.front() == '<' || word.front() == '[' || word.front() == '+';
}

// "read(2)" is the dictionary's second pronunciation of "read".
std::string_view without_variant(std::string_view word) {
  if (!word.ends_with(')')) return word;
  const std::size_t open = word.rfind('(');
  return open == std::string_view::npos || open == 0 ? word : word.substr(0, open);
}

Status decoder_failed() {
  return make_error(ErrorCode::internal_error, "The speech recognizer failed.");
}

// Decodes one utterance and appends its words, with times from the start of the audio.
Status decode_utterance(ps_decoder_t* decoder, const PcmAudio& audio, const Utterance& utterance,
                        std::size_t index, std::vector<RecognizedWord>& words) {
  const std::size_t first_sample = utterance.first * kSamplesPerFrame;
  const std::size_t end_sample = std::min(utterance.end * kSamplesPerFrame, audio.samples.size());
  if (ps_start_utt(decoder) < 0) return decoder_failed();
  // The whole utterance in one call lets the decoder normalise over all of it.
  if (ps_process_raw(decoder, audio.samples.data() + first_sample, end_sample - first_sample, FALSE,
                     TRUE) < 0) {
    return decoder_failed();
  }
  if (ps_end_utt(decoder) < 0) return decoder_failed();

  logmath_t* logmath = ps_get_logmath(decoder);
  const double offset = static_cast<double>(utterance.first) / kFramesPerSecond;
  for (ps_seg_t* segment = ps_seg_iter(decoder); segment != nullptr;
       segment = ps_seg_next(segment)) {
    const char* text = ps_seg_word(segment);
    const std::string_view word = without_variant(text == nullptr ? "" : text);
    if (is_filler(word)) continue;
    int first_frame = 0;
    int last_frame = 0;
    ps_seg_frames(segment, &first_frame, &last_frame);
    int32 acoustic = 0;
    int32 language = 0;
    int32 backoff = 0;
    const int32 posterior = ps_seg_prob(segment, &acoustic, &language, &backoff);
    words.push_back({std::string(word),
                     offset + static_cast<double>(first_frame) / kFramesPerSecond,
                     offset + static_cast<double>(last_frame + 1) / kFramesPerSecond,
                     std::max(logmath_log_to_ln(logmath, posterior), kMinWordLogprob), index});
  }
  return {};
}

void append_word(std::string& text, std::string_view word) {
  if (!text.empty()) text += ' ';
  text += word;
}

// Groups the words into segments at pauses, utterance ends and kMaxSegmentSeconds.
Transcript assemble(std::vector<RecognizedWord> recognized, double duration) {
  Transcript transcript;
  transcript.duration = duration;
  double logprob_sum = 0;
  std::size_t segment_words = 0;
  for (std::size_t i = 0; i < recognized.size(); ++i) {
    RecognizedWord& word = recognized[i];
    word.end = std::min(word.end, duration);
    word.start = std::min(word.start, word.end);

    const RecognizedWord* previous = i == 0 ? nullptr : &recognized[i - 1];
    if (previous == nullptr || previous->utterance != word.utterance ||
        word.start - previous->end >= kSegmentPauseSeconds ||
        word.end - transcript.segments.back().start > kMaxSegmentSeconds) {
      const int id = static_cast<int>(transcript.segments.size());
      transcript.segments.push_back({id, word.start, word.end, "", 0});
      logprob_sum = 0;
      segment_words = 0;
    }
    TranscriptSegment& segment = transcript.segments.back();
    segment.end = word.end;
    append_word(segment.text, word.word);
    logprob_sum += word.logprob;
    segment.avg_logprob = logprob_sum / static_cast<double>(++segment_words);
    append_word(transcript.text, word.word);
    transcript.words.push_back({std::move(word.word), word.start, word.end});
  }
  return transcript;
}

// A decoder is a hundred thousand small allocations that glibc keeps in its heaps after they
// are freed; trimming returns the pages, or an idle server would keep the memory regardless.
void give_back_memory() {
  malloc_trim(0);
}

bool exists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

}  // namespace

void SphinxTranscriber::DecoderFree::operator()(ps_decoder_s* decoder) const {
  ps_free(decoder);
}

SphinxTranscriber::SphinxTranscriber(SphinxOptions options) : options_(std::move(options)) {
  if (options_.idle_decoder_lifetime.count() > 0) {
    reaper_ = std::thread([this] { free_idle_decoders(); });
  }
}

SphinxTranscriber::~SphinxTranscriber() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  idle_changed_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  idle_.clear();
  give_back_memory();
}

Result<std::unique_ptr<SphinxTranscriber>> SphinxTranscriber::create(SphinxOptions options) {
  for (const std::string& path :
       {options.model_dir + "/mdef", options.dictionary_path, options.language_model_path}) {
    if (exists(path)) continue;
    const std::string package = " (Debian package pocketsphinx-en-us)";
    return make_error(ErrorCode::internal_error,
                      "veyra-sphinx model file not found: " + path + package);
  }
  options.max_decoders = std::max(options.max_decoders, 1u);

  // The process-wide logger of sphinxbase; PocketSphinx would otherwise fill stderr.
  static std::once_flag quiet;
  std::call_once(quiet, [] { err_set_logfp(nullptr); });
  return std::unique_ptr<SphinxTranscriber>(new SphinxTranscriber(std::move(options)));
}

Result<Transcript> SphinxTranscriber::transcribe(const PcmAudio& audio) {
  const std::vector<Utterance> utterances = find_utterances(audio.samples);
  if (utterances.empty()) return assemble({}, audio.duration_seconds());

  Result<DecoderPtr> decoder = acquire();
  if (!decoder) return std::move(decoder).error();
  // A new stream forgets the noise level the decoder learned from its previous audio, so the
  // same audio always gives the same transcript.
  Status decoded = ps_start_stream(decoder->get()) < 0 ? decoder_failed() : Status();
  std::vector<RecognizedWord> words;
  for (std::size_t i = 0; i < utterances.size() && decoded; ++i) {
    decoded = decode_utterance(decoder->get(), audio, utterances[i], i, words);
  }
  // A decoder that failed halfway through an utterance is not trusted again.
  if (!decoded) decoder->reset();
  release(std::move(*decoder));
  if (!decoded) return std::move(decoded).error();

  return assemble(std::move(words), audio.duration_seconds());
}

unsigned SphinxTranscriber::loaded_decoders() const {
  std::lock_guard lock(mutex_);
  return decoders_;
}

Result<SphinxTranscriber::DecoderPtr> SphinxTranscriber::acquire() {
  std::unique_lock lock(mutex_);
  decoder_released_.wait(lock, [&] { return !idle_.empty() || decoders_ < options_.max_decoders; });
  if (!idle_.empty()) {
    DecoderPtr decoder = std::move(idle_.back().decoder);
    idle_.pop_back();
    return decoder;
  }

  // Loading takes a quarter of a second; other callers may take idle decoders meanwhile.
  ++decoders_;
  lock.unlock();
  Result<DecoderPtr> loaded = load_decoder();
  if (!loaded) release(nullptr);
  return loaded;
}

void SphinxTranscriber::release(DecoderPtr decoder) {
  const bool keep = decoder && options_.idle_decoder_lifetime.count() > 0;
  {
    std::lock_guard lock(mutex_);
    if (keep) {
      idle_.push_back({std::move(decoder), std::chrono::steady_clock::now()});
    } else {
      --decoders_;
    }
  }
  decoder_released_.notify_one();
  idle_changed_.notify_one();
  if (decoder) {
    decoder.reset();
    give_back_memory();
  }
}

void SphinxTranscriber::free_idle_decoders() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (idle_.empty()) {
      idle_changed_.wait(lock);
      continue;
    }
    const auto expiry = idle_.front().since + options_.idle_decoder_lifetime;
    if (std::chrono::steady_clock::now() < expiry) {
      idle_changed_.wait_until(lock, expiry);
      continue;
    }

    DecoderPtr expired = std::move(idle_.front().decoder);
    idle_.erase(idle_.begin());
    --decoders_;
    lock.unlock();
    decoder_released_.notify_one();
    expired.reset();
    give_back_memory();
    lock.lock();
  }
}

Result<SphinxTranscriber::DecoderPtr> SphinxTranscriber::load_decoder() {
  std::lock_guard lock(load_mutex_);
  // Timestamps need every 10 ms frame kept, so PocketSphinx's own silence removal is off;
  // find_utterances has already left most silence out.
  cmd_ln_t* config =
      cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", options_.model_dir.c_str(), "-dict",
                  options_.dictionary_path.c_str(), "-lm", options_.language_model_path.c_str(),
                  "-remove_silence", "no", nullptr);
  if (config == nullptr) {
    return make_error(ErrorCode::internal_error, "The speech recognizer could not start.");
  }
  DecoderPtr decoder(ps_init(config));
  cmd_ln_free_r(config);  // the decoder keeps its own reference
  if (!decoder) {
    return make_error(ErrorCode::internal_error, "The speech recognizer could not start.");
  }
  return decoder;
}

}  // namespace veyra::providers::builtin
