// Black-box checks of accounts and sessions on the real `veyra` binary: registration and the
// password policy, login and its throttling, access tokens (JWT) and their rejection,
// refresh rotation and reuse detection, logout, the session list, password change, the
// client address behind trusted proxies, `veyra admin create-user`, and secrets in logs.
//
// Run: cd tests/e2e && node --test accounts.test.mjs
// The binary comes from VEYRA_BIN, else build/veyra under the repository root.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { rawConnection, runVeyra, sleep, startVeyra } from './lib/harness.mjs';

const kAccessTtlSeconds = 2;

// Cheap hashing and short access tokens keep the suite fast; only the default-cost test
// runs real Argon2id parameters.
const kFastAuth = {
  access_token_ttl: `${kAccessTtlSeconds}s`,
  argon2_memory_kib: 1024,
  argon2_passes: 1,
};

const kErrorTypes = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  429: 'rate_limit_error',
};

const kUserFields = ['created_at', 'email', 'email_verified', 'id', 'name', 'plan', 'role',
  'two_factor_enabled'];
const kTokenPairFields = ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token',
  'session_id', 'token_type', 'user'];
const kSessionFields = ['auth_method', 'created_at', 'current', 'expires_at', 'id', 'ip',
  'last_used_at', 'revoked_at', 'revoked_reason', 'status', 'two_factor', 'user_agent'];

// One server shared by every test whose accounts cannot disturb each other. It trusts the
// loopback proxy so that throttling tests can each claim their own client address.
let shared;
function sharedVeyra() {
  shared ??= startVeyra({ config: { trusted_proxies: ['127.0.0.1/32'], auth: kFastAuth } });
  return shared;
}

// A server with default Argon2id cost and no trusted proxies.
let defaults;
function defaultVeyra() {
  defaults ??= startVeyra();
  return defaults;
}

// ---------------------------------------------------------------------------------------------
// Helpers

let uniqueCounter = 0;
function uniqueEmail(label) {
  uniqueCounter += 1;
  return `${label}-${process.pid}-${uniqueCounter}@example.com`;
}

// A password no common-password list holds.
function strongPassword() {
  return `Vy-${randomBytes(9).toString('base64url')}`;
}

// Distinct documentation-range addresses, so throttled addresses never collide.
let addressCounter = 0;
function uniqueAddress() {
  addressCounter += 1;
  return `198.51.100.${addressCounter}`;
}

