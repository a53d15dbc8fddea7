// Black-box checks of the admin API: who may use it (an admin's session only), the user
// list, and changes of plan, role and disabled that reach the model API at once (a disabled
// account's sessions are revoked and its API keys refused on the next call).
//
// Run: cd tests/e2e && node --test admin.test.mjs
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { makeTempDir, runVeyra, startVeyra, toToml } from './lib/harness.mjs';

const kPassword = 'correct horse battery staple';
const kAdminEmail = 'ops@example.com';

let veyra;
let admin;  // the admin's access token

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
  const { user } = await response.json();
  return { id: user.id, token: await login(email) };
}

function call(method, url, bearer, body) {
  return fetch(`${veyra.baseUrl}${url}`, {
    method, headers: { Authorization: `Bearer ${bearer}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function modelIds(bearer) {
  const response = await call('GET', '/v1/models', bearer);
  assert.equal(response.status, 200);
  return (await response.json()).data.map((model) => model.id).sort();
}

before(async () => {
  const dir = await makeTempDir('veyra-admin-');
  const config = toToml({
    database_url: `sqlite://${path.join(dir, 'veyra.db')}`,
    auth: { argon2_memory_kib: 1024, argon2_passes: 1 },
    plans: { free: { models: ['veyra-echo'] }, pro: { models: ['*'] } },
    defaults: { plan: 'free' },
  });
  const configPath = path.join(dir, 'cli.toml');
  await writeFile(configPath, config);
  const created = await runVeyra(['admin', 'create-user', '--config', configPath, '--email',
    kAdminEmail, '--password', kPassword, '--role', 'admin']);
  assert.equal(created.code, 0, created.stderr);
  veyra = await startVeyra({ config });
  admin = await login(kAdminEmail);
});

after(async () => {
  await veyra?.stop();
});

test('only an admin session may use the admin API', async () => {
  const user = await register(`user${Date.now()}@example.com`);

  const refused = await call('GET', '/v1/admin/users', user.token);
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, 'admin_required');
  const patched = await call('PATCH', `/v1/admin/users/${user.id}`, user.token, { plan: 'pro' });
  assert.equal(patched.status, 403);
  const anonymous = await fetch(`${veyra.baseUrl}/v1/admin/users`);
  assert.equal(anonymous.status, 401);

  const key = await call('POST', '/v1/api-keys', admin, { name: 'ops key' });
  const { key: secret } = await key.json();
  const withKey = await call('GET', '/v1/admin/users', secret);
  assert.equal(withKey.status, 403);
  assert.equal((await withKey.json()).error.code, 'session_auth_required');
});

test('the admin lists users with their plan, role and disabled flag', async () => {
  const user = await register(`listed${Date.now()}@example.com`);

  const response = await call('GET', '/v1/admin/users', admin);
  const body = await response.json();

  assert.equal(response.status, 200);
  assert.equal(body.object, 'list');
  const listed = body.data.find((entry) => entry.id === user.id);
  assert.equal(listed.plan, 'free');
  assert.equal(listed.role, 'user');
  assert.equal(listed.disabled, false);
  assert.ok(body.data.some((entry) => entry.email === kAdminEmail && entry.role === 'admin'));
});

test('a plan change reaches the model API at once', async () => {
  const user = await register(`upgrade${Date.now()}@example.com`);
  assert.deepEqual(await modelIds(user.token), ['veyra-echo']);

  const response = await call('PATCH', `/v1/admin/users/${user.id}`, admin, { plan: 'pro' });
  const body = await response.json();

  assert.equal(response.status, 200);
  assert.equal(body.user.plan, 'pro');
  assert.deepEqual(await modelIds(user.token), ['veyra-echo', 'veyra-embed', 'veyra-sphinx']);
});

test('disabling stops the sessions and the keys of the account at once', async () => {
  const email = `disable${Date.now()}@example.com`;
  const user = await register(email);
  const created = await call('POST', '/v1/api-keys', user.token, { name: 'app' });
  const { key } = await created.json();
  const chat = (bearer) => call('POST', '/v1/chat/completions', bearer,
                                { model: 'veyra-echo', messages: [{ role: 'user', content: 'x' }] });
  assert.equal((await chat(key)).status, 200);

  const response = await call('PATCH', `/v1/admin/users/${user.id}`, admin, { disabled: true });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).user.disabled, true);

  const session = await chat(user.token);
  assert.equal(session.status, 401);
  assert.equal((await session.json()).error.code, 'session_revoked');
  const withKey = await chat(key);
  assert.equal(withKey.status, 403);
  assert.equal((await withKey.json()).error.code, 'account_disabled');
  const relogin = await fetch(`${veyra.baseUrl}/v1/auth/login`, {
    method: 'POST', body: JSON.stringify({ email, password: kPassword }),
  });
  assert.equal(relogin.status, 403);
  assert.equal((await relogin.json()).error.code, 'account_disabled');
});

