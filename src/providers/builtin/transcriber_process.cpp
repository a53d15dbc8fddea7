#include "providers/builtin/transcriber_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/log.h"

extern char** environ;

namespace veyra::providers::builtin {

namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024 * 1024;
constexpr std::size_t kMaxStderrBytes = 4096;
constexpr int kExitInputError = 3;
constexpr const char* kSpeechModelFiles[] = {
    "/usr/share/pocketsphinx/model/en-us/en-us/mdef",
    "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
    "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
};

// Closes a descriptor once.
struct Fd {
  int fd = -1;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

Error internal(std::string_view detail) {
  log_event(LogLevel::error, "transcriber_failed", {{"detail", detail}});
  return make_error(ErrorCode::internal_error, "The transcription failed.");
}

// Blocks SIGPIPE on this thread while it writes to the child: a child that exits before
// reading all its input must fail the write with EPIPE, not kill the server. A SIGPIPE raised
// meanwhile is discarded before the mask is restored.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      timespec none{0, 0};
      while (sigtimedwait(&pipe_, nullptr, &none) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

// What the child wrote and how it ended.
struct ChildOutcome {
  std::string out;
  std::string err;
  int status = 0;
  bool timed_out = false;
};

// Feeds `input` to the child's stdin while draining its stdout and stderr, so neither side
// blocks on a full pipe; kills the child at `deadline`.
Result<ChildOutcome> exchange(pid_t pid, Fd& in, Fd& out, Fd& err, std::string_view input,
                              std::chrono::steady_clock::time_point deadline) {
  SigpipeGuard no_sigpipe;
  ChildOutcome outcome;
  std::size_t written = 0;
  char buffer[65536];
  while (out.fd >= 0 || err.fd >= 0) {
    pollfd fds[3];
    int count = 0;
    if (in.fd >= 0) fds[count++] = {in.fd, POLLOUT, 0};
    if (out.fd >= 0) fds[count++] = {out.fd, POLLIN, 0};
    if (err.fd >= 0) fds[count++] = {err.fd, POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      outcome.timed_out = true;
      break;
    }
    int ready = ::poll(fds, count, static_cast<int>(std::min<std::int64_t>(left.count(), INT_MAX)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    for (int i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in.fd) {
        ssize_t n = ::write(in.fd, input.data() + written,
                            std::min<std::size_t>(input.size() - written, sizeof buffer));
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN && errno != EINTR) in.reset();  // the child stopped reading
        if (written == input.size()) in.reset();                     // EOF for the child
        continue;
      }
      bool is_out = fds[i].fd == out.fd;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        std::string& sink = is_out ? outcome.out : outcome.err;
        std::size_t cap = is_out ? kMaxAnswerBytes : kMaxStderrBytes;
        if (sink.size() < cap) sink.append(buffer, std::min<std::size_t>(n, cap - sink.size()));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        (is_out ? out : err).reset();
      }
    }
  }
  in.reset();
  while (::waitpid(pid, &outcome.status, 0) < 0 && errno == EINTR) {
  }
  return outcome;
}

}  // namespace

std::string TranscriberProcess::default_program() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "veyra-transcribe";
  return (self.parent_path() / "veyra-transcribe").string();
}

Result<std::unique_ptr<TranscriberProcess>> TranscriberProcess::create(
    TranscriberProcessOptions options) {
  if (::access(options.program.c_str(), X_OK) != 0) {
    return make_error(ErrorCode::internal_error,
                      "the transcriber program " + options.program + " is missing");
  }
  for (const char* path : kSpeechModelFiles) {
    if (::access(path, R_OK) != 0) {
      return make_error(ErrorCode::internal_error,
                        std::string("the speech model is not installed (") + path +
                            " is missing; install the pocketsphinx-en-us package)");
    }
  }
  return std::unique_ptr<TranscriberProcess>(new TranscriberProcess(std::move(options)));
}

Result<RenderedTranscript> TranscriberProcess::run(std::string_view audio,
                                                   std::string_view response_format,
                                                   std::string_view language) const {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return internal("pipe failed");
  Fd in_read{in_pipe[0]}, in_write{in_pipe[1]};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return internal("pipe failed");
  Fd out_read{out_pipe[0]}, out_write{out_pipe[1]};
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return internal("pipe failed");
  Fd err_read{err_pipe[0]}, err_write{err_pipe[1]};
  for (int fd : {in_write.fd, out_read.fd, err_read.fd}) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  }

  // The child gets the three pipes and nothing else of the server: no sockets, no database.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  std::string format(response_format.empty() ? "json" : response_format);
  std::string lang(language);
  std::string seconds = std::to_string(options_.max_audio_seconds);
  std::vector<char*> argv = {const_cast<char*>(options_.program.c_str()),
                             const_cast<char*>("--format"),
                             format.data(),
                             const_cast<char*>("--language"),
                             lang.data(),
                             const_cast<char*>("--max-seconds"),
                             seconds.data(),
                             nullptr};
  pid_t pid = 0;
  int spawned =
      ::posix_spawn(&pid, options_.program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return internal(std::string("spawn failed: ") + std::strerror(spawned));
  in_read.reset();
  out_write.reset();
  err_write.reset();

  auto outcome = exchange(pid, in_write, out_read, err_read, audio,
                          std::chrono::steady_clock::now() + options_.deadline);
  if (!outcome) return outcome.error();
  if (outcome->timed_out) return internal("the transcriber ran past its deadline");
  if (!WIFEXITED(outcome->status)) {
    return internal("the transcriber was killed by signal " +
                    std::to_string(WIFSIGNALED(outcome->status) ? WTERMSIG(outcome->status) : 0));
  }
  int code = WEXITSTATUS(outcome->status);
  std::string_view out = outcome->out;
  std::size_t newline = out.find('\n');
  if (code == kExitInputError && newline != std::string_view::npos) {
    return make_error(ErrorCode::invalid_field, std::string(out.substr(newline + 1)),
                      std::string(out.substr(0, newline)));
  }
  if (code != 0 || newline == std::string_view::npos) {
    return internal("the transcriber exited with " + std::to_string(code) + ": " + outcome->err);
  }
  return RenderedTranscript{std::string(out.substr(0, newline)),
                            std::string(out.substr(newline + 1))};
}

}  // namespace veyra::providers::builtin
