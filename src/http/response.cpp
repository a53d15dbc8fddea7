#include "http/response.h"

namespace veyra::http {

Response Response::json(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::text(unsigned status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

Response Response::error(const Error& error) {
  Response response = json(http_status(error.code), error_body(error));
  if (error.retry_after_s > 0) {
    response.set_header("Retry-After", std::to_string(error.retry_after_s));
  }
  return response;
}

Response Response::error(ErrorCode code, std::string message, std::string param) {
  return error(make_error(code, std::move(message), std::move(param)));
}

Response& Response::set_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace veyra::http
