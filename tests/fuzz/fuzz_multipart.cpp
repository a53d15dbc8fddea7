// Untrusted input: a multipart/form-data request body. The first two bytes choose where the
// body is cut in two, the third picks small or default limits; the rest is the body, with the
// boundary "fuzzB". Two pieces must give what one piece gives; a form that parses must come
// back the same through MultipartBuilder. The body also goes through multipart_boundary as a
// Content-Type value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart.h"

namespace {

using namespace veyra;
using namespace veyra::http;

constexpr std::string_view kBoundary = "fuzzB";

// Everything the sink saw, as one comparable log. Content bytes go to `content`, so that after
// a failure (where how much content came before the error depends on the cut) the structure
// can still be compared.
class Recorder : public MultipartSink {
 public:
  void on_part_begin(const MultipartPartInfo& info) override {
    if (open_) __builtin_trap();
    open_ = true;
    structure += "begin " + info.name + "|" + info.filename.value_or("<none>") + "|" +
                 info.content_type + "\n";
    fields.push_back({info.name, info.filename, info.content_type, {}});
  }
  void on_part_data(std::string_view bytes) override {
    if (!open_ || bytes.empty()) __builtin_trap();
    fields.back().data.append(bytes);
  }
  void on_part_end() override {
    if (!open_) __builtin_trap();
    open_ = false;
    structure += "end\n";
  }

  std::string structure;
  std::vector<MultipartField> fields;

 private:
  bool open_ = false;
};

struct Outcome {
  Recorder recorder;
  std::optional<Error> error;
};

void parse(std::string_view body, std::size_t cut, const MultipartLimits& limits,
           Outcome& outcome) {
  MultipartParser parser(std::string(kBoundary), outcome.recorder, limits);
  Status status = parser.feed(body.substr(0, cut));
  if (status) status = parser.feed(body.substr(cut));
  if (status) status = parser.finish();
  if (!status) outcome.error = status.error();
}

bool same_fields(const std::vector<MultipartField>& a, const std::vector<MultipartField>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].filename != b[i].filename ||
        a[i].content_type != b[i].content_type || a[i].data != b[i].data) {
      return false;
    }
  }
  return true;
}

// Rebuilds a parsed form and parses it again. Builder output differs from its input where
// the builder normalizes: CR, LF and NUL in filenames, a field's content type, an empty file type.
void check_round_trip(const std::vector<MultipartField>& fields) {
  MultipartBuilder builder(std::string{kBoundary});
  std::vector<MultipartField> expected = fields;
  for (MultipartField& field : expected) {
    if (!field.filename) {
      builder.add_field(field.name, field.data);
      field.content_type.clear();
      continue;
    }
    if (field.filename->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return;
    }
    builder.add_file(field.name, *field.filename, field.content_type, field.data);
    if (field.content_type.empty()) field.content_type = "application/octet-stream";
  }

  MultipartLimits roomy;
  roomy.max_parts = fields.size();
  roomy.max_part_header_bytes = 1 << 20;
  std::string content_type = builder.content_type();
  auto form = parse_multipart_form(content_type, std::move(builder).finish(), roomy);
  if (!form || !same_fields(form->fields, expected)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 3, size - 3);
  std::size_t cut = (data[0] | data[1] << 8) % (body.size() + 1);
  MultipartLimits limits;
  if (data[2] & 1) {
    limits.max_parts = data[2] >> 4;
    limits.max_part_header_bytes = 64;
    limits.max_field_bytes = 16;
    limits.max_file_bytes = 48;
  }

  Outcome whole, split;
  parse(body, body.size(), limits, whole);
  parse(body, cut, limits, split);
  if (whole.error.has_value() != split.error.has_value()) __builtin_trap();
  if (whole.recorder.structure != split.recorder.structure) __builtin_trap();
  if (whole.error) {
    if (whole.error->code != split.error->code || whole.error->message != split.error->message ||
        whole.error->param != split.error->param) {
      __builtin_trap();
    }
  } else {
    if (!same_fields(whole.recorder.fields, split.recorder.fields)) __builtin_trap();
    check_round_trip(whole.recorder.fields);
  }

  if (auto boundary = multipart_boundary(body)) {
    if (boundary->empty() || boundary->size() > 70) __builtin_trap();
  }
  return 0;
}
