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

// ---------------------------------------------------------------------------------------------
// POST /v1/messages: the fake of Anthropic's Messages API, spoken to with plain fetch.

const anthropicHeaders = {
  'content-type': 'application/json',
  'x-api-key': 'sk-ant-mock-test',
  'anthropic-version': '2023-06-01',
};

function anthropic(body, headers = anthropicHeaders) {
  return fetch(`${baseUrl}/v1/messages`, { method: 'POST', headers, body: JSON.stringify(body) });
}

// The events of a server-sent event body, as [{event, data}] with the data parsed.
function sseEvents(text) {
  return text.split('\n\n').filter((block) => block.trim() !== '').map((block) => ({
    event: /^event: (.*)$/m.exec(block)?.[1],
    data: JSON.parse(/^data: (.*)$/m.exec(block)[1]),
  }));
}

test('MockUpstream.AnthropicAnswersAMessageAndRecordsTheRequest', async () => {
  const response = await anthropic({
    model: 'claude-mock',
    max_tokens: 100,
    system: 'Be brief.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello   there' }] }],
  });
  const last = await (await fetch(`${baseUrl}/_mock/last`)).json();

  assert.equal(response.status, 200);
  const message = await response.json();
  assert.match(message.id, /^msg_/);
  assert.equal(message.type, 'message');
  assert.equal(message.role, 'assistant');
  assert.equal(message.model, 'claude-mock');
  assert.deepEqual(message.content, [{ type: 'text', text: 'You said: Hello there' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.equal(message.stop_sequence, null);
  assert.equal(message.usage.output_tokens, 5);  // You, said, :, Hello, there
  assert.ok(message.usage.input_tokens > message.usage.output_tokens);
  assert.equal(last.path, '/v1/messages');
  assert.equal(last.headers['x-api-key'], 'sk-ant-mock-test');
  assert.equal(last.headers['anthropic-version'], '2023-06-01');
  assert.equal(last.body.system, 'Be brief.');
});

test('MockUpstream.AnthropicRequiresItsHeaders', async () => {
  const { 'x-api-key': _key, ...withoutKey } = anthropicHeaders;
  const { 'anthropic-version': _version, ...withoutVersion } = anthropicHeaders;
  const body = { model: 'claude-mock', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] };

  const noKey = await anthropic(body, withoutKey);
  const noVersion = await anthropic(body, withoutVersion);

  assert.equal(noKey.status, 401);
  assert.equal((await noKey.json()).error.type, 'authentication_error');
  assert.equal(noVersion.status, 400);
  const error = await noVersion.json();
  assert.equal(error.type, 'error');
  assert.equal(error.error.type, 'invalid_request_error');
});

test('MockUpstream.AnthropicRefusesWhatAnthropicRefuses', async () => {
  const bodies = [
    { model: 'claude-mock', messages: [{ role: 'user', content: 'no max_tokens' }] },
    { model: 'claude-mock', max_tokens: 0, messages: [{ role: 'user', content: 'zero' }] },
    { model: 'claude-mock', max_tokens: 10, messages: [{ role: 'assistant', content: 'first' }] },
    {
      model: 'claude-mock', max_tokens: 10,
      messages: [{ role: 'user', content: 'one' }, { role: 'user', content: 'two' }],
    },
    { model: 'claude-mock', max_tokens: 10, messages: [{ role: 'system', content: 'no' }] },
  ];

  for (const body of bodies) {
    const response = await anthropic(body);

    assert.equal(response.status, 400, JSON.stringify(body));
    const error = await response.json();
    assert.equal(error.error.type, 'invalid_request_error');
    assert.ok(error.error.message.length > 0);
  }
});

test('MockUpstream.AnthropicHonoursMaxTokensAndStopSequences', async () => {
  const cut = await (await anthropic({
    model: 'claude-mock', max_tokens: 2, messages: [{ role: 'user', content: 'one two three' }],
  })).json();
  const stopped = await (await anthropic({
    model: 'claude-mock', max_tokens: 100, stop_sequences: ['three', 'two'],
    messages: [{ role: 'user', content: 'one two three' }],
  })).json();

  assert.equal(cut.content[0].text, 'You said');
  assert.equal(cut.stop_reason, 'max_tokens');
  assert.equal(cut.usage.output_tokens, 2);
  assert.equal(stopped.content[0].text, 'You said: one ');
  assert.equal(stopped.stop_reason, 'stop_sequence');
  assert.equal(stopped.stop_sequence, 'two');
});

