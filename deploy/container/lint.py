#!/usr/bin/env python3
"""Lints deploy/container/Dockerfile for what docs/deploy.md#container promises (no hadolint in Debian or npm).

Checks: multi-stage; every base image has an explicit tag (no `latest`); the final stage is a chiseled or
distroless runtime-deps image without RUN; apt-get uses --no-install-recommends and cleans its lists; no ADD;
every COPY source exists in the repository; the final stage runs as a numeric non-root USER, in production
mode, with the cert cache on a VOLUME; ENTRYPOINT and HEALTHCHECK are exec form (JSON) and name binaries the
image contains; EXPOSE matches the listener ports of the ENTRYPOINT. Prints one line per problem; exit 1 if any.
Usage: lint.py [Dockerfile] (default: next to this script)
"""
import json
import os
import re
import shlex
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, '..', '..'))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, 'Dockerfile')
problems = []


def problem(text):
    problems.append(text)


def instructions(text):
    """(keyword, argument) pairs; comments dropped, continuation lines joined."""
    out, current = [], ''
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith('#')):
            continue
        if line.startswith('#'):
            continue
        if line.endswith('\\'):
            current += line[:-1] + ' '
            continue
        current += line
        keyword, _, arg = current.partition(' ')
        out.append((keyword.upper(), arg.strip()))
        current = ''
    return out


def exec_form(keyword, arg):
    try:
        value = json.loads(arg)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problem(f'{keyword} must be exec form (a JSON array), got: {arg}')
        return []
    return value


stages = []
for keyword, arg in instructions(open(path, encoding='utf-8').read()):
    if keyword == 'FROM':
        stages.append({'from': arg, 'ins': []})
    elif not stages:
        if keyword != 'ARG':
            problem(f'{keyword} before the first FROM')
    else:
        stages[-1]['ins'].append((keyword, arg))

if len(stages) < 2:
    problem('not a multi-stage build (expected a build stage and a runtime stage)')
for stage in stages:
    image = stage['from'].split()[0]
    if '@sha256:' not in image and (':' not in image.split('/')[-1] or image.endswith(':latest')):
        problem(f'base image {image} needs an explicit, non-latest tag')
    for keyword, arg in stage['ins']:
        if keyword == 'ADD':
            problem('use COPY, not ADD')
        if keyword == 'RUN' and 'apt-get install' in arg:
            if '--no-install-recommends' not in arg:
                problem('apt-get install without --no-install-recommends')
            if 'rm -rf /var/lib/apt/lists' not in arg:
                problem('apt-get install without removing /var/lib/apt/lists')
        if keyword == 'COPY' and '--from=' not in arg:
            sources = [s for s in shlex.split(arg) if not s.startswith('--')][:-1]
            for source in sources:
                if not os.path.exists(os.path.join(root, source)):
                    problem(f'COPY source {source} does not exist in the repository')

final = stages[-1] if stages else {'from': '', 'ins': []}
if not re.search(r'runtime-deps:[^ ]*chiseled|distroless', final['from']):
    problem(f'the runtime stage is not a chiseled/distroless runtime-deps image: {final["from"]}')
ins = final['ins']
if any(k == 'RUN' for k, _ in ins):
    problem('RUN in the runtime stage (a distroless image has no shell)')


def last(keyword):
    values = [a for k, a in ins if k == keyword]
    return values[-1] if values else None


user = last('USER')
if user is None or not re.fullmatch(r'[1-9][0-9]*(:[1-9][0-9]*)?', user):
    problem(f'the runtime stage needs a numeric non-root USER uid:gid, got {user!r}')
if not any(k == 'ENV' and re.search(r'\bPYRYCODE_RELAY_PRODUCTION=1\b', a) for k, a in ins):
    problem('the runtime stage does not set PYRYCODE_RELAY_PRODUCTION=1')

copied = set()
for k, a in ins:
    if k == 'COPY':
        parts = [s for s in shlex.split(a) if not s.startswith('--')]
        dest = parts[-1]
        for source in parts[:-1]:
            copied.add(os.path.join(dest, os.path.basename(source)) if dest.endswith('/') else dest)

entry = exec_form('ENTRYPOINT', last('ENTRYPOINT') or 'null')
if entry and entry[0] not in copied:
    problem(f'ENTRYPOINT runs {entry[0]}, which no COPY puts into the image')
flags = dict(zip(entry[1::2], entry[2::2])) if entry else {}
volumes = []
for k, a in ins:
    if k == 'VOLUME':
        volumes += exec_form('VOLUME', a) if a.startswith('[') else a.split()
cache = flags.get('--cert-cache')
if not cache or not any(cache == v or cache.startswith(v.rstrip('/') + '/') for v in volumes):
    problem(f'--cert-cache ({cache}) is not on a VOLUME ({volumes})')
listen_ports = sorted({flags[f].rsplit(':', 1)[1] for f in ('--https-listen', '--http-listen') if f in flags})
exposed = sorted(p.split('/')[0] for k, a in ins if k == 'EXPOSE' for p in a.split())
if not listen_ports or listen_ports != exposed:
    problem(f'EXPOSE {exposed} does not match the ENTRYPOINT listeners {listen_ports}')

health = last('HEALTHCHECK')
if health is None or health.upper() == 'NONE':
    problem('no HEALTHCHECK')
else:
    m = re.search(r'\bCMD\s+(\[.*\])\s*$', health)
    probe = exec_form('HEALTHCHECK CMD', m.group(1) if m else 'null')
    if probe and probe[0] not in copied:
        problem(f'HEALTHCHECK runs {probe[0]}, which no COPY puts into the image')

for p in problems:
    print(f'container lint: {os.path.relpath(path, root)}: {p}', file=sys.stderr)
if problems:
    sys.exit(1)
print(f'container lint: {os.path.relpath(path, root)} ok ({len(stages)} stages, USER {user}, cert cache {cache} on {volumes})')
