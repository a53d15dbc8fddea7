// Helpers for the store tests: a fresh temporary directory per test and an ErrorLog that keeps
// what it receives.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "store/database.h"

namespace veyra::store::testing {

// A directory under the system temp dir, created empty and removed with its contents.
class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "veyra-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  // Empty when the directory could not be created.
  const std::filesystem::path& path() const { return path_; }

  std::string file(std::string_view name) const { return (path_ / name).string(); }

  // "sqlite:///tmp/veyra-store-XXXXXX/<name>".
  std::string sqlite_url(std::string_view name) const { return "sqlite://" + file(name); }

 private:
  std::filesystem::path path_;
};

// Collects error log lines; safe to feed from several threads.
class LogCapture {
 public:
  ErrorLog sink() {
    return [this](std::string_view detail) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(detail);
    };
  }

  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

  // True when some line contains `text`.
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    for (const std::string& line : lines_) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;  // guarded by mutex_
};

}  // namespace veyra::store::testing
