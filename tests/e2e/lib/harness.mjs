// The end-to-end harness: starts the real `veyra` and `veyra-mock-upstream` binaries on free
// ports in throwaway directories, runs `veyra` subcommands, and talks raw HTTP/1.1 over
// sockets when a test needs bytes that fetch() would never send.
//
// Everything a test starts is tracked: a node:test `after` hook (and, as a last resort, the
// process's exit) kills whatever is still running and removes every temporary directory.
//
// Binaries: VEYRA_BIN and VEYRA_MOCK_BIN, else build/veyra and build/veyra-mock-upstream under
// the repository root. Those two variables, like every other VEYRA_* variable of the test
// runner, are never passed down to the binaries: veyra rejects unknown VEYRA_* names.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const veyraBin = process.env.VEYRA_BIN ?? path.join(repoRoot, 'build/veyra');
export const mockBin = process.env.VEYRA_MOCK_BIN ??
    path.join(repoRoot, 'build/veyra-mock-upstream');

const kStartTimeoutMs = 15_000;
const kStopTimeoutMs = 10_000;

const liveChildren = new Set();
const tempDirs = new Set();

// ---------------------------------------------------------------------------------------------
// Cleanup

// Kills every child still alive and removes every temporary directory. Registered as a
// node:test `after` hook below; safe to call more than once.
export async function cleanup() {
  const exits = [...liveChildren].map((child) => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    return exited;
  });
  await Promise.all(exits);
  const dirs = [...tempDirs];
  tempDirs.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

after(cleanup);

// If the runner is torn down without running hooks, still leave nothing behind.
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// Creates a directory under os.tmpdir() that cleanup() removes.
export async function makeTempDir(prefix = 'veyra-e2e-') {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------------
// TOML

function tomlKey(key) {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function isTable(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isArrayOfTables(value) {
  return Array.isArray(value) && value.length > 0 && value.every(isTable);
}

function tomlValue(value) {
  if (typeof value === 'string') return JSON.stringify(value);  // JSON escapes are valid TOML
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as TOML`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (isTable(value)) {
    const pairs = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`);
    return `{ ${pairs.join(', ')} }`;
  }
  throw new Error(`cannot write ${typeof value} as TOML`);
}

// Writes one table's plain keys, then its sub-tables and arrays of tables, under `prefix`.
function tomlTable(table, prefix, lines) {
  const nested = [];
  for (const [key, value] of Object.entries(table)) {
    if (value === undefined) continue;
    if (isTable(value) || isArrayOfTables(value)) nested.push([key, value]);
    else lines.push(`${tomlKey(key)} = ${tomlValue(value)}`);
  }
  for (const [key, value] of nested) {
    const name = [...prefix, tomlKey(key)];
    if (Array.isArray(value)) {
      for (const item of value) {
        lines.push('', `[[${name.join('.')}]]`);
        tomlTable(item, name, lines);
      }
    } else {
      // A table holding only sub-tables needs no header of its own.
      const onlyNested = Object.values(value).length > 0 &&
          Object.values(value).every((item) => isTable(item) || isArrayOfTables(item));
      if (!onlyNested) lines.push('', `[${name.join('.')}]`);
      tomlTable(value, name, lines);
    }
  }
}

// Renders a JS object as TOML: objects become [tables], arrays of objects [[tables]].
export function toToml(config) {
  const lines = [];
  tomlTable(config, [], lines);
  return `${lines.join('\n').trimStart()}\n`;
}

function mergeDeep(base, override) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(override ?? {})) {
    merged[key] = isTable(value) && isTable(merged[key]) ? mergeDeep(merged[key], value) : value;
  }
  return merged;
}

// The config every test instance gets: a free port, a database inside `dir`, JSON logs.
// `config` (an object, or raw TOML text) is laid over it. Raw text keeps its own keys: the
// listen address and database are prepended only when it does not set them, and the JSON
// log format is appended only when it has no [log] table.
function renderConfig(dir, config) {
  const base = {
    listen: '127.0.0.1:0',
    database_url: `sqlite://${dir}/veyra.db`,
    log: { format: 'json' },
  };
  if (typeof config !== 'string') return toToml(mergeDeep(base, config));

  const head = [];
  if (!/^\s*listen\s*=/m.test(config)) head.push(`listen = ${tomlValue(base.listen)}`);
  if (!/^\s*database_url\s*=/m.test(config)) {
    head.push(`database_url = ${tomlValue(base.database_url)}`);
  }
  const tail = /^\s*\[log\]/m.test(config) ? '' : '\n[log]\nformat = "json"\n';
  return `${head.join('\n')}\n${config}\n${tail}`;
}

