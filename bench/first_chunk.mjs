#!/usr/bin/env node
// Time to first chunk of streamed chat calls, one after another on one keep-alive connection.
//
//   node bench/first_chunk.mjs --url URL [--header 'Name: value']... [--count 500]
//                              [--warmup 20] [--body JSON]
//
// Each call POSTs the body (stream: true) and measures from just before the request is
// written until the first bytes holding "data:" arrive; it then reads the stream to its end
// and counts the call as an error unless the status was 200 and "data: [DONE]" came. The
// first --warmup calls are not recorded. Prints one JSON line: count, errors, p50/p90/p99/max
// and mean in microseconds, and the first error seen. Plain node:http, no dependencies.
import http from 'node:http';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    count: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '20' },
    body: {
      type: 'string',
      default: '{"model":"mock-chat","stream":true,"messages":[{"role":"user","content":"hello"}]}',
    },
    timeout: { type: 'string', default: '10' },
  },
});
if (!opts.url) {
  console.error('first_chunk.mjs: --url is required');
  process.exit(64);
}

const url = new URL(opts.url);
const count = Number(opts.count);
const warmup = Number(opts.warmup);
const timeoutMs = Number(opts.timeout) * 1000;
const body = Buffer.from(opts.body);
const headers = { 'content-type': 'application/json', 'content-length': body.length };
for (const line of opts.header) {
  const colon = line.indexOf(':');
  if (colon <= 0) {
    console.error(`first_chunk.mjs: bad --header "${line}" (want "Name: value")`);
    process.exit(64);
  }
  headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

// One streamed call. Resolves { firstChunkNs } or { error }.
function stream() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let firstChunkNs = null;
    let tail = '';
    let settled = false;
    const finish = (result) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const request = http.request(
      { method: 'POST', host: url.hostname, port: url.port, path: url.pathname + url.search, headers, agent },
      (response) => {
        response.setEncoding('utf8');
        let errorBody = '';
        response.on('data', (text) => {
          if (response.statusCode !== 200) {
            errorBody += text;
            return;
          }
          if (firstChunkNs === null) {
            tail += text;
            if (tail.includes('data:')) firstChunkNs = process.hrtime.bigint() - started;
          } else {
            tail += text;
          }
          if (tail.length > 256) tail = tail.slice(-64);
        });
        response.on('end', () => {
          if (response.statusCode !== 200) {
            finish({ error: `status ${response.statusCode}: ${errorBody.slice(0, 200)}` });
          } else if (firstChunkNs === null) {
            finish({ error: 'stream ended without a data: chunk' });
          } else if (!tail.includes('data: [DONE]')) {
            finish({ error: 'stream ended without data: [DONE]' });
          } else {
            finish({ firstChunkNs });
          }
        });
        response.on('error', (error) => finish({ error: `response: ${error.message}` }));
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer in ${opts.timeout} s`)));
    request.on('error', (error) => finish({ error: `request: ${error.message}` }));
    request.end(body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

const samplesUs = [];
let errors = 0;
let firstError = null;
for (let i = 0; i < warmup + count; i++) {
  const result = await stream();
  if (result.error) {
    errors++;
    firstError ??= result.error;
    continue;
  }
  if (i >= warmup) samplesUs.push(Number(result.firstChunkNs) / 1000);
}
agent.destroy();

samplesUs.sort((a, b) => a - b);
const round = (value) => (value === null ? null : Math.round(value));
const mean = samplesUs.length ? samplesUs.reduce((a, b) => a + b, 0) / samplesUs.length : null;
console.log(
  JSON.stringify({
    url: opts.url,
    count: samplesUs.length,
    errors,
    p50_us: round(percentile(samplesUs, 50)),
    p90_us: round(percentile(samplesUs, 90)),
    p99_us: round(percentile(samplesUs, 99)),
    max_us: round(samplesUs.at(-1) ?? null),
    mean_us: round(mean),
    first_error: firstError,
  }),
);
process.exit(errors > 0 ? 1 : 0);
