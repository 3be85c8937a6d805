#!/usr/bin/env python3
"""Checks fly.toml against the container image and boots the relay the way Fly would run it.

1. fly.toml: one always-on machine (min_machines_running 1, no auto stop/start, the single-instance bypass in
   [env]); port 443 raw TCP with a PROXY v2 header to the image's --https-listen port and port 80 plain TCP to
   its --http-listen port; a connection limit above the relay's own cap; the volume on the image's cert-cache
   VOLUME; SIGTERM with a kill timeout longer than the drain; the process arguments turn on the PROXY protocol
   with a trusted CIDR.
2. The AOT binary, run as the image runs it (uid 1654, no capabilities, production mode) with Fly's
   environment (FLY_APP_NAME) and the fly.toml process arguments appended to the image's ENTRYPOINT (free
   ports appended over the image's, an unreachable ACME server): it starts with https_proxy_protocol=true,
   closes a connection from outside the trusted CIDR with zero bytes, and exits 0 on SIGTERM. Without
   PYRYCODE_RELAY_SINGLE_INSTANCE it refuses to start (exit 2): that is why fly.toml sets it.
Usage: deploy/fly/check.py [path/to/pyrycode-relay]   (run as root)
"""
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
UID = 1654
problems = []


def problem(text):
    problems.append(text)


def dockerfile_facts(path):
    text = open(path, encoding='utf-8').read()
    entry = json.loads(re.search(r'^ENTRYPOINT (\[.*\])$', text, re.M).group(1))
    volume = json.loads(re.search(r'^VOLUME (\[.*\])$', text, re.M).group(1))
    flags = dict(zip(entry[1::2], entry[2::2]))
    return entry, volume, flags


def check_toml(fly, entry_flags, volumes):
    https_port = int(entry_flags['--https-listen'].rsplit(':', 1)[1])
    http_port = int(entry_flags['--http-listen'].rsplit(':', 1)[1])
    dockerfile = fly.get('build', {}).get('dockerfile', '')
    if not os.path.isfile(os.path.join(ROOT, dockerfile)):
        problem(f'[build] dockerfile {dockerfile!r} does not exist')
    if fly.get('env', {}).get('PYRYCODE_RELAY_SINGLE_INSTANCE') != '1':
        problem('[env] PYRYCODE_RELAY_SINGLE_INSTANCE = "1" is missing (the relay refuses to start on Fly without it)')
    if fly.get('kill_signal') != 'SIGTERM' or int(fly.get('kill_timeout', 0)) < 15:
        problem('kill_signal must be SIGTERM and kill_timeout at least 15 s (the drain takes up to 10 s)')
    mounts = fly.get('mounts', [])
    mounts = [mounts] if isinstance(mounts, dict) else mounts
    if len(mounts) != 1 or mounts[0].get('destination') not in volumes:
        problem(f'exactly one [[mounts]] on the image volume {volumes} expected, got {mounts}')
    services = fly.get('services', [])
    by_port = {}
    for s in services:
        if s.get('protocol') != 'tcp':
            problem(f'service on {s.get("internal_port")} is not raw tcp')
        if s.get('auto_stop_machines') not in ('off', False) or s.get('auto_start_machines') is not False \
                or s.get('min_machines_running') != 1:
            problem(f'service on {s.get("internal_port")}: needs auto_stop_machines "off", auto_start_machines false, min_machines_running 1')
        for p in s.get('ports', []):
            by_port[p.get('port')] = (s, p)
    if 443 not in by_port or 80 not in by_port:
        problem('ports 443 and 80 must both be services')
        return
    s443, p443 = by_port[443]
    if s443.get('internal_port') != https_port or p443.get('handlers') != ['proxy_proto'] \
            or p443.get('proxy_proto_options', {}).get('version') != 'v2':
        problem(f'port 443 must be raw TCP with handlers ["proxy_proto"] v2 to internal port {https_port}')
    if s443.get('concurrency', {}).get('hard_limit', 25) < 1024:
        problem('port 443 concurrency hard_limit below the relay cap (1024): Fly would refuse clients first')
    s80, p80 = by_port[80]
    if s80.get('internal_port') != http_port or p80.get('handlers'):
        problem(f'port 80 must be plain TCP (no handlers) to internal port {http_port}')
    args = shlex.split(fly.get('processes', {}).get('app', ''))
    for needed in ('--domain', '--https-proxy-protocol', '--proxy-protocol-trusted-cidrs'):
        if needed not in args:
            problem(f'[processes] app lacks {needed}')
    return args


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def run_as_fly(binary, entry, args, scratch, single_instance):
    volume = os.path.join(scratch, f'volume-{single_instance}')
    os.mkdir(volume, 0o700)
    os.chown(volume, UID, UID)
    https, http, metrics, dead = free_port(), free_port(), free_port(), free_port()
    env = {'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': '/home/app', 'APP_UID': str(UID),
           'PYRYCODE_RELAY_PRODUCTION': '1', 'FLY_APP_NAME': 'pyrycode-relay', 'FLY_REGION': 'ams'}
    if single_instance:
        env['PYRYCODE_RELAY_SINGLE_INSTANCE'] = '1'
    cmd = ['setpriv', f'--reuid={UID}', f'--regid={UID}', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all',
           '--no-new-privs', binary, *entry[1:], *args,
           '--https-listen', f':{https}', '--http-listen', f':{http}', '--metrics-listen', f'127.0.0.1:{metrics}',
           '--cert-cache', os.path.join(volume, 'certs'), '--acme-directory', f'https://127.0.0.1:{dead}/dir']
    log = open(os.path.join(scratch, f'relay-{single_instance}.log'), 'w+')
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    return proc, log, https


