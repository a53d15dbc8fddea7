// End-to-end checks of veyra-mock-upstream through the official OpenAI SDK and plain fetch:
// the fake must look like OpenAI to real clients before gateway tests can lean on it.
//
// Run: cd tests/e2e && node --test mock_upstream.test.mjs
// The binary comes from VEYRA_MOCK_BIN, else ../../build/veyra-mock-upstream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import OpenAI from 'openai';

const here = path.dirname(fileURLToPath(import.meta.url));
const mockBin = process.env.VEYRA_MOCK_BIN ?? path.join(here, '../../build/veyra-mock-upstream');
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let child;
let baseUrl;
let client;
const output = [];  // every stdout line, for diagnosing a failure

// Starts the mock on a free port and resolves with the "HOST:PORT" it prints.
function startMock() {
  return new Promise((resolve, reject) => {
    child = spawn(mockBin, ['--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => reject(new Error(`no listening line: ${output.join('\n')}`)),
                             10_000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`mock exited ${code}`)); });
    // Keep reading after the first line so access logs never fill the pipe.
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const match = /^listening on (.+:\d+)$/.exec(line);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
  });
}

async function stats() {
  const response = await fetch(`${baseUrl}/_mock/stats`);
  return response.json();
}

// Polls the stats until `predicate` holds or `timeoutMs` passes; returns the last stats.
async function waitForStats(predicate, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  let current = await stats();
  while (!predicate(current) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    current = await stats();
  }
  return current;
}

async function collect(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

before(async () => {
  const address = await startMock();
  baseUrl = `http://${address}`;
  client = new OpenAI({ apiKey: 'sk-mock-test', baseURL: `${baseUrl}/v1`, maxRetries: 0 });
});

// SIGTERM asks for the graceful drain (3 s grace in the mock); SIGKILL is the fallback so a
// stuck drain cannot hang the suite.
after(async () => {
  if (!child || child.exitCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    console.error('veyra-mock-upstream did not exit within 4 s of SIGTERM; sending SIGKILL');
    child.kill('SIGKILL');
  }, 4_000);
  await exited;
  clearTimeout(timer);
});

test('MockUpstream.ListsModels', async () => {
  const page = await client.models.list();

  const ids = page.data.map((model) => model.id);
  assert.ok(ids.includes('mock-gpt'));
  assert.ok(page.data.every((model) => model.object === 'model'));
});

test('MockUpstream.AnswersChatCompletion', async () => {
  const completion = await client.chat.completions.create({
    model: 'mock-gpt',
    messages: [{ role: 'user', content: 'Say something deterministic, please.' }],
    mock: { tokens: 3 },
  });

  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'mock-gpt');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, 'tok1 tok2 tok3');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.completion_tokens, 3);
  assert.equal(completion.usage.prompt_tokens, 9);  // 36 characters / 4
  assert.equal(completion.usage.total_tokens, 12);
});

test('MockUpstream.StreamsChunksWithoutUsageByDefault', async () => {
  const stream = await client.chat.completions.create({
    model: 'mock-gpt',
    messages: [{ role: 'user', content: 'stream please' }],
    stream: true,
    mock: { tokens: 4 },
  });

  const chunks = await collect(stream);

  assert.equal(chunks[0].object, 'chat.completion.chunk');
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  const content = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
  assert.equal(content, 'tok1 tok2 tok3 tok4');
  assert.equal(chunks.length, 6);  // role, 4 tokens, finish
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  assert.ok(chunks.every((chunk) => chunk.usage == null));
});

test('MockUpstream.StreamsUsageChunkWhenAsked', async () => {
  const stream = await client.chat.completions.create({
    model: 'mock-gpt',
    messages: [{ role: 'user', content: 'count me' }],
    stream: true,
    stream_options: { include_usage: true },
    mock: { tokens: 2 },
  });

  const chunks = await collect(stream);

  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 });
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
});

test('MockUpstream.CutStreamEndsWithoutDone', async () => {
  const before = await stats();
  const stream = await client.chat.completions.create({
    model: 'mock-gpt',
    messages: [{ role: 'user', content: 'cut me off' }],
    stream: true,
    mock: { tokens: 10, cut_after: 4 },
  });

  const chunks = await collect(stream);

  const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta?.content);
  assert.equal(contentChunks.length, 4);
  assert.ok(chunks.every((chunk) => chunk.choices[0]?.finish_reason == null));
  const after = await stats();
  assert.equal(after.streams_cut, before.streams_cut + 1);
});