// Writes `text` (or `config` rendered as TOML) to FILE in a new temp dir; returns its path.
export async function writeConfigFile(config, name = 'veyra.toml') {
  const dir = await makeTempDir();
  const file = path.join(dir, name);
  await writeFile(file, typeof config === 'string' ? config : toToml(config));
  return file;
}

// ---------------------------------------------------------------------------------------------
// Processes

// The runner's environment minus every VEYRA_* name, plus `env` (undefined deletes a name).
function childEnv(env = {}) {
  const merged = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VEYRA_')) merged[key] = value;
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = String(value);
  }
  return merged;
}

function track(child) {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

// Collects the child's stdout and stderr lines (stderr prefixed "stderr: ") into `lines`,
// calling `onLine` for each stdout line. Reading never stops, so logs cannot fill a pipe.
function captureLines(child, lines, onLine) {
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    onLine?.(line);
  });
  createInterface({ input: child.stderr }).on('line', (line) => lines.push(`stderr: ${line}`));
}

function exitPromise(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    }
  });
}

// Spawns `bin args`, waits until `parseReady(line)` returns a port, and builds the handle
// that startVeyra and startMock return.
function startProcess(bin, args, { env, name, parseReady, timeoutMs = kStartTimeoutMs }) {
  const lines = [];
  const child = track(spawn(bin, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  const exited = exitPromise(child);
  const dump = () => lines.join('\n');

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not report listening within ${timeoutMs} ms:\n${dump()}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} failed to start (${bin}): ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${code}, signal ${signal}) before listening:\n` +
                       dump()));
    });
    captureLines(child, lines, (line) => {
      const port = parseReady(line);
      if (port !== undefined) {
        clearTimeout(timer);
        resolve(port);
      }
    });
  });

  return ready.then((port) => {
    // Sends `signal` and resolves with how the process ended; SIGKILL after timeoutMs.
    const stop = async (signal = 'SIGTERM', { timeoutMs: stopMs = kStopTimeoutMs } = {}) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    };
    return {
      pid: child.pid,
      port,
      baseUrl: `http://127.0.0.1:${port}`,
      logs: () => [...lines],
      dump,
      exited,
      stop,
      kill: () => stop('SIGKILL'),
      // Resolves with the first log line (parsed when JSON) that `predicate` accepts.
      waitForLog: (predicate, waitMs = 5_000) => waitForLine(lines, predicate, waitMs, dump),
      // Every stdout line that is a JSON object, parsed.
      events: () => lines.map(parseJsonLine).filter((event) => event !== undefined),
    };
  });
}

function parseJsonLine(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

async function waitForLine(lines, predicate, timeoutMs, dump) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of lines) {
      const parsed = parseJsonLine(line) ?? line;
      if (predicate(parsed, line)) return parsed;
    }
    if (Date.now() > deadline) {
      throw new Error(`no matching log line in ${timeoutMs} ms:\n${dump()}`);
    }
    await sleep(20);
  }
}

// Starts `veyra serve --config FILE` on a free port in a fresh temp dir.
//   config: TOML sections as an object, or raw TOML text, laid over the harness defaults
//   env:    extra environment (VEYRA_* overrides included)
//   args:   extra arguments after `serve --config FILE`
// Resolves with {baseUrl, port, pid, dir, configPath, logs(), events(), waitForLog(), stop(),
// kill(), exited}; rejects with the captured log if "listening" is not seen within 15 s.
export async function startVeyra({ config = {}, env = {}, args = [], timeoutMs } = {}) {
  const dir = await makeTempDir();
  const configPath = path.join(dir, 'veyra.toml');
  await writeFile(configPath, renderConfig(dir, config));

  const handle = await startProcess(veyraBin, ['serve', '--config', configPath, ...args], {
    env,
    name: 'veyra',
    timeoutMs,
    parseReady: (line) => {
      const event = parseJsonLine(line);
      return event?.event === 'listening' ? event.port : undefined;
    },
  });
  return { ...handle, dir, configPath };
}

