// Drives one binary and one phone through the relay with the npm `ws` client (an implementation
// independent of .NET) and prints one JSON line per observation for the xunit test to assert.
import WebSocket from 'ws';

const base = process.argv[2];
const serverId = process.argv[3] ?? 's1';
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const timeout = setTimeout(() => { out({ error: 'timeout' }); process.exit(3); }, 15000);

const open = (path, headers) => new Promise((resolve, reject) => {
  const ws = new WebSocket(base + path, { headers, perMessageDeflate: false });
  ws.once('open', () => resolve(ws));
  ws.once('error', reject);
});
const next = (ws) => new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ text: data.toString('utf8'), isBinary })));

const binary = await open('/v1/server', { 'X-Pyrycode-Server': serverId, 'X-Pyrycode-Version': '0.1.0-ws', 'User-Agent': 'ws-binary' });
// Wait until the claim is visible before the phone dials.
for (let i = 0; i < 100; i++) {
  const health = await (await fetch(base.replace('ws://', 'http://') + '/healthz')).json();
  if (health.connected_binaries >= 1) break;
  await new Promise((r) => setTimeout(r, 20));
}
const phone = await open('/v1/client', { 'X-Pyrycode-Server': serverId, 'X-Pyrycode-Token': 'tok', 'User-Agent': 'ws-phone' });

// 1. A phone frame sent in three fragments arrives wrapped, as one text message.
const envelopeP = next(binary);
phone.send('{"a":', { fin: false });
phone.send('[1,2],', { fin: false });
phone.send('"b":"é"}', { fin: true });
const envelope = await envelopeP;
out({ step: 'envelope', ...envelope });
const connId = JSON.parse(envelope.text).conn_id;

// 2. The binary answers; the phone receives exactly the frame bytes.
const replyP = next(phone);
binary.send(JSON.stringify({ conn_id: connId, frame: { ok: true } }));
out({ step: 'reply', ...(await replyP) });

// 3. A Ping with a payload is answered with a Pong echoing it.
const pongP = new Promise((resolve) => binary.once('pong', (data) => resolve(data.toString('utf8'))));
binary.ping('hello-ping');
out({ step: 'pong', payload: await pongP });

// 4. A close directive closes the phone with the code and an empty reason.
const closedP = new Promise((resolve) => phone.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
binary.send(JSON.stringify({ conn_id: connId, frame: null, close_code: 4401 }));
out({ step: 'phone-close', ...(await closedP) });

// 5. The binary closes normally and sees the relay's answer.
const binaryClosedP = new Promise((resolve) => binary.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
binary.close(1000, 'bye');
out({ step: 'binary-close', ...(await binaryClosedP) });
clearTimeout(timeout);
process.exit(0);