// Sends a request and parses the JSON answer. `body` objects are serialised; strings are
// sent as they are. Resolves with {status, headers, body, text}.
async function call(veyra, method, path, { body, token, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token !== undefined) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!Object.keys(init.headers).some((name) => name.toLowerCase() === 'content-type')) {
      init.headers['Content-Type'] = 'application/json';
    }
  }
  let response;
  try {
    response = await fetch(`${veyra.baseUrl}${path}`, init);
  } catch (error) {
    // A refused connection usually means the server died: say how, with its last words.
    const exit = await Promise.race([veyra.exited, sleep(200).then(() => 'still running')]);
    throw new Error(`${method} ${path} failed (${error.cause?.code ?? error.message}); ` +
                    `server: ${JSON.stringify(exit)}\n${veyra.logs().slice(-20).join('\n')}`);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

function describeResponse(response) {
  return `${response.status} ${response.text}`;
}

// Asserts the error envelope: status, its type, the code and, when given, the param.
function assertError(response, status, code, param) {
  assert.equal(response.status, status, describeResponse(response));
  const error = response.body?.error;
  assert.ok(error, `no error envelope: ${response.text}`);
  assert.equal(error.code, code, describeResponse(response));
  assert.equal(error.type, kErrorTypes[status], describeResponse(response));
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  if (param !== undefined) assert.equal(error.param, param, describeResponse(response));
}

// A refresh token whose session is gone (revoked, logged out, expired) is no longer a
// refresh token the server knows.
function assertDeadRefresh(response) {
  assertError(response, 401, 'refresh_token_invalid');
}

function assertOk(response, status = 200) {
  assert.equal(response.status, status, describeResponse(response));
}

function decodeJwtPart(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

function encodeJwtPart(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

// Replaces one character in the middle of `text` (a middle base64url character always
// carries six payload bits, so the decoded bytes change).
function flipMiddleChar(text) {
  const index = Math.floor(text.length / 2);
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

function register(veyra, email, password, extra = {}) {
  return call(veyra, 'POST', '/v1/auth/register', { body: { email, password, ...extra } });
}

function login(veyra, email, password, headers = {}) {
  return call(veyra, 'POST', '/v1/auth/login', { body: { email, password }, headers });
}

function refresh(veyra, refreshToken) {
  return call(veyra, 'POST', '/v1/auth/refresh', { body: { refresh_token: refreshToken } });
}

function account(veyra, token) {
  return call(veyra, 'GET', '/v1/account', { token });
}

function listSessions(veyra, token) {
  return call(veyra, 'GET', '/v1/auth/sessions', { token });
}

// Registers a fresh account; resolves with {email, password, user}.
async function newAccount(veyra, label) {
  const email = uniqueEmail(label);
  const password = strongPassword();
  const response = await register(veyra, email, password);
  assertOk(response, 201);
  return { email, password, user: response.body.user };
}

// Logs in and resolves with the TokenPair.
async function signIn(veyra, { email, password }, headers = {}) {
  const response = await login(veyra, email, password, headers);
  assertOk(response);
  return response.body;
}

function assertUserShape(user, { email, name } = {}) {
  assert.deepEqual(Object.keys(user).sort(), kUserFields);
  assert.match(user.id, /^usr_[A-Za-z0-9]+$/);
  if (email !== undefined) assert.equal(user.email, email);
  if (name !== undefined) assert.equal(user.name, name);
  assert.equal(user.email_verified, false);
  assert.equal(user.two_factor_enabled, false);
  assert.equal(user.role, 'user');
  assert.equal(user.plan, 'free');
  assert.ok(Number.isInteger(user.created_at), `created_at ${user.created_at}`);
  assert.ok(Math.abs(user.created_at - nowSeconds()) < 120, `created_at ${user.created_at}`);
}

function findSession(list, id) {
  const session = list.body.data.find((item) => item.id === id);
  assert.ok(session, `session ${id} missing from ${list.text}`);
  return session;
}

// ---------------------------------------------------------------------------------------------
// Registration

describe('Register', { concurrency: true }, () => {
  test('Register.Returns201WithUser', async () => {
    const veyra = await sharedVeyra();
    const email = uniqueEmail('shape');

    const response = await register(veyra, email, strongPassword(), { name: 'Ada Lovelace' });

    assertOk(response, 201);
    assert.deepEqual(Object.keys(response.body), ['user']);
    assertUserShape(response.body.user, { email, name: 'Ada Lovelace' });
  });

  test('Register.NormalisesEmail', async () => {
    const veyra = await sharedVeyra();
    const local = `Mixed.Case-${process.pid}-${Date.now()}`;
    const password = strongPassword();

    const response = await register(veyra, `  ${local}@Example.COM \t`, password);
    const again = await login(veyra, `${local.toLowerCase()}@EXAMPLE.com`, password);

    assertOk(response, 201);
    assert.equal(response.body.user.email, `${local}@example.com`);
    assertOk(again);
    assert.equal(again.body.user.id, response.body.user.id);
  });

  test('Register.DuplicateEmailIs409', async () => {
    const veyra = await sharedVeyra();
    const { email } = await newAccount(veyra, 'dup');

    const same = await register(veyra, email, strongPassword());
    const upper = await register(veyra, email.toUpperCase(), strongPassword());
    const padded = await register(veyra, ` ${email} `, strongPassword());

    assertError(same, 409, 'email_taken');
    assertError(upper, 409, 'email_taken');
    assertError(padded, 409, 'email_taken');
  });

  test('Register.PasswordLengthBounds', async () => {
    const veyra = await sharedVeyra();
    const base = `Ln${randomBytes(96).toString('hex')}`;

    const seven = await register(veyra, uniqueEmail('len7'), base.slice(0, 7));
    const eight = await register(veyra, uniqueEmail('len8'), base.slice(0, 8));
    const max = await register(veyra, uniqueEmail('len128'), base.slice(0, 128));
    const over = await register(veyra, uniqueEmail('len129'), base.slice(0, 129));
    const huge = await register(veyra, uniqueEmail('len4k'), base.repeat(40).slice(0, 4096));

    assertError(seven, 400, 'weak_password', 'password');
    assertOk(eight, 201);
    assertOk(max, 201);
    // Every character counts: the full 128 sign in, a prefix does not.
    const email = max.body.user.email;
    const headers = { 'X-Forwarded-For': uniqueAddress() };
    assertOk(await login(veyra, email, base.slice(0, 128), headers));
    assertError(await login(veyra, email, base.slice(0, 127), headers), 401, 'invalid_credentials');
    assertError(await login(veyra, email, base.slice(0, 72), headers), 401, 'invalid_credentials');
    assertError(over, 400, 'weak_password', 'password');
    assertError(huge, 400, 'weak_password', 'password');
  });

  // The bounds count characters, not UTF-8 bytes: 7 two-byte letters are too short, 128
  // are not too long.
  test('Register.PasswordLengthCountsCharacters', async () => {
    const veyra = await sharedVeyra();
    const letters = 'жзиклмнопрстуфхцчшщыэюя';
    const word = (count) => Array.from({ length: count }, (_, i) => letters[i % letters.length])
        .join('');

    const seven = await register(veyra, uniqueEmail('utf7'), word(7));
    const max = await register(veyra, uniqueEmail('utf128'), word(128));
    const over = await register(veyra, uniqueEmail('utf129'), word(129));

    assertError(seven, 400, 'weak_password', 'password');
    assertOk(max, 201);
    assertError(over, 400, 'weak_password', 'password');
  });

  test('Register.CommonPasswordIsWeak', async () => {
    const veyra = await sharedVeyra();

    const first = await register(veyra, uniqueEmail('common1'), 'password123');
    const second = await register(veyra, uniqueEmail('common2'), 'qwerty123');

    assertError(first, 400, 'weak_password', 'password');
    assertError(second, 400, 'weak_password', 'password');
  });

  test('Register.PasswordEqualToEmailIsWeak', async () => {
    const veyra = await sharedVeyra();
    const email = uniqueEmail('samepass');
    const local = email.slice(0, email.indexOf('@'));

    const whole = await register(veyra, email, email);
    const localPart = await register(veyra, email, local);
    const accepted = await register(veyra, email, strongPassword());

    assertError(whole, 400, 'weak_password', 'password');
    assertError(localPart, 400, 'weak_password', 'password');
    assertOk(accepted, 201);
  });

  test('Register.MissingFieldsAre400', async () => {
    const veyra = await sharedVeyra();

    const noEmail = await call(veyra, 'POST', '/v1/auth/register',
                               { body: { password: strongPassword() } });
    const noPassword = await call(veyra, 'POST', '/v1/auth/register',
                                  { body: { email: uniqueEmail('nopass') } });

    assertError(noEmail, 400, 'missing_field', 'email');
    assertError(noPassword, 400, 'missing_field', 'password');
  });

  test('Register.InvalidEmailIs400', async () => {
    const veyra = await sharedVeyra();
    const bad = ['not-an-email', 'user@', '@example.com', 'two words@example.com',
      'user@-example.com'];

    const responses = await Promise.all(bad.map((email) =>
      register(veyra, email, strongPassword())));
    const notString = await register(veyra, 42, strongPassword());

    for (const response of responses) assertError(response, 400, 'invalid_field', 'email');
    assertError(notString, 400, 'invalid_field', 'email');
  });

  test('Register.InvalidJsonIs400', async () => {
    const veyra = await sharedVeyra();

    const response = await call(veyra, 'POST', '/v1/auth/register',
                                { body: '{"email": "a@example.com", "password": ' });

    assertError(response, 400, 'invalid_json');
  });

  test('Register.NonObjectJsonIs400', async () => {
    const veyra = await sharedVeyra();
    const bodies = ['[1, 2]', '"a@example.com"', '42', 'null'];

    const responses = await Promise.all(bodies.map((body) =>
      call(veyra, 'POST', '/v1/auth/register', { body })));

    for (const response of responses) assertError(response, 400, 'invalid_json');
  });

  // curl -d sends application/x-www-form-urlencoded; the body is still JSON.
  test('Register.ParsesJsonWhateverContentType', async () => {
    const veyra = await sharedVeyra();
    const email = uniqueEmail('curl');

    const response = await call(veyra, 'POST', '/v1/auth/register', {
      body: JSON.stringify({ email, password: strongPassword() }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    assertOk(response, 201);
    assert.equal(response.body.user.email, email);
  });
});

// ---------------------------------------------------------------------------------------------
// Login

describe('Login', { concurrency: true }, () => {
  test('Login.ReturnsTokenPair', async () => {
    const veyra = await sharedVeyra();
    const { email, password, user } = await newAccount(veyra, 'pair');

    const response = await login(veyra, email, password);

    assertOk(response);
    const pair = response.body;
    assert.deepEqual(Object.keys(pair).sort(), kTokenPairFields);
    assert.equal(pair.token_type, 'Bearer');
    assert.equal(pair.expires_in, kAccessTtlSeconds);
    assert.equal(typeof pair.refresh_token, 'string');
    assert.ok(pair.refresh_token.length >= 20, pair.refresh_token);
    assert.ok(Number.isInteger(pair.refresh_expires_in) && pair.refresh_expires_in > 0);
    assert.match(pair.session_id, /^ses_[A-Za-z0-9]+$/);
    assert.deepEqual(pair.user, user);

    const parts = pair.access_token.split('.');
    assert.equal(parts.length, 3, pair.access_token);
    const header = decodeJwtPart(parts[0]);
    const claims = decodeJwtPart(parts[1]);
    assert.notEqual(header.alg.toLowerCase(), 'none');
    assert.equal(typeof claims.iss, 'string');
    assert.ok(claims.iss.length > 0);
    assert.equal(claims.sub, user.id);
    assert.equal(claims.sid, pair.session_id);
    assert.ok(Number.isInteger(claims.iat) && Math.abs(claims.iat - nowSeconds()) < 60);
    assert.equal(claims.exp - claims.iat, kAccessTtlSeconds);
    assert.ok(Array.isArray(claims.amr) && claims.amr.length > 0, JSON.stringify(claims));
    assert.ok(parts[2].length > 0);
  });

  test('Login.UnknownEmailAndWrongPasswordAnswerAlike', async () => {
    const veyra = await sharedVeyra();
    const { email } = await newAccount(veyra, 'alike');
    const headers = { 'X-Forwarded-For': uniqueAddress() };

    const wrong = await login(veyra, email, strongPassword(), headers);
    const unknown = await login(veyra, uniqueEmail('nobody'), strongPassword(), headers);

    assertError(wrong, 401, 'invalid_credentials');
    assertError(unknown, 401, 'invalid_credentials');
    assert.deepEqual(unknown.body, wrong.body);
    assert.equal(unknown.headers.get('content-type'), wrong.headers.get('content-type'));
  });

  test('Login.MissingFieldsAre400', async () => {
    const veyra = await sharedVeyra();

    const noEmail = await call(veyra, 'POST', '/v1/auth/login', { body: { password: 'x' } });
    const noPassword = await call(veyra, 'POST', '/v1/auth/login',
                                  { body: { email: uniqueEmail('nopw') } });
    const badJson = await call(veyra, 'POST', '/v1/auth/login', { body: '{' });

    assertError(noEmail, 400, 'missing_field', 'email');
    assertError(noPassword, 400, 'missing_field', 'password');
    assertError(badJson, 400, 'invalid_json');
  });

  test('Login.ThrottlesRepeatedFailuresPerEmail', async () => {
    const veyra = await sharedVeyra();
    const target = await newAccount(veyra, 'throttle-email');
    const bystander = await newAccount(veyra, 'throttle-bystander');
    const headers = { 'X-Forwarded-For': uniqueAddress() };

    const failures = [];
    for (let i = 0; i < 5; i += 1) {
      failures.push(await login(veyra, target.email, strongPassword(), headers));
    }
    const blocked = await login(veyra, target.email, target.password, headers);
    const otherAddress = await login(veyra, target.email, target.password,
                                     { 'X-Forwarded-For': uniqueAddress() });
    const otherEmail = await login(veyra, bystander.email, bystander.password, headers);

    for (const failure of failures) assertError(failure, 401, 'invalid_credentials');
    assertError(blocked, 429, 'too_many_attempts');
    const retryAfter = blocked.headers.get('retry-after');
    assert.match(retryAfter ?? '', /^\d+$/, `Retry-After: ${retryAfter}`);
    assert.ok(Number(retryAfter) > 0);
    assertError(otherAddress, 429, 'too_many_attempts');
    assertOk(otherEmail);
  });

  test('Login.ThrottlesRepeatedFailuresPerAddress', async () => {
    const veyra = await sharedVeyra();
    const { email, password } = await newAccount(veyra, 'throttle-addr');
    const address = uniqueAddress();
    const headers = { 'X-Forwarded-For': address };

    // Twenty failures spread over ten emails, so no single email reaches its own limit.
    const failures = [];
    for (let i = 0; i < 20; i += 1) {
      const victim = `addr-${process.pid}-${i % 10}-${address}@example.com`;
      failures.push(await login(veyra, victim, strongPassword(), headers));
    }
    const blocked = await login(veyra, email, password, headers);
    const elsewhere = await login(veyra, email, password, { 'X-Forwarded-For': uniqueAddress() });

    failures.forEach((failure) => assertError(failure, 401, 'invalid_credentials'));
    assertError(blocked, 429, 'too_many_attempts');
    assert.match(blocked.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assertOk(elsewhere);
  });
});

// ---------------------------------------------------------------------------------------------
// Access tokens

describe('AccessToken', { concurrency: true }, () => {
  test('AccessToken.OpensAccount', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'account');
    const pair = await signIn(veyra, created);

    const response = await account(veyra, pair.access_token);

    assertOk(response);
    assert.deepEqual(Object.keys(response.body), ['user']);
    assert.deepEqual(response.body.user, created.user);
  });

  test('AccessToken.MissingIs401', async () => {
    const veyra = await sharedVeyra();

    const account = await call(veyra, 'GET', '/v1/account');
    const sessions = await call(veyra, 'GET', '/v1/auth/sessions');
    const basic = await call(veyra, 'GET', '/v1/account',
                             { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    const emptyBearer = await call(veyra, 'GET', '/v1/account',
                                   { headers: { Authorization: 'Bearer ' } });

    assertError(account, 401, 'missing_credentials');
    assertError(sessions, 401, 'missing_credentials');
    assertError(basic, 401, 'missing_credentials');
    assertError(emptyBearer, 401, 'missing_credentials');
  });

  test('AccessToken.GarbageIs401', async () => {
    const veyra = await sharedVeyra();

    const garbage = await account(veyra, 'not-a-token');
    const dotted = await account(veyra, 'a.b.c');

    assertError(garbage, 401, 'invalid_access_token');
    assertError(dotted, 401, 'invalid_access_token');
  });

  test('AccessToken.TamperedIs401', async () => {
    const veyra = await sharedVeyra();
    const pair = await signIn(veyra, await newAccount(veyra, 'tamper'));
    const [header, payload, signature] = pair.access_token.split('.');
    const claims = decodeJwtPart(payload);
    const extended = encodeJwtPart({ ...claims, exp: claims.exp + 3600 });

    const flipped = await account(veyra, `${header}.${flipMiddleChar(payload)}.${signature}`);
    const resigned = await account(veyra, `${header}.${extended}.${signature}`);
    const badSignature = await account(veyra, `${header}.${payload}.${flipMiddleChar(signature)}`);
    const genuine = await account(veyra, pair.access_token);

    assertError(flipped, 401, 'invalid_access_token');
    assertError(resigned, 401, 'invalid_access_token');
    assertError(badSignature, 401, 'invalid_access_token');
    assertOk(genuine);
  });

  test('AccessToken.AlgNoneIs401', async () => {
    const veyra = await sharedVeyra();
    const pair = await signIn(veyra, await newAccount(veyra, 'algnone'));
    const payload = pair.access_token.split('.')[1];
    const none = encodeJwtPart({ alg: 'none', typ: 'JWT' });
    const noneUpper = encodeJwtPart({ alg: 'None', typ: 'JWT' });

    const unsigned = await account(veyra, `${none}.${payload}.`);
    const unsignedUpper = await account(veyra, `${noneUpper}.${payload}.`);

    assertError(unsigned, 401, 'invalid_access_token');
    assertError(unsignedUpper, 401, 'invalid_access_token');
  });

  // exp is in whole seconds, so a token issued at t.9 s with a 2 s lifetime may still be
  // good until just before t + 3 s; waiting 3.2 s passes it whatever the rounding.
  test('AccessToken.ExpiredIs401', async () => {
    const veyra = await sharedVeyra();
    const pair = await signIn(veyra, await newAccount(veyra, 'expiry'));
    assertOk(await account(veyra, pair.access_token));

    await sleep(3_200);
    const expired = await account(veyra, pair.access_token);
    const refreshed = await refresh(veyra, pair.refresh_token);

    assertError(expired, 401, 'access_token_expired');
    assertOk(refreshed);
    assertOk(await account(veyra, refreshed.body.access_token));
  });

  test('AccessToken.ApiKeyOnSessionEndpointIs403', async () => {
    const veyra = await sharedVeyra();
    const key = `veyra_sk_${'A1b2C3d4'.repeat(5)}`;

    const onAccount = await account(veyra, key);
    const onSessions = await listSessions(veyra, key);
    const onLogout = await call(veyra, 'POST', '/v1/auth/logout', { token: key, body: {} });

    assertError(onAccount, 403, 'session_auth_required');
    assertError(onSessions, 403, 'session_auth_required');
    assertError(onLogout, 403, 'session_auth_required');
  });
});

// ---------------------------------------------------------------------------------------------
// Refresh

describe('Refresh', { concurrency: true }, () => {
  test('Refresh.RotatesWithinTheSession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'rotate');
    const first = await signIn(veyra, created);

    const response = await refresh(veyra, first.refresh_token);

    assertOk(response);
    const second = response.body;
    assert.deepEqual(Object.keys(second).sort(), kTokenPairFields);
    assert.equal(second.session_id, first.session_id);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(decodeJwtPart(second.access_token.split('.')[1]).sid, first.session_id);
    assert.equal(second.user.id, created.user.id);
    const me = await account(veyra, second.access_token);
    assertOk(me);
    assert.equal(me.body.user.id, created.user.id);
  });

  test('Refresh.ReuseRevokesTheSession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'reuse');
    const first = await signIn(veyra, created, { 'User-Agent': 'reuse-victim/1.0' });
    const rotated = await refresh(veyra, first.refresh_token);
    assertOk(rotated);
    const second = rotated.body;
    assertOk(await account(veyra, second.access_token));

    const reused = await refresh(veyra, first.refresh_token);
    const newestAccess = await account(veyra, second.access_token);
    const oldestAccess = await account(veyra, first.access_token);
    const newestRefresh = await refresh(veyra, second.refresh_token);
    const other = await signIn(veyra, created);
    const list = await listSessions(veyra, other.access_token);

    assertError(reused, 401, 'refresh_token_reused');
    assertError(newestAccess, 401, 'session_revoked');
    assertError(oldestAccess, 401, 'session_revoked');
    assertDeadRefresh(newestRefresh);
    assertOk(list);
    const victim = findSession(list, first.session_id);
    assert.equal(victim.status, 'revoked');
    assert.equal(victim.revoked_reason, 'refresh_token_reused');
    assert.ok(Number.isInteger(victim.revoked_at), JSON.stringify(victim));
    assert.equal(victim.current, false);
    assert.equal(victim.user_agent, 'reuse-victim/1.0');
    assert.equal(findSession(list, other.session_id).status, 'active');
  });

  test('Refresh.UnknownTokenIs401', async () => {
    const veyra = await sharedVeyra();

    const unknown = await refresh(veyra, randomBytes(32).toString('base64url'));
    const empty = await refresh(veyra, '');

    assertError(unknown, 401, 'refresh_token_invalid');
    assertError(empty, 401, 'refresh_token_invalid');
  });

  test('Refresh.MissingFieldIs400', async () => {
    const veyra = await sharedVeyra();

    const missing = await call(veyra, 'POST', '/v1/auth/refresh', { body: {} });
    const badJson = await call(veyra, 'POST', '/v1/auth/refresh', { body: 'refresh_token=x' });
    const notString = await refresh(veyra, 42);

    assertError(missing, 400, 'missing_field', 'refresh_token');
    assertError(badJson, 400, 'invalid_json');
    assertError(notString, 400, 'invalid_field', 'refresh_token');
  });

  test('Refresh.AccessTokenIsNoRefreshToken', async () => {
    const veyra = await sharedVeyra();
    const pair = await signIn(veyra, await newAccount(veyra, 'crossed'));

    const response = await refresh(veyra, pair.access_token);

    assertError(response, 401, 'refresh_token_invalid');
  });
});

// ---------------------------------------------------------------------------------------------
// Logout

describe('Logout', { concurrency: true }, () => {
  test('Logout.RevokesOnlyTheCurrentSession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'logout-one');
    const leaving = await signIn(veyra, created);
    const staying = await signIn(veyra, created);

    const response = await call(veyra, 'POST', '/v1/auth/logout',
                                { token: leaving.access_token, body: {} });
    const leavingAccess = await account(veyra, leaving.access_token);
    const leavingRefresh = await refresh(veyra, leaving.refresh_token);
    const stayingAccess = await account(veyra, staying.access_token);

    assertOk(response);
    assert.deepEqual(response.body, { revoked_sessions: 1 });
    assertError(leavingAccess, 401, 'session_revoked');
    assertDeadRefresh(leavingRefresh);
    assertOk(stayingAccess);
    const list = await listSessions(veyra, staying.access_token);
    assert.equal(findSession(list, leaving.session_id).status, 'revoked');
    assert.equal(findSession(list, staying.session_id).status, 'active');
  });

  test('Logout.AcceptsAnEmptyBody', async () => {
    const veyra = await sharedVeyra();
    const pair = await signIn(veyra, await newAccount(veyra, 'logout-empty'));

    const response = await fetch(`${veyra.baseUrl}/v1/auth/logout`, {
      method: 'POST', headers: { Authorization: `Bearer ${pair.access_token}` },
    });
    const body = await response.json();

    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body, { revoked_sessions: 1 });
    assertError(await account(veyra, pair.access_token), 401, 'session_revoked');
  });

  test('Logout.AllRevokesEverySession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'logout-all');
    const pairs = [];
    for (let i = 0; i < 3; i += 1) pairs.push(await signIn(veyra, created));
    const stranger = await signIn(veyra, await newAccount(veyra, 'logout-stranger'));

    const response = await call(veyra, 'POST', '/v1/auth/logout',
                                { token: pairs[0].access_token, body: { all: true } });

    assertOk(response);
    assert.deepEqual(response.body, { revoked_sessions: 3 });
    for (const pair of pairs) {
      assertError(await account(veyra, pair.access_token), 401, 'session_revoked');
      assertDeadRefresh(await refresh(veyra, pair.refresh_token));
    }
    assertOk(await account(veyra, stranger.access_token));
    assertOk(await login(veyra, created.email, created.password));
  });
});

// ---------------------------------------------------------------------------------------------
// Sessions

describe('Sessions', { concurrency: true }, () => {
  // A dedicated server whose refresh tokens live 3 s, so a session can expire cheaply.
  test('Sessions.ListShowsActiveRevokedAndExpired', async () => {
    const veyra = await startVeyra({
      config: { auth: { ...kFastAuth, refresh_token_ttl: '3s' } },
    });
    const created = await newAccount(veyra, 'list');
    const agent = 'veyra-e2e-sessions/1.0 (+accounts)';
    const expiring = await signIn(veyra, created, { 'User-Agent': 'expiring-agent/2.0' });
    await sleep(3_300);

    const revoked = await signIn(veyra, created);
    assertOk(await call(veyra, 'POST', '/v1/auth/logout',
                        { token: revoked.access_token, body: {} }));
    const current = await signIn(veyra, created, { 'User-Agent': agent });
    const other = await signIn(veyra, created);
    const list = await listSessions(veyra, current.access_token);

    assertOk(list);
    assert.equal(list.body.object, 'list');
    assert.equal(list.body.data.length, 4, list.text);
    for (const session of list.body.data) {
      assert.deepEqual(Object.keys(session).sort(), kSessionFields);
      assert.match(session.id, /^ses_[A-Za-z0-9]+$/);
      assert.equal(session.auth_method, 'password');
      assert.equal(session.two_factor, false);
      assert.equal(session.ip, '127.0.0.1');
      assert.ok(Number.isInteger(session.created_at));
      assert.ok(Number.isInteger(session.last_used_at));
      assert.ok(session.last_used_at >= session.created_at);
      assert.ok(Number.isInteger(session.expires_at));
      assert.ok(session.expires_at > session.created_at);
      assert.equal(session.current, session.id === current.session_id, JSON.stringify(session));
    }

    const mine = findSession(list, current.session_id);
    assert.equal(mine.status, 'active');
    assert.equal(mine.user_agent, agent);
    assert.equal(mine.revoked_at, null);
    assert.equal(mine.revoked_reason, null);
    assert.equal(findSession(list, other.session_id).status, 'active');

    const gone = findSession(list, expiring.session_id);
    assert.equal(gone.status, 'expired');
    assert.equal(gone.user_agent, 'expiring-agent/2.0');
    assert.equal(gone.revoked_at, null);
    assert.ok(gone.expires_at <= nowSeconds(), JSON.stringify(gone));

    const ended = findSession(list, revoked.session_id);
    assert.equal(ended.status, 'revoked');
    assert.ok(Number.isInteger(ended.revoked_at), JSON.stringify(ended));
    assert.equal(typeof ended.revoked_reason, 'string');
    assert.ok(ended.revoked_reason.length > 0);

    assertDeadRefresh(await refresh(veyra, expiring.refresh_token));
  });

  test('Sessions.ListHoldsOnlyTheCallersSessions', async () => {
    const veyra = await sharedVeyra();
    const mine = await signIn(veyra, await newAccount(veyra, 'own'));
    const theirs = await signIn(veyra, await newAccount(veyra, 'theirs'));

    const list = await listSessions(veyra, mine.access_token);

    assertOk(list);
    assert.deepEqual(list.body.data.map((session) => session.id), [mine.session_id]);
    assert.ok(!list.text.includes(theirs.session_id));
  });

  test('Sessions.DeleteRevokesOwnSession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'delete');
    const keeper = await signIn(veyra, created);
    const target = await signIn(veyra, created);

    const response = await call(veyra, 'DELETE', `/v1/auth/sessions/${target.session_id}`,
                                { token: keeper.access_token });
    const targetAccess = await account(veyra, target.access_token);
    const targetRefresh = await refresh(veyra, target.refresh_token);

    assertOk(response);
    assert.deepEqual(response.body, { id: target.session_id, status: 'revoked' });
    assertError(targetAccess, 401, 'session_revoked');
    assertDeadRefresh(targetRefresh);
    assertOk(await account(veyra, keeper.access_token));
    const list = await listSessions(veyra, keeper.access_token);
    assert.equal(findSession(list, target.session_id).status, 'revoked');
  });

  test('Sessions.DeleteSomeoneElsesIs404', async () => {
    const veyra = await sharedVeyra();
    const attacker = await signIn(veyra, await newAccount(veyra, 'attacker'));
    const victim = await signIn(veyra, await newAccount(veyra, 'victim'));

    const foreign = await call(veyra, 'DELETE', `/v1/auth/sessions/${victim.session_id}`,
                               { token: attacker.access_token });
    const unknown = await call(veyra, 'DELETE', '/v1/auth/sessions/ses_doesnotexist0000',
                               { token: attacker.access_token });

    assertError(foreign, 404, 'not_found');
    assertError(unknown, 404, 'not_found');
    assertOk(await account(veyra, victim.access_token));
    const list = await listSessions(veyra, victim.access_token);
    assert.equal(findSession(list, victim.session_id).status, 'active');
  });
});

// ---------------------------------------------------------------------------------------------
// Change password

describe('ChangePassword', { concurrency: true }, () => {
  test('ChangePassword.WrongCurrentIs400', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'chpw-wrong');
    const pair = await signIn(veyra, created);

    const response = await call(veyra, 'POST', '/v1/auth/change-password', {
      token: pair.access_token,
      body: { current_password: strongPassword(), new_password: strongPassword() },
    });

    assertError(response, 400, 'invalid_current_password');
    assertOk(await account(veyra, pair.access_token));
    assertOk(await login(veyra, created.email, created.password));
  });

  test('ChangePassword.WeakNewIs400', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'chpw-weak');
    const pair = await signIn(veyra, created);
    const attempt = (newPassword) => call(veyra, 'POST', '/v1/auth/change-password', {
      token: pair.access_token,
      body: { current_password: created.password, new_password: newPassword },
    });

    const short = await attempt('Ab1-xyz');
    const common = await attempt('password123');
    const email = await attempt(created.email);

    assertError(short, 400, 'weak_password', 'new_password');
    assertError(common, 400, 'weak_password', 'new_password');
    assertError(email, 400, 'weak_password', 'new_password');
    assertOk(await account(veyra, pair.access_token));
  });

  test('ChangePassword.RevokesEverySession', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'chpw-ok');
    const current = await signIn(veyra, created);
    const others = [await signIn(veyra, created), await signIn(veyra, created)];
    const newPassword = strongPassword();

    const response = await call(veyra, 'POST', '/v1/auth/change-password', {
      token: current.access_token,
      body: { current_password: created.password, new_password: newPassword },
    });

    assertOk(response);
    assert.deepEqual(response.body, { sessions_revoked: 3 });
    for (const pair of [current, ...others]) {
      assertError(await account(veyra, pair.access_token), 401, 'session_revoked');
      assertDeadRefresh(await refresh(veyra, pair.refresh_token));
    }
    const headers = { 'X-Forwarded-For': uniqueAddress() };
    assertError(await login(veyra, created.email, created.password, headers),
                401, 'invalid_credentials');
    const fresh = await login(veyra, created.email, newPassword, headers);
    assertOk(fresh);
    assertOk(await account(veyra, fresh.body.access_token));
  });
});

