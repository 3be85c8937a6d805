// AOT smoke client: one binary and one phone through a running relay, with the npm `ws` client that
// tests/interop pins (an implementation independent of .NET). Every step has a deadline; any mismatch
// exits 1 with one line saying what was expected and what arrived.
// Usage: node deploy/aot/smoke-client.mjs http://127.0.0.1:<port>
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/interop/package.json', import.meta.url));
const WebSocket = require('ws');

const base = process.argv[2];
const serverId = `aot-smoke-${process.pid}`;
const fail = (what) => { console.error(`smoke client: ${what}`); process.exit(1); };
setTimeout(() => fail('did not finish within 20 s'), 20000).unref();

const within = (ms, what, promise) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)),
]);
const open = (path, headers) => within(5000, `the ${path} upgrade`, new Promise((resolve, reject) => {
  const ws = new WebSocket(base.replace(/^http/, 'ws') + path, { headers, perMessageDeflate: false });
  ws.once('open', () => resolve(ws));
  ws.once('unexpected-response', (_, res) => reject(new Error(`${path} answered HTTP ${res.statusCode}, not 101`)));
  ws.once('error', reject);
}));
const nextText = (ws, what) => within(5000, what, new Promise((resolve, reject) => {
  ws.once('message', (data, isBinary) => (isBinary ? reject(new Error(`${what} came as a binary message`)) : resolve(data.toString('utf8'))));
  ws.once('close', (code, reason) => reject(new Error(`closed ${code} "${reason}" while waiting for ${what}`)));
}));
const closed = (ws, what) => within(5000, what, new Promise((resolve) => ws.once('close', (code, reason) => resolve(`${code} "${reason}"`))));
const expectEqual = (what, expected, actual) => { if (expected !== actual) fail(`${what}: expected ${expected}, got ${actual}`); };
const health = async () => (await fetch(base + '/healthz', { signal: AbortSignal.timeout(2000) })).json();

try {
  const binary = await open('/v1/server', { 'X-Pyrycode-Server': serverId, 'X-Pyrycode-Version': '0.1.0-smoke', 'User-Agent': 'aot-smoke-binary' });
  // The 101 can precede the claim: wait until /healthz counts the binary before the phone dials.
  for (let i = 0; (await health()).connected_binaries < 1; i++) {
    if (i === 250) fail('the binary never showed up in /healthz connected_binaries');
    await new Promise((r) => setTimeout(r, 20));
  }

  const phone = await open('/v1/client', { 'X-Pyrycode-Server': serverId, 'X-Pyrycode-Token': 'smoke-token', 'User-Agent': 'aot-smoke-phone' });
  const started = performance.now();
  const envelopeP = nextText(binary, 'the phone frame at the binary');
  phone.send('{"smoke":[1,2,"é"]}');
  const envelope = await envelopeP;
  const connId = JSON.parse(envelope).conn_id;
  if (!new RegExp(`^client-${serverId}-[0-9a-f]{16}$`).test(connId)) fail(`conn_id ${connId} does not have the client-<server-id>-<16 hex> form`);
  expectEqual('envelope at the binary', `{"conn_id":"${connId}","frame":{"smoke":[1,2,"é"]}}`, envelope);

  const replyP = nextText(phone, 'the binary reply at the phone');
  binary.send(JSON.stringify({ conn_id: connId, frame: { ok: true, n: 1 } }));
  expectEqual('frame at the phone', '{"ok":true,"n":1}', await replyP);
  const roundTripMs = performance.now() - started;

  const noticeP = nextText(binary, 'the close notice');
  phone.close(1000);
  expectEqual('close notice at the binary', `{"conn_id":"${connId}","close_code":1000}`, await noticeP);

  const binaryClosedP = closed(binary, 'the relay to answer the binary close');
  binary.close(1000, 'bye');
  expectEqual('relay answer to the binary close', '1000 ""', await binaryClosedP);
  console.log(`smoke client: ok (phone -> binary -> phone round trip ${roundTripMs.toFixed(1)} ms)`);
  process.exit(0);
} catch (error) {
  fail(error.message);
}
