// Black-box checks of API keys: created, listed and revoked from the dashboard endpoints, then
// used with the official OpenAI SDK against the built-in models: scopes, the model allowlist,
// expiry, immediate revocation, malformed keys, session-only endpoints, the usage records of a
// key, and that the secret appears neither in a listing nor in the server's log.
//
// Run: cd tests/e2e && node --test api_keys.test.mjs
// The binary comes from VEYRA_BIN, else build/veyra under the repository root.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import OpenAI from 'openai';

import { sleep, startVeyra } from './lib/harness.mjs';

const kPassword = 'correct horse battery staple';
const kKeyShape = /^veyra_sk_[0-9A-Za-z]{38}$/;

let veyra;
let token;       // an access token of the key owner
let otherToken;  // an access token of another account
const secrets = [];  // every key secret this file saw, for the log check

async function signIn(email = `keys${Date.now()}${Math.random()}@example.com`) {
  const register = await fetch(`${veyra.baseUrl}/v1/auth/register`, {
    method: 'POST',
    body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(register.status, 201, await register.text());
  const login = await fetch(`${veyra.baseUrl}/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(login.status, 200);
  return (await login.json()).access_token;
}

function call(method, path, bearer, body) {
  return fetch(`${veyra.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// Creates a key for the owner and returns {apiKey, key}.
async function createKey(body = {}, bearer = token) {
  const response = await call('POST', '/v1/api-keys', bearer, { name: 'test key', ...body });
  assert.equal(response.status, 201, await response.clone().text());
  const created = await response.json();
  secrets.push(created.key);
  return { apiKey: created.api_key, key: created.key };
}

function sdk(key) {
  return new OpenAI({ apiKey: key, baseURL: `${veyra.baseUrl}/v1`, maxRetries: 0 });
}

async function expectError(promise, status, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.status, status, String(error));
    assert.equal(error.code, code, String(error));
    return true;
  });
}

async function expectEnvelope(response, status, code, param) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  if (param !== undefined) assert.equal(body.error.param, param, JSON.stringify(body));
}

function chat(client, model = 'veyra-echo') {
  return client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
}

before(async () => {
  veyra = await startVeyra({
    config: {
      auth: { argon2_memory_kib: 1024, argon2_passes: 1 },
      // The built-in models at a generous account rate: keys' own limits are what is tested.
      plans: { free: { models: ['veyra-echo', 'veyra-embed', 'veyra-sphinx'],
        requests_per_minute: 1000 } },
    },
  });
  token = await signIn();
  otherToken = await signIn();
});

after(async () => {
  await veyra?.stop();
});

describe('creating and listing keys', () => {
  test('a new key is shown once and listed without its secret', async () => {
    const { apiKey, key } = await createKey({ name: 'laptop' });

    assert.match(key, kKeyShape);
    assert.match(apiKey.id, /^key_/);
    assert.deepEqual(Object.keys(apiKey).sort(), ['created_at', 'expires_at', 'id', 'last4',
      'last_used_at', 'models', 'name', 'prefix', 'revoked_at', 'rpm_limit', 'scopes']);
    assert.equal(apiKey.name, 'laptop');
    assert.equal(apiKey.prefix, key.slice(0, 12));
    assert.equal(apiKey.last4, key.slice(-4));
    assert.deepEqual(apiKey.scopes, ['models', 'chat', 'embeddings', 'images', 'audio']);
    assert.equal(apiKey.models, null);
    assert.equal(apiKey.revoked_at, null);

    const list = await call('GET', '/v1/api-keys', token);
    assert.equal(list.status, 200);
    const text = await list.text();
    const body = JSON.parse(text);
    assert.equal(body.object, 'list');
    assert.ok(body.data.some((item) => item.id === apiKey.id));
    for (const secret of secrets) assert.ok(!text.includes(secret.slice(12)));
  });

  test('invalid fields are 400 naming the field', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      [{}, 'missing_field', 'name'],
      [{ name: '' }, 'invalid_field', 'name'],
      [{ name: 'x'.repeat(101) }, 'invalid_field', 'name'],
      [{ name: 'k', scopes: ['chat', 'admin'] }, 'invalid_field', 'scopes'],
      [{ name: 'k', scopes: 'chat' }, 'invalid_field', 'scopes'],
      [{ name: 'k', models: 'veyra-echo' }, 'invalid_field', 'models'],
      [{ name: 'k', models: [1] }, 'invalid_field', 'models'],
      [{ name: 'k', expires_at: now - 10 }, 'invalid_field', 'expires_at'],
      [{ name: 'k', expires_at: 'tomorrow' }, 'invalid_field', 'expires_at'],
      [{ name: 'k', rpm_limit: 0 }, 'invalid_field', 'rpm_limit'],
      [{ name: 'k', rpm_limit: 1.5 }, 'invalid_field', 'rpm_limit'],
    ];
    for (const [body, code, param] of cases) {
      await expectEnvelope(await call('POST', '/v1/api-keys', token, body), 400, code, param);
    }
  });
});