// ---------------------------------------------------------------------------------------------
// Client address

describe('ClientAddress', { concurrency: true }, () => {
  test('ClientAddress.TrustedProxyForwardsTheAddress', async () => {
    const veyra = await sharedVeyra();
    const created = await newAccount(veyra, 'xff');

    const direct = await signIn(veyra, created, { 'X-Forwarded-For': '203.0.113.7' });
    const chained = await signIn(veyra, created,
                                 { 'X-Forwarded-For': '192.0.2.1, 203.0.113.9, 127.0.0.1' });
    const list = await listSessions(veyra, direct.access_token);

    assertOk(list);
    assert.equal(findSession(list, direct.session_id).ip, '203.0.113.7');
    assert.equal(findSession(list, chained.session_id).ip, '203.0.113.9');
  });

  test('ClientAddress.UntrustedPeerHeaderIsIgnored', async () => {
    const veyra = await defaultVeyra();
    const created = await newAccount(veyra, 'noxff');

    const pair = await signIn(veyra, created, { 'X-Forwarded-For': '203.0.113.8' });
    const list = await listSessions(veyra, pair.access_token);

    assertOk(list);
    assert.equal(findSession(list, pair.session_id).ip, '127.0.0.1');
  });
});

// ---------------------------------------------------------------------------------------------
// Load: every auth route runs on the blocking pool, so clients that keep their connection
// open or sign in together must not disturb the server. Each test has its own server, so a
// crash here says exactly which pattern broke it.

