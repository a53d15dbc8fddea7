// Black-box checks of plans on the model API: which models a plan lists and allows (403
// model_not_allowed for a known model outside it, 404 for an unknown one), its requests per
// minute per account with OpenAI-style headers and 429 rate_limited, and accounts on
// different plans side by side.
//
// Run: cd tests/e2e && node --test plans.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import OpenAI from 'openai';

import { makeTempDir, runVeyra, startVeyra, toToml } from './lib/harness.mjs';

const kPassword = 'correct horse battery staple';
const kProEmail = 'pro@example.com';
const kTokensEmail = 'tokens@example.com';
const kQuotaEmail = 'quota@example.com';

let veyra;

async function login(email) {
  const response = await fetch(`${veyra.baseUrl}/v1/auth/login`, {
    method: 'POST', body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()).access_token;
}

async function register(email) {
  const response = await fetch(`${veyra.baseUrl}/v1/auth/register`, {
    method: 'POST', body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(response.status, 201);
  return login(email);
}

function chat(bearer, model = 'veyra-echo') {
  return fetch(`${veyra.baseUrl}/v1/chat/completions`, {
    method: 'POST', headers: { Authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
}

async function modelIds(bearer) {
  const client = new OpenAI({ apiKey: bearer, baseURL: `${veyra.baseUrl}/v1`, maxRetries: 0 });
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  return ids.sort();
}

before(async () => {
  // One database for the CLI (a pro account made before start) and the server.
  const dir = await makeTempDir('veyra-plans-');
  const config = toToml({
    database_url: `sqlite://${path.join(dir, 'veyra.db')}`,
    auth: { argon2_memory_kib: 1024, argon2_passes: 1 },
    plans: {
      free: { models: ['veyra-echo'], requests_per_minute: 3 },
      pro: { models: ['*'] },
      tokens: { models: ['veyra-echo'], tokens_per_minute: 20 },
      quota: { models: ['veyra-echo'], monthly_tokens: 10 },
    },
    defaults: { plan: 'free' },
  });
  const configPath = path.join(dir, 'cli.toml');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(configPath, config);
  const created = await runVeyra(['admin', 'create-user', '--config', configPath, '--email',
    kProEmail, '--password', kPassword, '--plan', 'pro']);
  assert.equal(created.code, 0, created.stderr);
  const metered = await runVeyra(['admin', 'create-user', '--config', configPath, '--email',
    kTokensEmail, '--password', kPassword, '--plan', 'tokens']);
  assert.equal(metered.code, 0, metered.stderr);
  const quoted = await runVeyra(['admin', 'create-user', '--config', configPath, '--email',
    kQuotaEmail, '--password', kPassword, '--plan', 'quota']);
  assert.equal(quoted.code, 0, quoted.stderr);
  veyra = await startVeyra({ config });
});

after(async () => {
  await veyra?.stop();
});

test('a plan lists and allows only its models', async () => {
  const free = await register(`free${Date.now()}@example.com`);
  const pro = await login(kProEmail);

  assert.deepEqual(await modelIds(free), ['veyra-echo']);
  assert.deepEqual(await modelIds(pro), ['veyra-echo', 'veyra-embed', 'veyra-sphinx']);

  const refused = await fetch(`${veyra.baseUrl}/v1/embeddings`, {
    method: 'POST', headers: { Authorization: `Bearer ${free}` },
    body: JSON.stringify({ model: 'veyra-embed', input: 'x' }),
  });
  const refusedBody = await refused.json();
  assert.equal(refused.status, 403);
  assert.equal(refusedBody.error.code, 'model_not_allowed');
  assert.equal(refusedBody.error.param, 'model');

  const unknown = await chat(free, 'no-such-model');
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.code, 'model_not_found');

  const allowed = await fetch(`${veyra.baseUrl}/v1/embeddings`, {
    method: 'POST', headers: { Authorization: `Bearer ${pro}` },
    body: JSON.stringify({ model: 'veyra-embed', input: 'x' }),
  });
  assert.equal(allowed.status, 200);
});

test("a plan's requests per minute hold per account, with headers and Retry-After", async () => {
  const first = await register(`rpm${Date.now()}@example.com`);
  const second = await register(`rpm2${Date.now()}@example.com`);

  const answers = [];
  for (let i = 0; i < 4; i += 1) answers.push(await chat(first));

  assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 429]);
  assert.equal(answers[0].headers.get('x-ratelimit-limit-requests'), '3');
  assert.equal(answers[0].headers.get('x-ratelimit-remaining-requests'), '2');
  assert.equal(answers[2].headers.get('x-ratelimit-remaining-requests'), '0');
  assert.match(answers[2].headers.get('x-ratelimit-reset-requests'), /^\d+(\.\d+)?s$/);
  const refused = await answers[3].json();
  assert.equal(refused.error.code, 'rate_limited');
  assert.equal(refused.error.type, 'rate_limit_error');
  assert.ok(Number(answers[3].headers.get('retry-after')) >= 1);

  const other = await chat(second);
  assert.equal(other.status, 200, 'another account has its own budget');

  const pro = await login(kProEmail);
  const unlimited = await chat(pro);
  assert.equal(unlimited.status, 200);
  assert.equal(unlimited.headers.get('x-ratelimit-limit-requests'), null, 'pro has no limit');
});

test("a plan's tokens per minute refuse calls once a minute's tokens are spent", async () => {
  const metered = await login(kTokensEmail);

  // Each veyra-echo call here costs 8 tokens (prompt 4, answer 4), charged when it ends; a
  // call is refused once more than 20 were spent in the last minute: the fourth.
  const answers = [];
  for (let i = 0; i < 4; i += 1) answers.push(await chat(metered));

  assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 429]);
  assert.equal(answers[0].headers.get('x-ratelimit-limit-tokens'), '20');
  assert.equal(answers[0].headers.get('x-ratelimit-remaining-tokens'), '20');
  assert.equal(answers[1].headers.get('x-ratelimit-remaining-tokens'), '12');
  const refused = await answers[3].json();
  assert.equal(refused.error.code, 'rate_limited');
  assert.match(refused.error.message, /tokens per minute/);
  assert.ok(Number(answers[3].headers.get('retry-after')) >= 1);
  assert.equal(answers[3].headers.get('x-ratelimit-limit-tokens'), '20');
});

test("a plan's monthly tokens, once spent, refuse calls with insufficient_quota", async () => {
  const quoted = await login(kQuotaEmail);

  // 8 tokens a call against 10 a month: the third call finds the month spent.
  const answers = [];
  for (let i = 0; i < 3; i += 1) answers.push(await chat(quoted));

  assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 429]);
  const refused = await answers[2].json();
  assert.equal(refused.error.code, 'insufficient_quota');
  assert.equal(refused.error.type, 'rate_limit_error');
  const retryAfter = Number(answers[2].headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 31 * 24 * 3600, `until the month turns: ${retryAfter}`);
});