test('MockUpstream.EmbeddingsFloatAndBase64Agree', async () => {
  const input = ['hello world', 'another text'];

  const asFloats = await client.embeddings.create({
    model: 'mock-embedding', input, dimensions: 16, encoding_format: 'float',
  });
  // Without encoding_format the SDK asks for base64 and decodes the float32 bytes itself.
  const decoded = await client.embeddings.create({
    model: 'mock-embedding', input, dimensions: 16,
  });
  const asBase64 = await client.embeddings.create({
    model: 'mock-embedding', input: 'hello world', dimensions: 16, encoding_format: 'base64',
  });

  assert.equal(asFloats.data.length, 2);
  const vector = asFloats.data[0].embedding;
  assert.equal(vector.length, 16);
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
  assert.notDeepEqual(asFloats.data[0].embedding, asFloats.data[1].embedding);
  assert.deepEqual(decoded.data.map((item) => Array.from(item.embedding)),
                   asFloats.data.map((item) => item.embedding));
  const bytes = Buffer.from(asBase64.data[0].embedding, 'base64');
  const floats = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
  assert.deepEqual(floats, vector);
  assert.equal(asFloats.usage.total_tokens, asFloats.usage.prompt_tokens);
});

test('MockUpstream.ImagesAreRealPngs', async () => {
  const images = await client.images.generate({
    model: 'mock-image', prompt: 'a red square', n: 2,
  });
  const asUrl = await client.images.generate({
    model: 'mock-image', prompt: 'a red square', response_format: 'url',
  });

  assert.equal(images.data.length, 2);
  for (const image of images.data) {
    const png = Buffer.from(image.b64_json, 'base64');
    assert.deepEqual(png.subarray(0, 8), pngSignature);
    assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
    assert.equal(png.readUInt32BE(16), 8);  // width
  }
  assert.match(asUrl.data[0].url, /^data:image\/png;base64,/);
});

test('MockUpstream.FailureModelSurfacesAsApiError', async () => {
  await assert.rejects(
    client.chat.completions.create({
      model: 'mock-fail-503', messages: [{ role: 'user', content: 'fail' }],
    }),
    (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 503);
      assert.equal(error.code, 'service_unavailable');
      return true;
    });
});

test('MockUpstream.SlowModelDelaysTheAnswer', async () => {
  const started = performance.now();

  await client.chat.completions.create({ model: 'mock-slow-200', messages: [] });

  assert.ok(performance.now() - started >= 190);
});

test('MockUpstream.EchoesRequestHeaders', async () => {
  const completion = await client.chat.completions.create({
    model: 'mock-gpt', messages: [], mock: { echo_headers: true },
  });
  const last = await (await fetch(`${baseUrl}/_mock/last`)).json();

  const headers = JSON.parse(completion.choices[0].message.content);
  assert.equal(headers.authorization, 'Bearer sk-mock-test');
  assert.equal(last.path, '/v1/chat/completions');
  assert.equal(last.headers.authorization, 'Bearer sk-mock-test');
  assert.deepEqual(last.body.mock, { echo_headers: true });
});

test('MockUpstream.InvalidJsonIs400', async () => {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"model": ',
  });

  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.error.code, 'invalid_json');
});

test('MockUpstream.TranscribesMultipartUploads', async () => {
  const audio = new Uint8Array(5000).fill(7);
  const form = new FormData();
  form.append('file', new Blob([audio], { type: 'audio/wav' }), 'speech.wav');
  form.append('model', 'mock-whisper');
  const textForm = new FormData();
  textForm.append('model', 'mock-whisper');
  textForm.append('response_format', 'text');
  textForm.append('file', new Blob([audio.subarray(0, 10)]), 'short.wav');

  const json = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form });
  const text = await fetch(`${baseUrl}/v1/audio/transcriptions`, {
    method: 'POST', body: textForm,
  });
  const notMultipart = await fetch(`${baseUrl}/v1/audio/transcriptions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}',
  });

  assert.equal(json.status, 200);
  assert.deepEqual(await json.json(), { text: 'mock transcription of 5000 bytes' });
  assert.equal(text.status, 200);
  assert.equal(await text.text(), 'mock transcription of 10 bytes\n');
  assert.equal(notMultipart.status, 415);
  assert.equal((await notMultipart.json()).error.code, 'unsupported_media_type');
});

test('MockUpstream.CountsStreamsTheClientAbandoned', async () => {
  const before = await stats();
  const stream = await client.chat.completions.create({
    model: 'mock-gpt',
    messages: [{ role: 'user', content: 'a long answer' }],
    stream: true,
    mock: { tokens: 500, chunk_delay_ms: 10 },
  });

  let received = 0;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content) received += 1;
    if (received === 3) break;  // leaving the loop aborts the request
  }

  const after = await waitForStats(
    (current) => current.streams_client_gone > before.streams_client_gone);
  assert.equal(after.streams_client_gone, before.streams_client_gone + 1);
  assert.equal(after.streams_started, before.streams_started + 1);
  assert.equal(after.streams_completed, before.streams_completed);
});
