// Preloaded into the Portkey gateway by bench/gateway.sh (NODE_OPTIONS=--require): Portkey
// binds every interface and has no host flag, so every TCP listen is pinned to 127.0.0.1.
// Once bound, the address goes to stderr as "bench: listening on 127.0.0.1:PORT", so the
// script can start Portkey with --port=0 and read the port it got.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && first.path === undefined) {
    args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const callback = args.find((arg) => typeof arg === 'function');
    args = [Number(first), '127.0.0.1'];
    if (callback) args.push(callback);
  }
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object') {
      process.stderr.write(`bench: listening on ${address.address}:${address.port}\n`);
    }
  });
  return listen.apply(this, args);
};
