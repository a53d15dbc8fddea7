// Anthropic Messages stream -> OpenAI chat completion chunks, one server-sent event at a
// time. The caller parses the SSE bytes and hands over each event's name and data; the
// translator returns the `chat.completion.chunk` objects to send on.
//
// The chunk sequence, for each Anthropic event:
//   message_start        one chunk with delta {role:"assistant", content:""}
//   content_block_start  text: nothing (or its text, if it has any); tool_use: a chunk with
//                        delta.tool_calls [{index, id, type:"function",
//                        function:{name, arguments:""}}], `index` counting tool calls from 0
//   content_block_delta  text_delta: delta.content; input_json_delta: delta.tool_calls
//                        [{index, function:{arguments: the partial JSON}}]; empty pieces and
//                        every other delta (thinking, signature, citations) send nothing
//   message_delta        stop_reason: a chunk with delta {} and finish_reason
//                        (finish_reason_for); its usage updates usage()
//   message_stop         the finish chunk, if message_delta gave none (finish_reason "stop");
//                        then, with include_usage, a chunk with `choices: []` and `usage`;
//                        finished() becomes true
//   error                an Error (error_from_error_event): upstream_unavailable for
//                        overloaded_error and rate_limit_error, upstream_error otherwise
//   ping, content_block_stop, thinking blocks, unknown events: nothing
// Every chunk carries the id chat_completion_id(message id), `created` and `model` as given;
// with include_usage every chunk but the last also carries "usage": null, as OpenAI's do.
// Events after message_stop are ignored.
//
// Not thread-safe: one translator per stream, fed by one coroutine.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace veyra::providers::anthropic {

// The token counts a stream has reported so far, in OpenAI's terms.
struct StreamUsage {
  std::uint64_t prompt_tokens = 0;      // input plus cache tokens (prompt_tokens_of)
  std::uint64_t completion_tokens = 0;  // the latest output_tokens: Anthropic's are cumulative
  bool reported = false;                // true once message_start or message_delta had usage
};

class StreamTranslator {
 public:
  // `include_usage` is the client's stream_options.include_usage: whether the usage chunk is
  // sent. usage() is kept either way, so the caller can record it.
  StreamTranslator(std::string public_model, std::int64_t created, bool include_usage);

  // Consumes one event and appends the chunks it gives to `out_chunks`. `event_name` is the
  // SSE `event:` field; when it is empty the data's `type` is used.
  // Errors: the `error` event's Error as above; upstream_error when the data of an event it
  // handles is not a JSON object or lacks what the event must carry (a message_start without
  // `message`, a content block event without `index`), or when content arrives before
  // message_start. Events it skips are not parsed. Chunks appended before an error stay.
  Result<void> on_event(std::string_view event_name, std::string_view data_json,
                        std::vector<boost::json::object>& out_chunks);

  const StreamUsage& usage() const { return usage_; }

  // True once message_stop has been consumed: the stream is complete.
  bool finished() const { return finished_; }

  // The finish_reason sent, or empty while none has been.
  std::string_view finish_reason() const { return finish_reason_; }

  // The chunks' id; empty before message_start.
  const std::string& id() const { return id_; }

 private:
  enum class BlockKind { text, tool_use, ignored };
  struct Block {
    std::uint64_t index = 0;  // Anthropic's content block index
    BlockKind kind = BlockKind::ignored;
    std::uint64_t tool_call = 0;  // OpenAI's tool call index, for tool_use blocks
  };

  Result<void> on_message_start(const boost::json::object& event,
                                std::vector<boost::json::object>& out);
  Result<void> on_block_start(const boost::json::object& event,
                              std::vector<boost::json::object>& out);
  Result<void> on_block_delta(const boost::json::object& event,
                              std::vector<boost::json::object>& out);
  void on_message_delta(const boost::json::object& event, std::vector<boost::json::object>& out);
  void on_message_stop(std::vector<boost::json::object>& out);

  // A chunk with one choice holding `delta`; `finish_reason` empty means null.
  boost::json::object chunk(boost::json::object delta, std::string_view finish_reason) const;
  void update_usage(const boost::json::object& usage);
  const Block* find_block(std::uint64_t index) const;

  const std::string model_;
  const std::int64_t created_;
  const bool include_usage_;
  std::string id_;
  bool started_ = false;
  bool finished_ = false;
  std::string finish_reason_;
  std::vector<Block> blocks_;  // a message has a handful; looked up linearly
  std::uint64_t tool_calls_ = 0;
  StreamUsage usage_;
};

}  // namespace veyra::providers::anthropic
