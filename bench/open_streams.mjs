#!/usr/bin/env node
// Opens many streamed chat calls at once and holds them open, so a benchmark can read the
// memory of the servers in between.
//
//   node bench/open_streams.mjs --url URL --count N [--header 'Name: value']...
//                               [--concurrency 200] [--body JSON] [--timeout 120] [--hold 600]
//
// Every stream is its own connection (no keep-alive: "Connection: close"). At most
// --concurrency streams are waiting for their first chunk at any time. A stream counts as
// open once its response is 200 and bytes holding "data:" arrived; any other status, a
// connection error or an end before the first chunk counts as failed.
//
// Prints one JSON line {"event":"ready",...} once every stream is open or failed (or
// --timeout seconds passed), then holds the streams, reading and dropping whatever arrives,
// until SIGTERM/SIGINT or --hold seconds; then prints {"event":"closed",...} with how many
// streams were still open and how many ended on their own during the hold, and exits.
// The paced upstream should wait longer than the hold between chunks (e.g. the mock with
// --chunk-delay-ms 600000). Raise `ulimit -n` above N before running.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '10000' },
    header: { type: 'string', multiple: true, default: [] },
    concurrency: { type: 'string', default: '200' },
    body: {
      type: 'string',
      default: '{"model":"mock-chat","stream":true,"messages":[{"role":"user","content":"hello"}]}',
    },
    timeout: { type: 'string', default: '120' },
    hold: { type: 'string', default: '600' },
  },
});
if (!opts.url) {
  console.error('open_streams.mjs: --url is required');
  process.exit(64);
}

const url = new URL(opts.url);
const count = Number(opts.count);
const concurrency = Math.max(1, Number(opts.concurrency));
const body = Buffer.from(opts.body);
const headers = { 'content-type': 'application/json', 'content-length': body.length };
for (const line of opts.header) {
  const colon = line.indexOf(':');
  if (colon <= 0) {
    console.error(`open_streams.mjs: bad --header "${line}" (want "Name: value")`);
    process.exit(64);
  }
  headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
}

const started = process.hrtime.bigint();
const firstChunkMs = [];
const requests = new Set();
let launched = 0;
let pending = 0;  // launched, not yet open or failed
let open = 0;     // open right now
let failed = 0;
let endedDuringHold = 0;
let holding = false;
let closing = false;
let firstFailure = null;
const failures = new Map();  // reason -> count

function fail(reason) {
  failed++;
  firstFailure ??= reason;
  const key = reason.replace(/\d+/g, 'N').slice(0, 80);
  failures.set(key, (failures.get(key) ?? 0) + 1);
}

function launch() {
  launched++;
  pending++;
  const t0 = process.hrtime.bigint();
  let state = 'waiting';  // waiting -> open -> gone, or waiting -> failed
  const settle = (next, reason) => {
    if (state === 'waiting') {
      pending--;
      if (next === 'open') {
        open++;
        firstChunkMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } else {
        fail(reason);
      }
      state = next;
      refill();
    } else if (state === 'open' && next !== 'open') {
      open--;
      if (!closing) endedDuringHold++;
      state = 'gone';
    }
  };
  const request = http.request(
    { method: 'POST', host: url.hostname, port: url.port, path: url.pathname + url.search, headers, agent: false },
    (response) => {
      response.setEncoding('utf8');
      let seen = '';
      response.on('data', (text) => {
        if (state !== 'waiting') return;
        seen = (seen + text).slice(-512);
        if (response.statusCode !== 200) return;
        if (seen.includes('data:')) settle('open');
      });
      response.on('end', () => {
        settle('failed', response.statusCode !== 200
          ? `status ${response.statusCode}: ${seen.slice(0, 160)}`
          : 'stream ended before its first chunk');
        requests.delete(request);
      });
      response.on('error', (error) => settle('failed', `response: ${error.message}`));
    },
  );
  request.on('error', (error) => settle('failed', `request: ${error.code ?? error.message}`));
  request.on('close', () => {
    settle('failed', 'connection closed before the first chunk');
    requests.delete(request);
  });
  requests.add(request);
  request.end(body);
}

function refill() {
  while (launched < count && pending < concurrency) launch();
  if (!holding && pending === 0 && launched === count) ready('all settled');
}

function summary(event) {
  const sorted = [...firstChunkMs].sort((a, b) => a - b);
  const pct = (p) =>
    sorted.length ? Math.round(sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]) : null;
  return {
    event,
    url: opts.url,
    requested: count,
    launched,
    opened: firstChunkMs.length,
    failed,
    open_now: open,
    pending,
    ended_during_hold: endedDuringHold,
    seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)),
    first_chunk_p50_ms: pct(50),
    first_chunk_p99_ms: pct(99),
    first_failure: firstFailure,
    failures: Object.fromEntries(failures),
  };
}

let timeoutTimer = null;
function ready(why) {
  if (holding) return;
  holding = true;
  clearTimeout(timeoutTimer);
  console.log(JSON.stringify({ ...summary('ready'), why }));
  setTimeout(() => shutdown('hold elapsed'), Number(opts.hold) * 1000);
}

function shutdown(why) {
  if (closing) return;
  console.log(JSON.stringify({ ...summary('closed'), why }));
  closing = true;
  for (const request of requests) request.destroy();
  process.exit(0);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
timeoutTimer = setTimeout(() => ready(`timeout after ${opts.timeout} s`), Number(opts.timeout) * 1000);
refill();