describe('calling with a key', () => {
  test('the SDK chats and lists models with a key', async () => {
    const { key } = await createKey();
    const client = sdk(key);

    const answer = await chat(client);
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);

    assert.ok(answer.choices[0].message.content.length > 0);
    assert.ok(models.includes('veyra-echo'));
    assert.ok(models.includes('veyra-embed'));
  });

  test('a chat-only key is refused embeddings and the model list', async () => {
    const { key } = await createKey({ scopes: ['chat'] });
    const client = sdk(key);

    await chat(client);
    await expectError(client.embeddings.create({ model: 'veyra-embed', input: 'x' }), 403,
        'insufficient_scope');
    await expectError(client.models.list(), 403, 'insufficient_scope');
    await expectError(client.models.retrieve('veyra-echo'), 403, 'insufficient_scope');
  });

  test('an allowlist refuses other known models and filters the list', async () => {
    const { key } = await createKey({ models: ['veyra-echo'] });
    const client = sdk(key);

    await chat(client);
    await expectError(client.embeddings.create({ model: 'veyra-embed', input: 'x' }), 403,
        'model_not_allowed');
    await expectError(chat(client, 'no-such-model'), 404, 'model_not_found');
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    assert.deepEqual(models, ['veyra-echo']);
    await expectError(client.models.retrieve('veyra-embed'), 403, 'model_not_allowed');
  });

  test('an expired key is 401 api_key_expired', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const { key } = await createKey({ expires_at: expiresAt });
    const client = sdk(key);
    await chat(client);

    while (Date.now() / 1000 < expiresAt + 0.1) await sleep(100);

    await expectError(chat(client), 401, 'api_key_expired');
  });

  test('a revoked key is refused on the next call', async () => {
    const { apiKey, key } = await createKey();
    const client = sdk(key);
    await chat(client);

    const revoked = await call('DELETE', `/v1/api-keys/${apiKey.id}`, token);
    assert.equal(revoked.status, 200);
    const body = await revoked.json();

    assert.equal(body.api_key.id, apiKey.id);
    assert.equal(typeof body.api_key.revoked_at, 'number');
    await expectError(chat(client), 401, 'api_key_revoked');
  });

  test('malformed and unknown keys are 401 invalid_api_key', async () => {
    const { key } = await createKey();
    const flip = (c) => (c === 'a' ? 'b' : 'a');
    const badChecksum = key.slice(0, -1) + flip(key.at(-1));
    const badRandom = key.slice(0, 20) + flip(key[20]) + key.slice(21);
    const candidates = [badChecksum, badRandom, key.slice(0, -1), `${key}x`, 'veyra_sk_',
      `veyra_sk_${'!'.repeat(38)}`];

    for (const candidate of candidates) {
      await expectError(chat(sdk(candidate)), 401, 'invalid_api_key');
    }
  });

  test('a key on session-only endpoints is 403 session_auth_required', async () => {
    const { key } = await createKey();

    await expectEnvelope(await call('GET', '/v1/account', key), 403, 'session_auth_required');
    await expectEnvelope(await call('POST', '/v1/api-keys', key, { name: 'k' }), 403,
        'session_auth_required');
    await expectEnvelope(await call('GET', '/v1/api-keys', key), 403, 'session_auth_required');
    await expectEnvelope(await call('GET', '/v1/usage', key), 403, 'session_auth_required');
  });

  test("someone else's key id is 404 and stays usable", async () => {
    const { apiKey, key } = await createKey({}, otherToken);

    await expectEnvelope(await call('DELETE', `/v1/api-keys/${apiKey.id}`, token), 404,
        'not_found');
    await expectEnvelope(await call('DELETE', '/v1/api-keys/key_unknown', token), 404,
        'not_found');
    await chat(sdk(key));
    const mine = await (await call('GET', '/v1/api-keys', token)).json();
    assert.ok(!mine.data.some((item) => item.id === apiKey.id));
  });

  test("a key's rpm_limit is enforced with OpenAI-style headers and Retry-After", async () => {
    const { key } = await createKey({ rpm_limit: 2 });
    const body = { model: 'veyra-echo', messages: [{ role: 'user', content: 'count' }] };

    const first = await call('POST', '/v1/chat/completions', key, body);
    const second = await call('POST', '/v1/chat/completions', key, body);
    const third = await call('POST', '/v1/chat/completions', key, body);

    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(first.headers.get('x-ratelimit-reset-requests'), /^\d+(\.\d+)?s$/);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('x-ratelimit-remaining-requests'), '0');
    await expectEnvelope(third, 429, 'rate_limited', null);
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    assert.equal(third.headers.get('x-ratelimit-remaining-requests'), '0');

    const other = await createKey();
    const unlimited = await call('POST', '/v1/chat/completions', other.key, body);
    assert.equal(unlimited.status, 200, 'limits are per key');
    assert.equal(unlimited.headers.get('x-ratelimit-limit-requests'), '1000', "the account's");
  });

  test('usage grouped by api_key shows the key after a call', async () => {
    const fresh = await signIn();
    const { apiKey, key } = await createKey({}, fresh);
    await chat(sdk(key));

    // The meter writes every second: poll until the call is there (or 10 s pass).
    let response;
    let body;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(200)) {
      response = await call('GET', '/v1/usage?group_by=api_key', fresh);
      body = await response.json();
      if (body.data?.length > 0) break;
    }

    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body.data.map((group) => [group.group, group.requests]), [[apiKey.id, 1]]);
  });
});

describe('secrets', () => {
  test('no key secret appears in the server log', async () => {
    const { key } = await createKey();
    await chat(sdk(key));
    await call('GET', '/v1/account', key);

    const log = veyra.logs().join('\n');
    assert.ok(secrets.length > 5);
    for (const secret of secrets) {
      assert.ok(!log.includes(secret), 'a key secret reached the log');
      assert.ok(!log.includes(secret.slice(12)), 'part of a key secret reached the log');
    }
  });
});
