#include "providers/builtin/audio_decoder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libswresample/swresample.h>
}

namespace veyra::providers::builtin {
namespace {

constexpr int kIoBufferSize = 32 * 1024;
constexpr std::string_view kNotAudio = "The file is not audio Veyra can decode.";
// Demuxer names as libavformat spells them; a whitelisted name matches any of a demuxer's
// aliases ("mov,mp4,m4a,3gp,3g2,mj2").
constexpr const char* kAudioContainers =
    "wav,w64,mp3,flac,ogg,matroska,webm,mov,mp4,m4a,3gp,aac,aiff,caf,amr,au,mpeg";
// Beyond these an input is more likely damage or an attack than a recording.
constexpr int kMinInputRate = 1000;
constexpr int kMaxInputRate = 768000;
constexpr int kMaxInputChannels = 64;

Error not_audio() {
  return make_error(ErrorCode::invalid_field, std::string(kNotAudio), "file");
}

Error too_long(double max_seconds) {
  return make_error(ErrorCode::invalid_field,
                    "The audio is longer than the limit of " +
                        std::to_string(std::llround(max_seconds)) + " seconds.",
                    "file");
}

// The upload as libavformat reads it: a cursor over bytes that the caller keeps alive.
struct MemoryReader {
  std::string_view bytes;
  std::size_t position = 0;
};

int read_packet(void* opaque, std::uint8_t* buffer, int capacity) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const std::size_t left = reader->bytes.size() - reader->position;
  if (left == 0) return AVERROR_EOF;
  const std::size_t count = std::min(left, static_cast<std::size_t>(std::max(capacity, 0)));
  std::memcpy(buffer, reader->bytes.data() + reader->position, count);
  reader->position += count;
  return static_cast<int>(count);
}

// Seeking is what lets an mp4/m4a with its index (moov) at the end be read at all.
std::int64_t seek(void* opaque, std::int64_t offset, int whence) {
  auto* reader = static_cast<MemoryReader*>(opaque);
  const auto size = static_cast<std::int64_t>(reader->bytes.size());
  const auto position = static_cast<std::int64_t>(reader->position);
  std::int64_t target = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return size;
    case SEEK_SET:
      target = offset;
      break;
    case SEEK_CUR:
      // Compared before adding so that a hostile offset cannot overflow.
      if (offset > size - position || offset < -position) return AVERROR(EINVAL);
      target = position + offset;
      break;
    case SEEK_END:
      if (offset > 0 || offset < -size) return AVERROR(EINVAL);
      target = size + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (target < 0 || target > size) return AVERROR(EINVAL);
  reader->position = static_cast<std::size_t>(target);
  return target;
}

// A container that names other files or URLs (playlists, external mov references) would make
// libavformat open them; an upload may only ever read itself.
int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

struct IoContextFree {
  void operator()(AVIOContext* io) const {
    // libavformat may have replaced the buffer it was given; free the current one.
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
struct FormatContextClose {
  void operator()(AVFormatContext* format) const { avformat_close_input(&format); }
};
struct CodecContextFree {
  void operator()(AVCodecContext* codec) const { avcodec_free_context(&codec); }
};
struct PacketFree {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FrameFree {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct ResamplerFree {
  void operator()(SwrContext* resampler) const { swr_free(&resampler); }
};

using IoContextPtr = std::unique_ptr<AVIOContext, IoContextFree>;
using FormatContextPtr = std::unique_ptr<AVFormatContext, FormatContextClose>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using ResamplerPtr = std::unique_ptr<SwrContext, ResamplerFree>;

void silence_libav_logging() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

// Converts decoded frames of any sample format, rate and channel layout to the output PCM,
// rebuilding its resampler when the input changes shape mid-stream (chained Ogg, some mp3).
class PcmWriter {
 public:
  PcmWriter(std::size_t max_samples, double max_seconds)
      : max_samples_(max_samples), max_seconds_(max_seconds) {}

  Status write(const AVFrame& frame) {
    const int channels = frame.ch_layout.nb_channels;
    if (frame.sample_rate < kMinInputRate || frame.sample_rate > kMaxInputRate || channels < 1 ||
        channels > kMaxInputChannels) {
      return not_audio();
    }
    if (!resampler_ || frame.format != input_format_ || frame.sample_rate != input_rate_ ||
        av_channel_layout_compare(&frame.ch_layout, &input_layout_) != 0) {
      if (Status flushed = flush(); !flushed) return flushed;
      if (Status opened = open(frame); !opened) return opened;
    }
    return convert(const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
  }

  // Drains the samples the resampler still holds.
  Status flush() {
    if (!resampler_) return {};
    Status drained = convert(nullptr, 0);
    resampler_.reset();
    return drained;
  }

  std::vector<std::int16_t> take() { return std::move(samples_); }

  ~PcmWriter() { av_channel_layout_uninit(&input_layout_); }
  PcmWriter(const PcmWriter&) = delete;
  PcmWriter& operator=(const PcmWriter&) = delete;

 private:
  Status open(const AVFrame& frame) {
    av_channel_layout_uninit(&input_layout_);
    if (av_channel_layout_copy(&input_layout_, &frame.ch_layout) < 0) return not_audio();
    input_format_ = frame.format;
    input_rate_ = frame.sample_rate;

    // Decoders that do not know their layout still give the channel count; treat it as the
    // usual layout for that count so the downmix has something to work from.
    AVChannelLayout layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&layout, frame.ch_layout.nb_channels);
    } else if (av_channel_layout_copy(&layout, &frame.ch_layout) < 0) {
      return not_audio();
    }
    AVChannelLayout mono{};
    av_channel_layout_default(&mono, 1);

    SwrContext* resampler = nullptr;
    const int rc = swr_alloc_set_opts2(&resampler, &mono, AV_SAMPLE_FMT_S16, kPcmSampleRate,
                                       &layout, static_cast<AVSampleFormat>(frame.format),
                                       frame.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&layout);
    resampler_.reset(resampler);
    if (rc < 0 || swr_init(resampler_.get()) < 0) return not_audio();
    return {};
  }

  Status convert(const std::uint8_t** input, int input_samples) {
    int capacity = swr_get_out_samples(resampler_.get(), input_samples);
    if (capacity < 0) return not_audio();
    // Room for one sample past the limit is enough to know it is passed, and keeps a single
    // hostile frame of billions of samples from allocating them first.
    const std::size_t before = samples_.size();
    const std::size_t room = max_samples_ - std::min(before, max_samples_) + 1;
    capacity = static_cast<int>(std::min(static_cast<std::size_t>(capacity), room));
    if (capacity == 0) return {};

    samples_.resize(before + static_cast<std::size_t>(capacity));
    auto* output = reinterpret_cast<std::uint8_t*>(samples_.data() + before);
    const int written = swr_convert(resampler_.get(), &output, capacity, input, input_samples);
    samples_.resize(before + static_cast<std::size_t>(std::max(written, 0)));
    if (written < 0) return not_audio();
    if (samples_.size() > max_samples_) return too_long(max_seconds_);
    return {};
  }

  const std::size_t max_samples_;
  const double max_seconds_;
  ResamplerPtr resampler_;
  int input_format_ = -1;
  int input_rate_ = 0;
  AVChannelLayout input_layout_{};
  std::vector<std::int16_t> samples_;
};

// Feeds one packet (nullptr: the end of the stream) to the decoder and writes every frame it
// gives back. A packet the decoder rejects as damaged is skipped, as the ffmpeg tool does.
Status decode_packet(AVCodecContext& codec, const AVPacket* packet, AVFrame& frame,
                     PcmWriter& writer) {
  const int sent = avcodec_send_packet(&codec, packet);
  if (sent == AVERROR(ENOMEM)) return make_error(ErrorCode::internal_error);
  if (sent < 0 && packet != nullptr) return {};

  while (true) {
    const int received = avcodec_receive_frame(&codec, &frame);
    if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) return {};
    if (received == AVERROR(ENOMEM)) return make_error(ErrorCode::internal_error);
    if (received < 0) return {};
    Status written = writer.write(frame);
    av_frame_unref(&frame);
    if (!written) return written;
  }
}

}  // namespace

Result<PcmAudio> decode_audio(std::string_view file_bytes, double max_seconds) {
  silence_libav_logging();
  if (file_bytes.empty()) return not_audio();

  // libavformat reads the upload through a custom I/O context over the caller's bytes.
  MemoryReader reader{file_bytes};
  auto* io_buffer = static_cast<std::uint8_t*>(av_malloc(kIoBufferSize));
  if (io_buffer == nullptr) return make_error(ErrorCode::internal_error);
  IoContextPtr io(
      avio_alloc_context(io_buffer, kIoBufferSize, 0, &reader, read_packet, nullptr, seek));
  if (!io) {
    av_free(io_buffer);
    return make_error(ErrorCode::internal_error);
  }

  AVFormatContext* raw_format = avformat_alloc_context();
  if (raw_format == nullptr) return make_error(ErrorCode::internal_error);
  raw_format->pb = io.get();
  raw_format->flags |= AVFMT_FLAG_CUSTOM_IO;
  raw_format->io_open = refuse_nested_open;
  raw_format->format_whitelist = av_strdup(kAudioContainers);  // freed with the context
  if (raw_format->format_whitelist == nullptr) {
    avformat_free_context(raw_format);
    return make_error(ErrorCode::internal_error);
  }
  // On failure avformat_open_input frees the context itself.
  if (avformat_open_input(&raw_format, nullptr, nullptr, nullptr) < 0) return not_audio();
  FormatContextPtr format(raw_format);
  // ffmpeg itself warns of a likely misdetection at or below this score; random bytes reach it.
  if (format->probe_score <= AVPROBE_SCORE_RETRY) return not_audio();
  if (avformat_find_stream_info(format.get(), nullptr) < 0) return not_audio();

  // The first audio stream and its decoder; everything else is discarded unread.
  const AVCodec* decoder = nullptr;
  const int stream_index =
      av_find_best_stream(format.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
  if (stream_index < 0 || decoder == nullptr) return not_audio();
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (static_cast<int>(i) != stream_index) format->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVStream* stream = format->streams[stream_index];
  CodecContextPtr codec(avcodec_alloc_context3(decoder));
  if (!codec) return make_error(ErrorCode::internal_error);
  if (avcodec_parameters_to_context(codec.get(), stream->codecpar) < 0) return not_audio();
  codec->pkt_timebase = stream->time_base;
  codec->thread_count = 1;  // already on a pool thread; no decoder threads of its own
  if (avcodec_open2(codec.get(), decoder, nullptr) < 0) return not_audio();

  // Decode until the container ends; a read error (a truncated file) ends it as well.
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!packet || !frame) return make_error(ErrorCode::internal_error);
  // Clamped so that any double gives a sample count that fits; NaN counts as 0.
  const double limit = max_seconds > 0 ? std::min(max_seconds, 1e9) : 0;
  PcmWriter writer(static_cast<std::size_t>(limit * kPcmSampleRate), limit);
  while (av_read_frame(format.get(), packet.get()) >= 0) {
    Status decoded = Status();
    if (packet->stream_index == stream_index) {
      decoded = decode_packet(*codec, packet.get(), *frame, writer);
    }
    av_packet_unref(packet.get());
    if (!decoded) return std::move(decoded).error();
  }
  if (Status drained = decode_packet(*codec, nullptr, *frame, writer); !drained) {
    return std::move(drained).error();
  }
  if (Status flushed = writer.flush(); !flushed) return std::move(flushed).error();

  PcmAudio audio{writer.take()};
  if (audio.samples.empty()) return not_audio();
  return audio;
}

}  // namespace veyra::providers::builtin