describe('Load', { concurrency: true }, () => {
  test('Load.OneKeepAliveConnectionServesManySessionRequests', async () => {
    const veyra = await startVeyra({ config: { auth: kFastAuth } });
    const pair = await signIn(veyra, await newAccount(veyra, 'keepalive'));
    const connection = await rawConnection(veyra.port);
    const request = `GET /v1/account HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${pair.access_token}\r\n\r\n`;
    const kRequests = 60;

    let responses = [];
    try {
      for (let i = 1; i <= kRequests; i += 1) {
        await connection.write(request);
        responses = await connection.waitForResponses(i, 3_000);
      }
    } catch (error) {
      const exit = await Promise.race([veyra.exited, sleep(300).then(() => 'still running')]);
      assert.fail(`request ${responses.length + 1} of ${kRequests} on one connection got no ` +
                  `answer; server: ${JSON.stringify(exit)}\n${veyra.logs().slice(-5).join('\n')}`);
    } finally {
      connection.destroy();
    }

    assert.equal(responses.length, kRequests);
    for (const response of responses) assert.equal(response.status, 200, response.body);
  });

  test('Load.ConcurrentSignInsAllSucceed', async () => {
    const veyra = await startVeyra({ config: { auth: kFastAuth } });
    const accounts = [];
    for (let i = 0; i < 4; i += 1) accounts.push(await newAccount(veyra, `crowd${i}`));

    // Eight clients at once, each signing in, using and refreshing a session four times.
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, async (_, client) => {
      for (let round = 0; round < 4; round += 1) {
        const pair = await signIn(veyra, accounts[client % accounts.length]);
        assertOk(await account(veyra, pair.access_token));
        assertOk(await refresh(veyra, pair.refresh_token));
      }
    }));

    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(failures.length, 0, failures[0]?.reason?.message);
    assertOk(await call(veyra, 'GET', '/readyz'));
  });
});

