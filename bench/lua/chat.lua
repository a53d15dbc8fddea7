-- wrk script for bench/gateway.sh: POSTs one non-streamed OpenAI chat request per call.
-- The body comes from BENCH_CHAT_BODY when set; headers (Authorization, Portkey's routing
-- headers) are passed with wrk -H.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_CHAT_BODY")
  or '{"model":"mock-chat","messages":[{"role":"user","content":"hello"}]}'
wrk.headers["Content-Type"] = "application/json"
