#include "auth/api_key_cache.h"

#include <array>
#include <mutex>

namespace veyra::auth {
namespace {

constexpr std::array<std::string_view, 5> kScopeNames = {"models", "chat", "embeddings", "images",
                                                         "audio"};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_hash(std::string_view hex, ApiKeyHash& out) {
  if (hex.size() != out.size() * 2) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int high = hex_digit(hex[2 * i]);
    int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    out[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return true;
}

}  // namespace

unsigned scope_bit(std::string_view name) {
  for (std::size_t i = 0; i < kScopeNames.size(); ++i) {
    if (kScopeNames[i] == name) return 1u << i;
  }
  return 0;
}

std::vector<std::string> scope_names(unsigned scopes) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < kScopeNames.size(); ++i) {
    if (scopes & (1u << i)) names.emplace_back(kScopeNames[i]);
  }
  return names;
}

ApiKeyCache::ApiKeyCache(const ApiKeyCodec& codec, const Clock& clock)
    : codec_(codec), clock_(clock) {}

void ApiKeyCache::put(const store::ApiKeyRecord& key) {
  ApiKeyHash hash;
  if (!parse_hash(key.key_hash, hash)) return;
  auto entry = std::make_shared<Entry>();
  entry->id = key.id;
  entry->user_id = key.user_id;
  entry->scopes = 0;
  for (const std::string& scope : key.scopes) entry->scopes |= scope_bit(scope);
  if (key.models) entry->models = std::make_shared<const std::vector<std::string>>(*key.models);
  entry->rpm_limit = key.rpm_limit;
  entry->expires_at = key.expires_at;
  entry->revoked = key.revoked_at != 0;
  entry->last_used_at = key.last_used_at;
  entry->reported_at = key.last_used_at;

  std::unique_lock lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(hash, entry);
  if (!inserted) {
    // Uses noted on the old entry and not yet reported carry over.
    entry->last_used_at = std::max(key.last_used_at, it->second->last_used_at.load());
    entry->reported_at = it->second->reported_at.load();
    it->second = std::move(entry);
  }
}

Result<Principal> ApiKeyCache::authenticate(std::string_view key) const {
  if (!ApiKeyCodec::well_formed(key)) return make_error(ErrorCode::invalid_api_key);
  ApiKeyHash hash;
  if (!codec_.hash(key, hash)) return make_error(ErrorCode::internal_error);

  std::shared_ptr<const Entry> entry;
  {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(hash);
    if (it == entries_.end()) return make_error(ErrorCode::invalid_api_key);
    entry = it->second;
  }
  if (entry->revoked) return make_error(ErrorCode::api_key_revoked);
  const std::int64_t now = clock_.now();
  if (entry->expires_at != 0 && entry->expires_at <= now) {
    return make_error(ErrorCode::api_key_expired);
  }

  // One store per key and second at most: calls in the same second share the cache line.
  if (entry->last_used_at.load(std::memory_order_relaxed) < now) {
    entry->last_used_at.store(now, std::memory_order_relaxed);
  }
  Principal principal;
  principal.kind = Principal::Kind::api_key;
  principal.user_id = entry->user_id;
  principal.key_id = entry->id;
  principal.scopes = entry->scopes;
  principal.models = entry->models;
  principal.rpm_limit = entry->rpm_limit;
  return principal;
}

std::vector<store::ApiKeyUse> ApiKeyCache::take_uses() {
  std::vector<store::ApiKeyUse> uses;
  std::shared_lock lock(mutex_);
  for (const auto& [hash, entry] : entries_) {
    std::int64_t used = entry->last_used_at.load(std::memory_order_relaxed);
    if (used > entry->reported_at.load(std::memory_order_relaxed)) {
      entry->reported_at.store(used, std::memory_order_relaxed);
      uses.push_back({entry->id, used});
    }
  }
  return uses;
}

std::size_t ApiKeyCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace veyra::auth
