// Black-box checks of the model gateway with the official OpenAI SDK pointed at Veyra, which
// routes to build/veyra-mock-upstream (OpenAI and Anthropic fakes) and to its built-in
// models: the model list, chat (whole and streamed), embeddings, images, transcriptions,
// fallback and cooldown, upstream failures before and after the first byte, cancellation
// reaching the upstream, TLS verification, and the usage records of GET /v1/usage.
//
// Run: cd tests/e2e && node --test gateway.test.mjs
// Binaries come from VEYRA_BIN and VEYRA_MOCK_BIN, else build/ under the repository root.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import OpenAI, { toFile } from 'openai';

import { makeTempDir, rawConnection, sleep, startMock, startVeyra } from './lib/harness.mjs';

// Node 18 (Debian 12's) has File in node:buffer only; the SDK's uploads want it global.
globalThis.File ??= (await import('node:buffer')).File;

const kPassword = 'correct horse battery staple';
const kFastAuth = { argon2_memory_kib: 1024, argon2_passes: 1 };

let mock;
let veyra;
let client;      // the OpenAI SDK with a Veyra access token
let token;

// Registers an account and returns an access token for it.
async function signIn(baseUrl, email = `user${Date.now()}${Math.random()}@example.com`) {
  const register = await fetch(`${baseUrl}/v1/auth/register`, {
    method: 'POST',
    body: JSON.stringify({ email, password: kPassword, name: 'Gateway Tester' }),
  });
  assert.equal(register.status, 201, await register.text());
  const login = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(login.status, 200);
  return (await login.json()).access_token;
}