// ---------------------------------------------------------------------------------------------
// Default cost, CLI, logs

describe('Accounts', { concurrency: true }, () => {
  test('Accounts.DefaultArgon2CostWorks', async () => {
    const veyra = await defaultVeyra();
    const created = await newAccount(veyra, 'argon-default');

    const pair = await signIn(veyra, created);
    const me = await account(veyra, pair.access_token);
    const wrong = await login(veyra, created.email, strongPassword());

    assertOk(me);
    assert.equal(me.body.user.id, created.user.id);
    assert.equal(pair.expires_in, 900);
    assert.equal(pair.refresh_expires_in, 30 * 24 * 3600);
    assertError(wrong, 401, 'invalid_credentials');
  });

  // "Time within noise": with real Argon2id cost a wrong password costs a hash; an unknown
  // email must cost about as much, or timing tells which emails have accounts.
  test('Accounts.UnknownEmailTakesAsLongAsWrongPassword', async () => {
    const veyra = await defaultVeyra();
    const created = await newAccount(veyra, 'timing');
    const timed = async (email) => {
      const started = performance.now();
      const response = await login(veyra, email, strongPassword());
      assertError(response, 401, 'invalid_credentials');
      return performance.now() - started;
    };
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

    const wrong = [];
    const unknown = [];
    for (let i = 0; i < 4; i += 1) {
      wrong.push(await timed(created.email));
      unknown.push(await timed(uniqueEmail('timing-nobody')));
    }

    assert.ok(median(unknown) >= 0.5 * median(wrong),
              `unknown email ${median(unknown).toFixed(1)} ms vs wrong password ` +
              `${median(wrong).toFixed(1)} ms`);
  });

  test('Accounts.CliCreatesAdminUser', async () => {
    const veyra = await sharedVeyra();
    const email = uniqueEmail('cli-admin');
    const password = strongPassword();

    const result = await runVeyra(['admin', 'create-user', '--config', veyra.configPath,
      '--email', email, '--password', password, '--name', 'Root Operator',
      '--role', 'admin', '--verified']);

    assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /^usr_[A-Za-z0-9]+ \S+@example\.com role=admin plan=free$/m);
    assert.ok(result.stdout.includes(email), result.stdout);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(password), 'the password was echoed');
    const pair = await signIn(veyra, { email, password });
    const me = await account(veyra, pair.access_token);
    assertOk(me);
    assert.equal(me.body.user.role, 'admin');
    assert.equal(me.body.user.email_verified, true);
    assert.equal(me.body.user.name, 'Root Operator');
    assert.equal(me.body.user.email, email);
    assert.ok(result.stdout.includes(me.body.user.id), result.stdout);
  });

  test('Accounts.CliRejectsWeakPassword', async () => {
    const veyra = await sharedVeyra();
    const email = uniqueEmail('cli-weak');

    const short = await runVeyra(['admin', 'create-user', '--config', veyra.configPath,
      '--email', email, '--password', 'short']);
    const common = await runVeyra(['admin', 'create-user', '--config', veyra.configPath,
      '--email', email, '--password', 'password123']);

    assert.notEqual(short.code, 0, short.stdout);
    assert.notEqual(common.code, 0, common.stdout);
    assert.ok(short.stderr.length > 0, 'no reason given on stderr');
    assertError(await login(veyra, email, 'password123', { 'X-Forwarded-For': uniqueAddress() }),
                401, 'invalid_credentials');
  });

  test('Accounts.SecretsNeverReachTheLog', async () => {
    const jwtSecret = `jwt-${randomBytes(24).toString('hex')}`;
    const veyra = await startVeyra({
      config: { log: { level: 'trace' }, auth: { ...kFastAuth, jwt_secret: jwtSecret } },
    });
    const email = uniqueEmail('secrets');
    const firstPassword = strongPassword();
    const secondPassword = strongPassword();
    const wrongPassword = strongPassword();
    const tokens = [];
    const keep = (pair) => tokens.push(pair.access_token, pair.refresh_token);

    assertOk(await register(veyra, email, firstPassword), 201);
    assertError(await login(veyra, email, wrongPassword), 401, 'invalid_credentials');
    const first = await signIn(veyra, { email, password: firstPassword });
    keep(first);
    const rotated = await refresh(veyra, first.refresh_token);
    assertOk(rotated);
    keep(rotated.body);
    assertOk(await call(veyra, 'POST', '/v1/auth/change-password', {
      token: rotated.body.access_token,
      body: { current_password: firstPassword, new_password: secondPassword },
    }));
    const second = await signIn(veyra, { email, password: secondPassword });
    keep(second);
    // A dead refresh token presented again must not be echoed in the failure's log either.
    assert.equal((await refresh(veyra, first.refresh_token)).status, 401);
    const requestId = `e2e-secrets-${process.pid}`;
    assertOk(await call(veyra, 'POST', '/v1/auth/logout', {
      token: second.access_token, body: {}, headers: { 'X-Request-Id': requestId },
    }));
    await veyra.waitForLog((event) => event.event === 'request' &&
                                      event.request_id === requestId);

    const logged = veyra.logs().join('\n');
    const secrets = { firstPassword, secondPassword, wrongPassword, jwtSecret };
    tokens.forEach((token, index) => { secrets[`token${index}`] = token; });
    for (const pair of [first, rotated.body, second]) {
      secrets[`signature of ${pair.session_id}`] = pair.access_token.split('.')[2];
    }
    for (const [name, secret] of Object.entries(secrets)) {
      assert.ok(!logged.includes(secret), `${name} appears in the log`);
    }
    assert.ok(!logged.includes('$argon2id'), 'a password hash appears in the log');
    assert.ok(!/argon2id\$v=/.test(logged), 'a password hash appears in the log');
  });
});
