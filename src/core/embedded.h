// Files compiled into the binary by cmake/embed.cmake (migrations, web pages, word lists).
#pragma once

#include <span>
#include <string_view>

namespace veyra::embedded {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, e.g. "0001_init.sql"
  std::string_view data;
};
using EmbeddedFiles = std::span<const EmbeddedFile>;

// Sorted by path. Each bundle is defined by a veyra_embed() call in CMakeLists.txt.
EmbeddedFiles migrations();
EmbeddedFiles common_passwords();

}  // namespace veyra::embedded