// Starts veyra-mock-upstream on a free port with extra `args` (e.g. ['--quiet']).
export function startMock(args = [], { env = {}, timeoutMs } = {}) {
  return startProcess(mockBin, ['--listen', '127.0.0.1:0', ...args], {
    env,
    name: 'veyra-mock-upstream',
    timeoutMs,
    parseReady: (line) => {
      const match = /^listening on .+:(\d+)$/.exec(line);
      return match ? Number(match[1]) : undefined;
    },
  });
}

// Runs `veyra args` to completion. Resolves with {code, signal, stdout, stderr}; a run that
// outlives timeoutMs is killed and rejects.
export function runVeyra(args, { env = {}, timeoutMs = 15_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(veyraBin, args, {
      env: childEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`veyra ${args.join(' ')} ran over ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => { clearTimeout(timer); reject(error); });
    // 'close' waits for the pipes to drain, so stdout and stderr are complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Raw sockets

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Opens a TCP connection and records everything the server sends and when it closes.
// Resolves once connected with:
//   write(bytes) → Promise         send a string or Buffer
//   data() / text()                everything received so far
//   closed                         Promise<{afterMs}> settled when the server (or we) closed;
//                                  afterMs counts from the moment of connection
//   isClosed()
//   waitForResponses(n, ms)        Promise<[response]> once n complete responses arrived
//   destroy()
export function rawConnection(port, { host = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host });
    const chunks = [];
    let closedAt = null;
    let openedAt = 0;
    const closed = new Promise((resolveClosed) => {
      socket.once('close', () => {
        closedAt = performance.now();
        resolveClosed({ afterMs: closedAt - openedAt });
      });
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});  // a reset is just another way of closing
    socket.once('connect', () => {
      openedAt = performance.now();
      const data = () => Buffer.concat(chunks);
      resolve({
        socket,
        write: (bytes) => new Promise((done, fail) => {
          socket.write(bytes, (error) => (error ? fail(error) : done()));
        }),
        data,
        text: () => data().toString('latin1'),
        closed,
        isClosed: () => closedAt !== null,
        waitForResponses: async (count, timeoutMs = 5_000) => {
          const deadline = performance.now() + timeoutMs;
          for (;;) {
            const responses = parseResponses(data());
            if (responses.length >= count) return responses;
            if (closedAt !== null || performance.now() > deadline) {
              throw new Error(`expected ${count} responses, got ${responses.length} ` +
                              `(closed: ${closedAt !== null}):\n${data().toString('latin1')}`);
            }
            await sleep(5);
          }
        },
        destroy: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}

// Sends `bytes`, then waits until the server closes the connection or timeoutMs passes.
// Resolves with {data, text, responses, closed, closedAfterMs} where closedAfterMs counts
// from the connection and is null when the server kept it open.
export async function rawRequest(port, bytes, { timeoutMs = 5_000, host } = {}) {
  const connection = await rawConnection(port, { host });
  await connection.write(bytes);
  const outcome = await Promise.race([connection.closed, sleep(timeoutMs).then(() => null)]);
  connection.destroy();
  const data = connection.data();
  return {
    data,
    text: data.toString('latin1'),
    responses: parseResponses(data),
    closed: outcome !== null,
    closedAfterMs: outcome?.afterMs ?? null,
  };
}

// Splits a byte stream into complete HTTP/1.1 responses ({status, headers, body}); header
// names are lower-cased, bodies are framed by Content-Length or chunked encoding. A trailing
// incomplete response is left out.
export function parseResponses(buffer) {
  const responses = [];
  let offset = 0;
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) return responses;
    const [statusLine, ...headerLines] = buffer.subarray(offset, headEnd).toString('latin1')
        .split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    const headers = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let cursor = headEnd + 4;
    let body;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts = [];
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', cursor);
        if (lineEnd < 0) return responses;
        const size = parseInt(buffer.subarray(cursor, lineEnd).toString('latin1'), 16);
        const end = lineEnd + 2 + size + 2;
        if (end > buffer.length) return responses;
        parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        cursor = end;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (cursor + length > buffer.length) return responses;
      body = buffer.subarray(cursor, cursor + length);
      cursor += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    offset = cursor;
  }
}