def read(log):
    log.flush()
    log.seek(0)
    return log.read()


def boot_checks(binary, entry, args):
    scratch = tempfile.mkdtemp()
    os.chmod(scratch, 0o755)
    try:
        relay = os.path.join(scratch, 'pyrycode-relay')
        shutil.copy(binary, relay)
        os.chmod(relay, 0o755)

        proc, log, https = run_as_fly(relay, entry, args, scratch, single_instance=True)
        try:
            deadline = time.monotonic() + 15
            while 'msg=starting ' not in read(log):
                if proc.poll() is not None or time.monotonic() > deadline:
                    problem(f'the relay did not start as on Fly (exit {proc.poll()}):\n{read(log)}')
                    return
                time.sleep(0.05)
            starting = next(l for l in read(log).splitlines() if 'msg=starting ' in l)
            if 'https_proxy_protocol=true' not in starting:
                problem(f'not in PROXY mode: {starting}')
            # From 127.0.0.1, outside 172.16.0.0/12: closed at once, zero bytes, even with a valid header.
            deadline = time.monotonic() + 10
            while True:
                try:
                    conn = socket.create_connection(('127.0.0.1', https), timeout=5)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        problem('the TLS listener does not accept')
                        return
                    time.sleep(0.05)
            # A trusted peer would get the plaintext guard's 400 for the GET; an untrusted one gets nothing.
            with conn:
                sent = time.monotonic()
                try:
                    conn.sendall(b'PROXY TCP4 203.0.113.7 127.0.0.1 5555 443\r\nGET /healthz HTTP/1.1\r\n\r\n')
                    conn.settimeout(5)
                    data = conn.recv(64)
                except (ConnectionResetError, BrokenPipeError):
                    data = b''
                waited = time.monotonic() - sent
            if data != b'' or waited > 2:
                problem(f'a connection from outside the trusted CIDR got {data!r} after {waited:.1f} s (expected nothing, at once)')
            proc.terminate()
            code = proc.wait(timeout=20)
            if code != 0 or 'msg="shutdown complete"' not in read(log):
                problem(f'SIGTERM: exit {code}\n{read(log)}')
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

        proc, log, _ = run_as_fly(relay, entry, args, scratch, single_instance=False)
        code = proc.wait(timeout=20)
        if code != 2 or 'multi-instance deploy detected' not in read(log):
            problem(f'without PYRYCODE_RELAY_SINGLE_INSTANCE on Fly: exit {code}, expected 2 and the self-check refusal\n{read(log)}')
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, 'artifacts/aot/pyrycode-relay')
    fly = tomllib.load(open(os.path.join(ROOT, 'fly.toml'), 'rb'))
    entry, volumes, flags = dockerfile_facts(os.path.join(ROOT, fly.get('build', {}).get('dockerfile', 'deploy/container/Dockerfile')))
    args = check_toml(fly, flags, volumes)
    if not problems:
        if not os.access(binary, os.X_OK):
            problem(f'{binary} is missing: publish the AOT binary first (deploy/aot/smoke.sh)')
        elif os.geteuid() != 0:
            problem('the boot check must run as root (it starts the relay as uid 1654)')
        else:
            boot_checks(binary, entry, args)
    for p in problems:
        print(f'fly check: FAIL: {p}', file=sys.stderr)
    if problems:
        return 1
    print('fly check: fly.toml matches the image; the relay boots as on Fly (PROXY v2, trusted CIDR, single instance), '
          'refuses without the bypass, SIGTERM -> 0')
    return 0


if __name__ == '__main__':
    sys.exit(main())