test('MockUpstream.AnthropicCallsTheFirstToolAboutTheWeather', async () => {
  const response = await anthropic({
    model: 'claude-mock',
    max_tokens: 100,
    tools: [
      { name: 'get_weather', input_schema: { type: 'object', properties: {} } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ],
    messages: [{ role: 'user', content: 'What is the WEATHER like in Paris?' }],
  });

  const message = await response.json();
  assert.equal(message.content.length, 1);
  const [block] = message.content;
  assert.equal(block.type, 'tool_use');
  assert.match(block.id, /^toolu_/);
  assert.equal(block.name, 'get_weather');
  assert.deepEqual(block.input, { city: 'Paris' });
  assert.equal(message.stop_reason, 'tool_use');
});

test('MockUpstream.AnthropicStreamsTheRealEventSequence', async () => {
  const response = await anthropic({
    model: 'claude-mock', max_tokens: 100, stream: true,
    messages: [{ role: 'user', content: 'stream this please' }],
  });

  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const events = sseEvents(await response.text());
  const names = events.map((event) => event.event);
  assert.deepEqual(names.slice(0, 3), ['message_start', 'content_block_start', 'ping']);
  assert.deepEqual(names.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
  assert.ok(events.every((event) => event.event === event.data.type));
  const deltas = events.filter((event) => event.event === 'content_block_delta');
  assert.ok(deltas.length >= 2, `${deltas.length} deltas`);
  assert.equal(deltas.map((event) => event.data.delta.text).join(''),
               'You said: stream this please');
  assert.ok(events[0].data.message.usage.input_tokens > 0);
  const messageDelta = events.at(-2).data;
  assert.equal(messageDelta.delta.stop_reason, 'end_turn');
  assert.equal(messageDelta.usage.output_tokens, 6);  // You, said, :, stream, this, please
});

test('MockUpstream.AnthropicStreamsToolInputAsJsonDeltas', async () => {
  const response = await anthropic({
    model: 'claude-mock', max_tokens: 100, stream: true,
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
    messages: [{ role: 'user', content: 'weather?' }],
  });

  const events = sseEvents(await response.text());
  const start = events.find((event) => event.event === 'content_block_start').data;
  const pieces = events.filter((event) => event.event === 'content_block_delta')
      .map((event) => event.data.delta);
  assert.equal(start.content_block.type, 'tool_use');
  assert.equal(start.content_block.name, 'get_weather');
  assert.ok(pieces.length >= 2);
  assert.ok(pieces.every((delta) => delta.type === 'input_json_delta'));
  assert.deepEqual(JSON.parse(pieces.map((delta) => delta.partial_json).join('')),
                   { city: 'Paris' });
  assert.equal(events.at(-2).data.delta.stop_reason, 'tool_use');
});

test('MockUpstream.AnthropicStreamsHonourCutAndErrorControls', async () => {
  const messages = [{ role: 'user', content: 'one two three four five' }];

  const cut = sseEvents(await (await anthropic({
    model: 'claude-mock', max_tokens: 100, stream: true, messages,
    mock: { cut_after: 2, chunk_delay_ms: 5 },
  })).text());
  const failed = sseEvents(await (await anthropic({
    model: 'mock-error-after-1', max_tokens: 100, stream: true, messages,
  })).text());

  assert.equal(cut.filter((event) => event.event === 'content_block_delta').length, 2);
  assert.ok(!cut.some((event) => event.event === 'message_stop'));
  assert.equal(failed.filter((event) => event.event === 'content_block_delta').length, 1);
  assert.equal(failed.at(-1).event, 'error');
  assert.deepEqual(failed.at(-1).data,
                   { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
});

test('MockUpstream.AnthropicFailureModelsAnswerAnthropicErrors', async () => {
  const body = (model) => ({ model, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });

  const overloaded = await anthropic(body('mock-fail-529'));
  const limited = await anthropic(body('mock-fail-429'));

  assert.equal(overloaded.status, 529);
  const error = await overloaded.json();
  assert.equal(error.type, 'error');
  assert.equal(error.error.type, 'overloaded_error');
  assert.equal(limited.status, 429);
  assert.equal((await limited.json()).error.type, 'rate_limit_error');
});