function gatewayConfig(mockPort, extra = {}) {
  const mockUrl = `http://127.0.0.1:${mockPort}/v1`;
  return {
    auth: kFastAuth,
    upstream: { cooldown: '30s', failure_threshold: 2 },
    providers: [
      { id: 'mock', type: 'openai', base_url: mockUrl, api_key: 'sk-mock-provider' },
      { id: 'dead', type: 'openai', base_url: 'http://127.0.0.1:9/v1', api_key: 'sk-dead' },
      { id: 'claude', type: 'anthropic', base_url: mockUrl, api_key: 'sk-ant-mock' },
    ],
    // Every model for everyone: plans are tested in plans.test.mjs.
    plans: { free: { models: ['*'] } },
    models: [
      { id: 'gpt-test', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-gpt-upstream' }] },
      { id: 'org/slash-model', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-gpt-upstream' }] },
      { id: 'embed-test', capabilities: ['embeddings'],
        deployments: [{ provider: 'mock', model: 'text-embedding-3-small' }] },
      { id: 'image-test', capabilities: ['images'],
        deployments: [{ provider: 'mock', model: 'gpt-image-1' }] },
      { id: 'whisper-test', capabilities: ['audio'],
        deployments: [{ provider: 'mock', model: 'whisper-1' }] },
      { id: 'claude-test', capabilities: ['chat'],
        deployments: [{ provider: 'claude', model: 'claude-upstream' }] },
      // Every call lands on the working deployment, whichever the weights try first.
      { id: 'fallback-test', capabilities: ['chat'],
        deployments: [{ provider: 'dead', model: 'x', weight: 5 },
          { provider: 'mock', model: 'mock-fail-503', weight: 5 },
          { provider: 'mock', model: 'mock-gpt-upstream', weight: 1 }] },
      { id: 'broken-test', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-fail-500' }] },
      { id: 'limited-test', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-fail-429' }] },
      { id: 'rejecting-test', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-fail-400' }] },
      { id: 'slow-test', capabilities: ['chat'],
        deployments: [{ provider: 'mock', model: 'mock-slow-3000' }] },
    ],
    ...extra,
  };
}

async function mockStats() {
  return (await fetch(`http://127.0.0.1:${mock.port}/_mock/stats`)).json();
}

async function mockLast() {
  return (await fetch(`http://127.0.0.1:${mock.port}/_mock/last`)).json();
}

async function post(path, body, headers = {}) {
  return fetch(`${veyra.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body),
  });
}

// The events of an SSE body, as parsed JSON (or the raw "[DONE]").
function sseEvents(text) {
  return text.split('\n\n').filter((block) => block.startsWith('data: '))
      .map((block) => block.slice(6))
      .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

before(async () => {
  mock = await startMock(['--quiet']);
  veyra = await startVeyra({
    config: gatewayConfig(mock.port, { upstream: { first_byte_timeout: '1s', cooldown: '30s',
      failure_threshold: 2 } }),
  });
  token = await signIn(veyra.baseUrl);
  client = new OpenAI({ apiKey: token, baseURL: `${veyra.baseUrl}/v1`, maxRetries: 0 });
});

after(async () => {
  await veyra?.stop();
  await mock?.stop();
});

describe('models', () => {
  test('the list holds the configured and the built-in models with capabilities', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    const byId = Object.fromEntries(models.map((model) => [model.id, model]));

    for (const id of ['gpt-test', 'embed-test', 'veyra-echo', 'veyra-embed', 'veyra-sphinx']) {
      assert.ok(byId[id], `${id} listed`);
      assert.equal(byId[id].object, 'model');
      assert.equal(typeof byId[id].created, 'number');
    }
    assert.deepEqual(byId['veyra-echo'].capabilities, ['chat']);
    assert.deepEqual(byId['veyra-embed'].capabilities, ['embeddings']);
    assert.deepEqual(byId['veyra-sphinx'].capabilities, ['audio']);
    assert.equal(byId['veyra-echo'].owned_by, 'veyra');
  });

  test('one model is retrieved by id; an unknown id is 404 model_not_found', async () => {
    const model = await client.models.retrieve('gpt-test');
    assert.equal(model.id, 'gpt-test');
    const slashed = await client.models.retrieve('org/slash-model');
    assert.equal(slashed.id, 'org/slash-model');

    await assert.rejects(client.models.retrieve('no-such-model'), (error) => {
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
  });

  test('the model API needs credentials', async () => {
    const response = await fetch(`${veyra.baseUrl}/v1/models`);
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error.code, 'missing_credentials');
  });
});

describe('chat completions', () => {
  test('a whole answer comes back with the public model id and the provider key upstream',
       async () => {
         const completion = await client.chat.completions.create({
           model: 'gpt-test',
           messages: [{ role: 'user', content: 'Hello there' }],
           mock: { tokens: 5 },
         });
         const last = await mockLast();

         assert.equal(completion.object, 'chat.completion');
         assert.equal(completion.model, 'gpt-test');
         assert.ok(completion.choices[0].message.content.length > 0);
         assert.equal(completion.usage.completion_tokens, 5);
         assert.equal(last.body.model, 'mock-gpt-upstream');
         assert.deepEqual(last.body.mock, { tokens: 5 });  // unknown fields pass through
         assert.equal(last.headers.authorization, 'Bearer sk-mock-provider');
         assert.ok(!JSON.stringify(last.headers).includes(token), 'caller token never upstream');
       });

  test('a stream is relayed chunk by chunk and ends; usage only when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test', stream: true,
      messages: [{ role: 'user', content: 'Stream please' }], mock: { tokens: 6 },
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'gpt-test');
      assert.ok(chunk.choices.length > 0, 'no usage chunk when the caller did not ask');
      assert.equal(chunk.usage ?? null, null);
      text += chunk.choices[0]?.delta?.content ?? '';
      chunks += 1;
    }
    const last = await mockLast();

    assert.ok(chunks >= 6);
    assert.equal(text.trim().split(/\s+/).length, 6);
    assert.equal(last.body.stream_options.include_usage, true, 'Veyra asks for usage');

    const withUsage = await client.chat.completions.create({
      model: 'gpt-test', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream please' }], mock: { tokens: 4 },
    });
    let usage;
    for await (const chunk of withUsage) if (chunk.usage) usage = chunk.usage;
    assert.equal(usage.completion_tokens, 4);
  });

  test('streamed answers are SSE with no buffering and end with [DONE]', async () => {
    const response = await post('/v1/chat/completions', {
      model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /^text\/event-stream/);
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    const events = sseEvents(await response.text());
    assert.equal(events.at(-1), '[DONE]');
  });

  test('veyra-echo answers from the last user message, whole and streamed', async () => {
    const messages = [{ role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Echo   these words back' }];
    const completion = await client.chat.completions.create({ model: 'veyra-echo', messages });
    assert.equal(completion.choices[0].message.content, 'You said: Echo these words back');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.completion_tokens, 7);
    assert.equal(completion.usage.total_tokens,
                 completion.usage.prompt_tokens + completion.usage.completion_tokens);

    const stream = await client.chat.completions.create({
      model: 'veyra-echo', messages, stream: true, stream_options: { include_usage: true },
    });
    const pieces = [];
    let usage;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(pieces.length >= 3, 'streamed in several chunks');
    assert.equal(pieces.join(''), 'You said: Echo these words back');
    assert.deepEqual(usage, completion.usage);
  });

  test('model calls on one keep-alive connection, sent apart and pipelined', async () => {
    const body = JSON.stringify({ model: 'veyra-echo', messages: [{ role: 'user', content: 'a b' }] });
    const request = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const connection = await rawConnection(veyra.port);

    await connection.write(request);
    await connection.waitForResponses(1);
    await sleep(50);  // the next request arrives while the watcher's read is the idle wait
    await connection.write(request);
    await connection.waitForResponses(2);
    await connection.write(request + request + request);
    const responses = await connection.waitForResponses(5);
    connection.destroy();

    assert.deepEqual(responses.map((response) => response.status), [200, 200, 200, 200, 200]);
    for (const response of responses) {
      assert.equal(JSON.parse(response.body).choices[0].message.content, 'You said: a b');
    }
  });

  test('requests are validated with the offending param named', async () => {
    const cases = [
      [{ messages: [{ role: 'user', content: 'x' }] }, 400, 'missing_field', 'model'],
      [{ model: 'veyra-echo' }, 400, 'missing_field', 'messages'],
      [{ model: 'veyra-echo', messages: [] }, 400, 'invalid_field', 'messages'],
      [{ model: 'veyra-echo', messages: [{ role: 'wizard', content: 'x' }] }, 400,
        'invalid_field', 'messages[0].role'],
      [{ model: 'veyra-echo', messages: [{ role: 'user', content: 5 }] }, 400,
        'invalid_field', 'messages[0].content'],
      [{ model: 'veyra-echo', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 400,
        'invalid_field', 'stream'],
      [{ model: 'nope', messages: [{ role: 'user', content: 'x' }] }, 404, 'model_not_found',
        'model'],
      [{ model: 'veyra-embed', messages: [{ role: 'user', content: 'x' }] }, 400,
        'unsupported_capability', 'model'],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await post('/v1/chat/completions', body);
      const error = (await response.json()).error;
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(error.code, code, JSON.stringify(body));
      assert.equal(error.param, param, JSON.stringify(body));
    }
    const notJson = await post('/v1/chat/completions', '{"model":');
    assert.equal(notJson.status, 400);
    assert.equal((await notJson.json()).error.code, 'invalid_json');
  });
});

describe('embeddings, images and transcriptions', () => {
  test('embeddings through the provider: string and array, float and base64', async () => {
    // The SDK asks for base64 and decodes it; float is asked explicitly.
    const one = await client.embeddings.create({ model: 'embed-test', input: 'hello' });
    const many = await client.embeddings.create({
      model: 'embed-test', input: ['a', 'b', 'c'], encoding_format: 'float',
    });
    assert.equal(one.model, 'embed-test');
    assert.equal(one.data.length, 1);
    assert.ok(Array.isArray(one.data[0].embedding));
    assert.equal(many.data.length, 3);
    assert.deepEqual(many.data.map((item) => item.index), [0, 1, 2]);
    assert.equal((await mockLast()).body.model, 'text-embedding-3-small');
  });

  test('veyra-embed: any dimension, unit length, similar texts closer', async () => {
    const cosine = (a, b) => a.reduce((sum, value, i) => sum + value * b[i], 0);
    const result = await client.embeddings.create({
      model: 'veyra-embed', dimensions: 64,
      input: ['The quick brown fox jumps', 'The quick brown fox jumped', 'Quarterly tax report'],
    });
    const [a, b, c] = result.data.map((item) => item.embedding);
    assert.equal(a.length, 64);
    assert.ok(Math.abs(cosine(a, a) - 1) < 1e-4);
    assert.ok(cosine(a, b) > cosine(a, c) + 0.2);

    const floats = await post('/v1/embeddings', { model: 'veyra-embed', input: 'x y z',
      encoding_format: 'float' });
    const base64 = await post('/v1/embeddings', { model: 'veyra-embed', input: 'x y z',
      encoding_format: 'base64' });
    const fromFloat = (await floats.json()).data[0].embedding;
    const raw = Buffer.from((await base64.json()).data[0].embedding, 'base64');
    const fromBase64 = Array.from(new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4));
    assert.equal(fromBase64.length, 256);
    fromBase64.forEach((value, i) => assert.ok(Math.abs(value - fromFloat[i]) < 1e-6));
  });

  test('embedding requests are validated', async () => {
    const cases = [
      [{ model: 'veyra-embed' }, 'missing_field', 'input'],
      [{ model: 'veyra-embed', input: [] }, 'invalid_field', 'input'],
      [{ model: 'veyra-embed', input: { text: 'x' } }, 'invalid_field', 'input'],
      [{ model: 'veyra-embed', input: 'x', encoding_format: 'hex' }, 'invalid_field',
        'encoding_format'],
      [{ model: 'veyra-embed', input: 'x', dimensions: 0 }, 'invalid_field', 'dimensions'],
      [{ model: 'veyra-embed', input: 'x', dimensions: 100000 }, 'invalid_field', 'dimensions'],
      [{ model: 'veyra-embed', input: [1, 2, 3] }, 'invalid_field', 'input'],
    ];
    for (const [body, code, param] of cases) {
      const response = await post('/v1/embeddings', body);
      const error = (await response.json()).error;
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual([error.code, error.param], [code, param], JSON.stringify(body));
    }
  });

  test('images are generated by an image-capable model', async () => {
    const images = await client.images.generate({
      model: 'image-test', prompt: 'a red square', n: 2, response_format: 'b64_json',
    });
    assert.equal(images.data.length, 2);
    const png = Buffer.from(images.data[0].b64_json, 'base64');
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    const chatModel = await post('/v1/images/generations', { model: 'gpt-test', prompt: 'x' });
    assert.equal(chatModel.status, 400);
    assert.equal((await chatModel.json()).error.code, 'unsupported_capability');
  });

  test('a transcription is forwarded as multipart with the deployment model', async () => {
    const dir = await makeTempDir('veyra-speech-');
    const wav = path.join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-w', wav, 'forward this speech to the provider']);
    const audio = await readFile(wav);
    const result = await client.audio.transcriptions.create({
      model: 'whisper-test', file: await toFile(audio, 'speech.wav'),
    });
    const last = await mockLast();
    assert.equal(typeof result.text, 'string');
    assert.equal(last.path, '/v1/audio/transcriptions');
    assert.match(last.headers['content-type'], /^multipart\/form-data; boundary=/);
    assert.match(last.body, /name="model"\r\n\r\nwhisper-1\r\n/);
    assert.ok(last.body_bytes > audio.length, 'the file reaches the provider whole');

    const text = await client.audio.transcriptions.create({
      model: 'whisper-test', file: await toFile(audio, 'speech.wav'), response_format: 'text',
    });
    assert.equal(typeof text, 'string');
  });

  test('the audio endpoint wants multipart and bounds the file', async () => {
    const json = await post('/v1/audio/transcriptions', { model: 'whisper-test' });
    assert.equal(json.status, 415);
    assert.equal((await json.json()).error.code, 'unsupported_media_type');

    const noFile = new FormData();
    noFile.append('model', 'whisper-test');
    const missing = await post('/v1/audio/transcriptions', noFile);
    assert.equal(missing.status, 400);
    assert.deepEqual(Object.values((await missing.json()).error).slice(2), ['missing_field', 'file']);

    const big = new FormData();
    big.append('model', 'whisper-test');
    big.append('file', new Blob([Buffer.alloc(25 * 1000 * 1000 + 10)]), 'big.wav');
    const tooBig = await post('/v1/audio/transcriptions', big);
    assert.equal(tooBig.status, 413);
    assert.equal((await tooBig.json()).error.code, 'payload_too_large');
  });
});

describe('veyra-sphinx', () => {
  const kSpeech = '<speak>one two three four five <break time="1s"/> we need more time ' +
      '<break time="1s"/> thank you very much</speak>';
  const kText = 'one two three four five we need more time thank you very much';
  let speechDir;

  before(async () => {
    speechDir = await makeTempDir('veyra-speech-');
    const wav = path.join(speechDir, 'speech.wav');
    // The en-us+f2 voice at 150 words a minute is the one PocketSphinx hears best.
    execFileSync('espeak-ng', ['-v', 'en-us+f2', '-s', '150', '-m', '-w', wav, kSpeech]);
    for (const extension of ['mp3', 'flac', 'ogg', 'webm', 'm4a']) {
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', wav,
        path.join(speechDir, `speech.${extension}`)]);
    }
  });

  async function speech(extension) {
    return toFile(await readFile(path.join(speechDir, `speech.${extension}`)),
                  `speech.${extension}`);
  }

  test('English speech is transcribed from every common container', async () => {
    for (const extension of ['wav', 'mp3', 'flac', 'ogg', 'webm', 'm4a']) {
      const result = await client.audio.transcriptions.create({
        model: 'veyra-sphinx', file: await speech(extension),
      });
      assert.equal(result.text, kText, extension);
    }
  });

  test('every response format of API.md', async () => {
    const text = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await speech('wav'), response_format: 'text',
    });
    assert.equal(text.trim(), kText);

    const srt = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await speech('wav'), response_format: 'srt',
    });
    assert.match(srt, /^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\none two three four five\n/);
    assert.match(srt, /\n3\n[^\n]+\nthank you very much\n/);

    const vtt = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await speech('wav'), response_format: 'vtt',
    });
    assert.match(vtt, /^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> /);

    const verbose = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await speech('wav'), response_format: 'verbose_json',
    });
    assert.equal(verbose.text, kText);
    assert.equal(verbose.language, 'english');
    assert.ok(verbose.duration > 4 && verbose.duration < 10);
    assert.equal(verbose.segments.length, 3);
    assert.ok(verbose.segments[1].start > verbose.segments[0].end);
  });

  test('what is not English audio is refused with the param named', async () => {
    const notAudio = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await toFile(Buffer.from('plain text, not audio'), 'a.wav'),
    }).catch((error) => error);
    assert.equal(notAudio.status, 400);
    assert.equal(notAudio.param, 'file');

    const french = await client.audio.transcriptions.create({
      model: 'veyra-sphinx', file: await speech('wav'), language: 'fr',
    }).catch((error) => error);
    assert.equal(french.status, 400);
    assert.equal(french.param, 'language');
  });
});

describe('routing and failures', () => {
  test('failures before the first byte fall back; failing deployments cool down', async () => {
    for (let i = 0; i < 8; i += 1) {
      const completion = await client.chat.completions.create({
        model: 'fallback-test', messages: [{ role: 'user', content: `call ${i}` }],
      });
      assert.equal(completion.model, 'fallback-test');
    }
    const failures = veyra.events().filter((event) => event.event === 'deployment_failed' &&
        event.model === 'fallback-test');
    // Two failures each put the dead and the failing deployment in cooldown.
    assert.ok(failures.length >= 1, 'some call tried a failing deployment');
    assert.ok(failures.length <= 4, `cooldown stops retries (${failures.length} failures)`);
  });

  test('provider errors become the upstream envelope', async () => {
    const cases = [['broken-test', 502, 'upstream_error'],
      ['limited-test', 503, 'upstream_unavailable'],
      ['slow-test', 504, 'upstream_timeout']];
    for (const [model, status, code] of cases) {
      const response = await post('/v1/chat/completions', {
        model, messages: [{ role: 'user', content: 'x' }],
      });
      const body = await response.json();
      assert.equal(response.status, status, model);
      assert.equal(body.error.type, 'upstream_error');
      assert.equal(body.error.code, code);
    }

    const rejected = await post('/v1/chat/completions', {
      model: 'rejecting-test', messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal(rejected.status, 400, 'a provider 400 is about the request');
    assert.equal((await rejected.json()).error.type, 'invalid_request_error');
  });

  test('a failure mid-stream ends the stream with an SSE error event', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }],
      mock: { tokens: 20, cut_after: 3 },
    });
    let received = 0;
    await assert.rejects(async () => {
      for await (const chunk of stream) received += chunk.choices[0]?.delta?.content ? 1 : 0;
    }, (error) => {
      assert.match(error.message, /stream ended before the answer was complete/);
      return true;
    });
    assert.equal(received, 3);

    const raw = await post('/v1/chat/completions', {
      model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }],
      mock: { tokens: 20, cut_after: 2 },
    });
    const events = sseEvents(await raw.text());
    assert.equal(events.at(-1).error.code, 'upstream_error');
    assert.ok(!events.includes('[DONE]'));
  });

  test('a caller that goes away abandons the upstream stream within a second', async () => {
    const before = await mockStats();
    const response = await post('/v1/chat/completions', {
      model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'x' }],
      mock: { tokens: 200, chunk_delay_ms: 100 },
    }, {});
    const reader = response.body.getReader();
    await reader.read();
    await reader.cancel();

    const deadline = Date.now() + 1000;
    let stats = await mockStats();
    while (stats.streams_client_gone <= before.streams_client_gone && Date.now() < deadline) {
      await sleep(50);
      stats = await mockStats();
    }
    assert.equal(stats.streams_client_gone, before.streams_client_gone + 1);
  });

  test('a caller that goes away abandons a slow whole answer too', async () => {
    const controller = new AbortController();
    const slow = fetch(`${veyra.baseUrl}/v1/chat/completions`, {
      method: 'POST', signal: controller.signal,
      headers: { Authorization: `Bearer ${token}`, 'X-Request-Id': 'abandoned-whole-answer' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }],
        mock: { latency_ms: 900 } }),
    });
    await sleep(150);
    controller.abort();
    await assert.rejects(slow);

    const line = await veyra.waitForLog((event) => event.event === 'request' &&
        event.request_id === 'abandoned-whole-answer', 3000);
    assert.ok(line.duration_ms < 600, `abandoned after ${line.duration_ms} ms`);
  });
});

describe('anthropic provider', () => {
  test('a chat call is translated to the Messages API and back', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-test', max_tokens: 50, stop: ['END'],
      messages: [{ role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello Claude' }],
    });
    const last = await mockLast();

    assert.equal(completion.model, 'claude-test');
    assert.equal(completion.object, 'chat.completion');
    assert.ok(completion.choices[0].message.content.length > 0);
    assert.ok(completion.usage.prompt_tokens > 0);
    assert.equal(last.path, '/v1/messages');
    assert.equal(last.headers['x-api-key'], 'sk-ant-mock');
    assert.equal(last.headers.authorization, undefined);
    assert.equal(last.body.model, 'claude-upstream');
    assert.equal(last.body.system, 'You are terse.');
    assert.deepEqual(last.body.stop_sequences, ['END']);
    assert.equal(last.body.max_tokens, 50);
  });

  test('a streamed chat call becomes chat-completion chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude-test', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream, Claude' }],
    });
    let text = '';
    let finish;
    let usage;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'claude-test');
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(text.length > 0);
    assert.equal(finish, 'stop');
    assert.ok(usage.completion_tokens > 0);
  });

  test('tool definitions and tool calls are translated', async () => {
    const completion = await client.chat.completions.create({
      model: 'claude-test',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const call = completion.choices[0].message.tool_calls[0];
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    assert.equal((await mockLast()).body.tools[0].input_schema.type, 'object');
  });
});

describe('usage', () => {
  test('every call is recorded, streams and abandoned streams included', async () => {
    const mine = await signIn(veyra.baseUrl);
    const own = new OpenAI({ apiKey: mine, baseURL: `${veyra.baseUrl}/v1`, maxRetries: 0 });
    await own.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user',
      content: 'count me' }], mock: { tokens: 7 } });
    const stream = await own.chat.completions.create({
      model: 'veyra-echo', stream: true, messages: [{ role: 'user', content: 'one two three' }],
    });
    for await (const chunk of stream) void chunk;
    const abandoned = await fetch(`${veyra.baseUrl}/v1/chat/completions`, {
      method: 'POST', headers: { Authorization: `Bearer ${mine}` },
      body: JSON.stringify({ model: 'gpt-test', stream: true,
        messages: [{ role: 'user', content: 'x' }], mock: { tokens: 100, chunk_delay_ms: 50 } }),
    });
    const reader = abandoned.body.getReader();
    await reader.read();
    await reader.cancel();

    // The meter writes every second: poll until the three calls are there (or 10 s pass).
    let response;
    let usage;
    let byModel = {};
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(200)) {
      response = await fetch(`${veyra.baseUrl}/v1/usage`, {
        headers: { Authorization: `Bearer ${mine}` },
      });
      usage = await response.json();
      byModel = Object.fromEntries(usage.data.map((group) => [group.group, group]));
      if (byModel['gpt-test']?.requests === 2 && byModel['veyra-echo']?.requests === 1) break;
    }
    assert.equal(response.status, 200);
    assert.equal(usage.object, 'list');
    assert.equal(byModel['gpt-test'].requests, 2);
    assert.ok(byModel['gpt-test'].completion_tokens >= 7);
    assert.equal(byModel['veyra-echo'].requests, 1);
    assert.equal(byModel['veyra-echo'].completion_tokens, 6);
    assert.equal(byModel['veyra-echo'].total_tokens,
                 byModel['veyra-echo'].prompt_tokens + byModel['veyra-echo'].completion_tokens);
  });
});

describe('TLS to providers', () => {
  const servers = [];
  let dir;
  let rightPort;    // a certificate for 127.0.0.1
  let wrongPort;    // a certificate for another address, signed by the same trusted key

  // An HTTPS chat server with a self-signed certificate for `san`; resolves with its port.
  async function tlsServer(name, san) {
    const key = path.join(dir, `${name}.key`);
    const cert = path.join(dir, `${name}.pem`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key,
      '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`],
    { stdio: 'ignore' });
    const server = https.createServer({ key: await readFile(key), cert: await readFile(cert) },
                                      (request, response) => {
                                        response.setHeader('Content-Type', 'application/json');
                                        response.end(JSON.stringify({
                                          id: 'chatcmpl-tls', object: 'chat.completion',
                                          created: 1, model: 'tls-upstream',
                                          choices: [{ index: 0, finish_reason: 'stop',
                                            message: { role: 'assistant', content: 'over TLS' } }],
                                        }));
                                      });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return server.address().port;
  }

  before(async () => {
    dir = await makeTempDir('veyra-tls-');
    rightPort = await tlsServer('right', 'IP:127.0.0.1');
    wrongPort = await tlsServer('wrong', 'IP:127.0.0.2');
    const bundle = (await readFile(path.join(dir, 'right.pem'), 'utf8')) +
        (await readFile(path.join(dir, 'wrong.pem'), 'utf8'));
    await writeFile(path.join(dir, 'bundle.pem'), bundle);
  });

  after(() => servers.forEach((server) => server.close()));

  function tlsConfig(upstream) {
    return {
      auth: kFastAuth,
      upstream,
      plans: { free: { models: ['*'] } },
      providers: [{ id: 'right', type: 'openai', base_url: `https://127.0.0.1:${rightPort}/v1` },
        { id: 'wrong', type: 'openai', base_url: `https://127.0.0.1:${wrongPort}/v1` }],
      models: [{ id: 'right-chat', capabilities: ['chat'],
        deployments: [{ provider: 'right', model: 'tls-upstream' }] },
      { id: 'wrong-chat', capabilities: ['chat'],
        deployments: [{ provider: 'wrong', model: 'tls-upstream' }] }],
    };
  }

  async function chat(instance, bearer, model) {
    const response = await fetch(`${instance.baseUrl}/v1/chat/completions`, {
      method: 'POST', headers: { Authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }),
    });
    return { status: response.status, body: await response.json() };
  }

  test('certificates are verified: trust store and host name', async () => {
    const untrusted = await startVeyra({ config: tlsConfig({}) });
    const trusted = await startVeyra({
      config: tlsConfig({ ca_file: path.join(dir, 'bundle.pem') }),
    });
    try {
      const refused = await chat(untrusted, await signIn(untrusted.baseUrl), 'right-chat');
      assert.equal(refused.status, 503, 'a certificate outside the trust store is refused');
      assert.equal(refused.body.error.code, 'upstream_unavailable');

      const bearer = await signIn(trusted.baseUrl);
      const accepted = await chat(trusted, bearer, 'right-chat');
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal(accepted.body.choices[0].message.content, 'over TLS');

      const misnamed = await chat(trusted, bearer, 'wrong-chat');
      assert.equal(misnamed.status, 503, 'a trusted certificate for another host is refused');
    } finally {
      await untrusted.stop();
      await trusted.stop();
    }
  });
});
