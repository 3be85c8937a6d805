// Start-to-ready time and idle RSS of relay builds, interleaved run by run so that machine noise hits every
// variant alike. Start-to-ready: from spawning the process until GET /healthz first answers 200 (polled every
// millisecond). Idle RSS: VmRSS of the relay process after it has served nothing for --idle-ms.
// Every process runs with all Linux capabilities dropped (setpriv), as the relay requires.
// Usage: node bench/startup/measure.mjs --runs 10 --idle-ms 3000 name=command args... [name=command args...]
// Prints a Markdown table (median, min, max per variant) and one JSON line per run on stderr.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

const args = process.argv.slice(2);
let runs = 10;
let idleMs = 3000;
const variants = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--idle-ms') idleMs = Number(args[++i]);
  else {
    const eq = args[i].indexOf('=');
    const [name, command] = [args[i].slice(0, eq), args[i].slice(eq + 1)];
    variants.push({ name, argv: command.split(' ').filter(Boolean), ready: [], rss: [] });
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});
const healthy = async (port) => {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
    return response.status === 200;
  } catch {
    return false;
  }
};

// The relay process among the spawned process and its descendants (`dotnet run` starts it as a child).
const ppidOf = (pid) => { try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]); } catch { return -1; } };
const cmdlineOf = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
const relayPid = (root) => {
  const family = new Set([root]);
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  for (let grew = true; grew;) {
    grew = false;
    for (const pid of all) if (!family.has(pid) && family.has(ppidOf(pid))) { family.add(pid); grew = true; }
  }
  const isRelay = (pid) => { const argv = cmdlineOf(pid).split('\0'); return argv.includes('--insecure-listen') && argv[1] !== 'run' && !argv[0].endsWith('setpriv'); };
  return [...family].find(isRelay) ?? root;
};
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function once(variant) {
  const port = await freePort();
  const mport = await freePort();
  const [command, ...rest] = variant.argv;
  const started = performance.now();
  const child = spawn('setpriv', ['--bounding-set=-all', '--inh-caps=-all', command, ...rest,
    '--insecure-listen', `127.0.0.1:${port}`, '--metrics-listen', `127.0.0.1:${mport}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let readyMs;
  while (readyMs === undefined) {
    if (performance.now() - started > 120000) throw new Error(`${variant.name}: not ready after 120 s\n${stderr}`);
    if (child.exitCode !== null) throw new Error(`${variant.name}: exited ${child.exitCode} before ready\n${stderr}`);
    if (await healthy(port)) readyMs = performance.now() - started;
    else await sleep(1);
  }
  await sleep(idleMs);
  const pid = relayPid(child.pid);
  const rss = rssKiB(pid);
  process.kill(pid, 'SIGTERM');
  const timer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 20000);
  const code = await exited;
  clearTimeout(timer);
  process.stderr.write(JSON.stringify({ variant: variant.name, readyMs: Math.round(readyMs * 10) / 10, rssKiB: rss, exit: code }) + '\n');
  variant.ready.push(readyMs);
  variant.rss.push(rss / 1024);
}

for (let run = 0; run < runs; run++) {
  for (const variant of variants) await once(variant);
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
};
const fmt = (s, digits) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
console.log(`| Build | Start to ready, ms: median (min–max) | Idle RSS after ${idleMs / 1000} s, MiB: median (min–max) |`);
console.log('|---|---|---|');
for (const v of variants) console.log(`| ${v.name} | ${fmt(stats(v.ready), 0)} | ${fmt(stats(v.rss), 1)} |`);
console.log(`\n${runs} runs per build, interleaved.`);