test('bad changes are 400 naming the field; an unknown user is 404', async () => {
  const user = await register(`bad${Date.now()}@example.com`);
  const cases = [[{ plan: 'gold' }, 'plan'], [{ role: 'root' }, 'role'],
    [{ disabled: 'yes' }, 'disabled']];
  for (const [body, param] of cases) {
    const response = await call('PATCH', `/v1/admin/users/${user.id}`, admin, body);
    const error = (await response.json()).error;
    assert.equal(response.status, 400, JSON.stringify(body));
    assert.deepEqual([error.code, error.param], ['invalid_field', param]);
  }
  const missing = await call('PATCH', '/v1/admin/users/usr_nobody', admin, { plan: 'pro' });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');
});

test('the CLI sets plans, disables accounts and mints keys that the next start honours', async () => {
  const dir = await makeTempDir('veyra-admin-cli-');
  const config = toToml({
    database_url: `sqlite://${path.join(dir, 'veyra.db')}`,
    auth: { argon2_memory_kib: 1024, argon2_passes: 1 },
    plans: { free: { models: ['veyra-echo'] }, pro: { models: ['*'] } },
    defaults: { plan: 'free' },
  });
  const configPath = path.join(dir, 'cli.toml');
  await writeFile(configPath, config);
  const cli = (...args) => runVeyra([...args, '--config', configPath]);
  for (const email of ['dev@example.com', 'gone@example.com']) {
    const made = await cli('admin', 'create-user', '--email', email, '--password', kPassword);
    assert.equal(made.code, 0, made.stderr);
  }

  const upgraded = await cli('admin', 'set-plan', '--email', 'dev@example.com', '--plan', 'pro');
  const unknownPlan = await cli('admin', 'set-plan', '--email', 'dev@example.com', '--plan', 'x');
  const disabled = await cli('admin', 'disable-user', '--email', 'gone@example.com');
  const minted = await cli('keys', 'create', '--email', 'dev@example.com', '--name', 'ci',
                           '--scopes', 'chat,models');
  const badScope = await cli('keys', 'create', '--email', 'dev@example.com', '--name', 'x',
                             '--scopes', 'root');

  assert.equal(upgraded.code, 0, upgraded.stderr);
  assert.match(upgraded.stdout, /plan=pro/);
  assert.equal(unknownPlan.code, 2);
  assert.equal(disabled.code, 0, disabled.stderr);
  assert.equal(minted.code, 0, minted.stderr);
  assert.equal(badScope.code, 2);
  const [keyId, secret] = minted.stdout.trim().split(' ');
  assert.match(keyId, /^key_/);
  assert.match(secret, /^veyra_sk_/);

  const server = await startVeyra({ config });
  try {
    const models = await fetch(`${server.baseUrl}/v1/models`, {
      headers: { Authorization: `Bearer ${secret}` },
    });
    assert.equal(models.status, 200);
    const ids = (await models.json()).data.map((model) => model.id).sort();
    assert.deepEqual(ids, ['veyra-echo', 'veyra-embed', 'veyra-sphinx'], 'pro plan, via the key');
    const embed = await fetch(`${server.baseUrl}/v1/embeddings`, {
      method: 'POST', headers: { Authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'veyra-embed', input: 'x' }),
    });
    assert.equal(embed.status, 403, 'the key has no embeddings scope');
    const login = await fetch(`${server.baseUrl}/v1/auth/login`, {
      method: 'POST', body: JSON.stringify({ email: 'gone@example.com', password: kPassword }),
    });
    assert.equal(login.status, 403);
    assert.equal((await login.json()).error.code, 'account_disabled');
    assert.ok(!server.logs().some((line) => line.includes(secret)), 'the secret is never logged');
  } finally {
    await server.stop();
  }
});

test('the admin reads the help-center tickets; others may not', async () => {
  const user = await register(`tickets${Date.now()}@example.com`);

  const listed = await call('GET', '/v1/admin/tickets', admin);
  const refused = await call('GET', '/v1/admin/tickets', user.token);

  assert.equal(listed.status, 200);
  const body = await listed.json();
  assert.equal(body.object, 'list');
  assert.ok(Array.isArray(body.data));
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, 'admin_required');
});
