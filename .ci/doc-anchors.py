#!/usr/bin/env python3
"""Fails when a documentation citation does not resolve.

Checked in src/, tests/, bench/, deploy/, docs/, README.md, CHANGELOG.md and .ci/:
  * every `docs/<page>.md#<anchor>` names an existing page and a heading of it (GitHub anchor rules);
  * in Markdown files, every relative link `(<page>.md#<anchor>)` or `(#<anchor>)` does the same;
  * no citation by section number of an outside specification (`operations.md §3`, a bare `§18.2`):
    cite `docs/<page>.md#<anchor>` instead. `§` is allowed only next to an RFC number (`RFC 6455 §5.2`);
  * nothing points at `../shared` (a clone from a forge does not have it).
Run from anywhere: python3 .ci/doc-anchors.py
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
SCAN = ['src', 'tests', 'bench', 'deploy', 'docs', 'README.md', 'CHANGELOG.md', '.ci', 'fly.toml']
SKIP_DIRS = {'bin', 'obj', 'node_modules', '.git', 'TestResults', 'BenchmarkDotNet.Artifacts'}
EXTS = ('.cs', '.md', '.sh', '.py', '.toml', '.service', '.yml', '.yaml', '.json', '.props', '.csproj', '')

CITATION = re.compile(r'docs/([A-Za-z0-9_.-]+\.md)(?:#([A-Za-z0-9_-]+))?')
MD_LINK = re.compile(r'\]\(([^)\s]*?)(?:#([A-Za-z0-9_-]+))?\)')
SECTION = re.compile(r'§')
RFC_SECTION = re.compile(r'RFC ?\d+')

# Where the sections of the outside specification that older comments cite by number now live, so a branch
# written against it can be fixed quickly: operations.md §N / protocol.md §N -> docs/<page>.md#<anchor>.
OPERATIONS_SECTIONS = {
    '1': 'docs/operations.md#command-line', '1.1': 'docs/operations.md#command-line',
    '1.2': 'docs/operations.md#flags-kept-from-the-go-relay',
    '1.3': 'docs/operations.md#flags-added-by-this-relay', '1.4': 'docs/operations.md#flag-value-rules',
    '2': 'docs/operations.md#environment-variables', '2.1': 'docs/operations.md#env-config-validator',
    '3': 'docs/operations.md#boot-sequence', '3.1': 'docs/operations.md#exit-codes',
    '4': 'docs/operations.md#single-instance-self-check', '4.2': 'docs/operations.md#single-instance-self-check',
    '5': 'docs/operations.md#production-mode', '6': 'docs/operations.md#linux-capabilities',
    '7': 'docs/operations.md#http-timeouts', '8': 'docs/operations.md#listener-addresses',
    '9': 'docs/operations.md#diagnostics-surface', '10': 'docs/operations.md#tls',
    '10.1': 'docs/operations.md#certificate-sources', '10.2': 'docs/operations.md#acme',
    '10.3': 'docs/operations.md#cert-cache-directory', '10.4': 'docs/operations.md#static-certificate-files',
    '10.5': 'docs/operations.md#sni-policy', '10.6': 'docs/operations.md#host-gate',
    '10.7': 'docs/operations.md#http-challenge-listener', '10.8': 'docs/operations.md#tls-parameters',
    '11': 'docs/operations.md#proxy-protocol', '12': 'docs/operations.md#client-ip',
    '13': 'docs/operations.md#rate-limiting', '14': 'docs/operations.md#connection-cap',
    '14.1': 'docs/operations.md#connection-cap-sizing', '15': 'docs/protocol.md#health-and-readiness',
    '15.1': 'docs/protocol.md#health-and-readiness', '16': 'docs/metrics.md#catalogue',
    '16.1': 'docs/operations.md#metrics-listener', '16.2': 'docs/metrics.md#endpoint',
    '16.3': 'docs/metrics.md#catalogue', '17': 'docs/operations.md#push-wakes',
    '17.1': 'docs/operations.md#push-wakes', '17.2': 'docs/operations.md#push-admission',
    '17.3': 'docs/operations.md#push-credentials', '17.4': 'docs/operations.md#fcm-access-token',
    '17.5': 'docs/operations.md#fcm-send', '17.6': 'docs/operations.md#push-outcome-logs',
    '17.7': 'docs/operations.md#push-metrics', '17.8': 'docs/operations.md#push-lifecycle',
    '18': 'docs/logging.md#formats', '18.1': 'docs/logging.md#formats', '18.2': 'docs/logging.md#keys',
    '18.3': 'docs/logging.md#never-logged', '18.4': 'docs/logging.md#data-plane-events',
    '19': 'docs/operations.md#shutdown',
}
PROTOCOL_SECTIONS = {
    '1': 'docs/protocol.md#roles-and-terms', '2': 'docs/protocol.md#routes',
    '3': 'docs/protocol.md#before-the-upgrade', '3.1': 'docs/protocol.md#before-the-upgrade',
    '3.2': 'docs/protocol.md#header-gate', '3.3': 'docs/protocol.md#websocket-handshake',
    '4': 'docs/protocol.md#identifiers', '5': 'docs/protocol.md#registry', '5.1': 'docs/protocol.md#binary-claim',
    '5.2': 'docs/protocol.md#conflict-probe-and-takeover', '5.3': 'docs/protocol.md#grace-reclaim-and-expiry',
    '5.4': 'docs/protocol.md#phone-registration', '5.5': 'docs/protocol.md#end-of-a-phone-connection',
    '6': 'docs/protocol.md#phone-to-binary', '7': 'docs/protocol.md#binary-to-phone',
    '7.1': 'docs/protocol.md#envelope-fields', '7.2': 'docs/protocol.md#envelope-classification',
    '7.3': 'docs/protocol.md#routing-and-delivery', '7.4': 'docs/protocol.md#close-directives',
    '7.5': 'docs/protocol.md#push-wake-requests', '8': 'docs/protocol.md#close-notice',
    '9': 'docs/protocol.md#framing-and-limits', '10': 'docs/protocol.md#phone-outbox',
    '11': 'docs/protocol.md#heartbeat', '12': 'docs/protocol.md#graceful-shutdown',
    '13': 'docs/protocol.md#close-codes', '14': 'docs/protocol.md#defaults',
}


def slugs(path, cache={}):
    if path in cache:
        return cache[path]
    seen = {}
    result = set()
    in_fence = False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.lstrip().startswith('```'):
                in_fence = not in_fence
                continue
            if not in_fence:
                result.update(re.findall(r'<a id="([A-Za-z0-9_-]+)"></a>', line))  # explicit anchors
            m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', line)
            if in_fence or not m:
                continue
            text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', m.group(2))   # [text](link) -> text
            slug = re.sub(r'[^\w\- ]', '', text.strip().lower()).replace(' ', '-')
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            result.add(slug if n == 0 else f'{slug}-{n}')
    cache[path] = result
    return result



def suggest(line):
    hints = []
    for m in re.finditer(r'(?:(operations|protocol)(?:\.md)?\S*\s+)?§\s?(\d+(?:\.\d+)*)', line):
        table = PROTOCOL_SECTIONS if m.group(1) == 'protocol' else OPERATIONS_SECTIONS
        if m.group(2) in table:
            hints.append(f'§{m.group(2)} -> {table[m.group(2)]}')
    return ' (' + '; '.join(hints) + ')' if hints else ''


def files():
    for entry in SCAN:
        full = os.path.join(ROOT, entry)
        if os.path.isfile(full):
            yield full
            continue
        for dirpath, dirnames, filenames in os.walk(full):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for name in filenames:
                if name.endswith(EXTS) or '.' not in name:
                    yield os.path.join(dirpath, name)


def check(target, anchor, where, errors):
    if not os.path.isfile(target):
        errors.append(f'{where}: {os.path.relpath(target, ROOT)} does not exist')
    elif anchor and anchor not in slugs(target):
        errors.append(f'{where}: {os.path.relpath(target, ROOT)} has no heading #{anchor}')


def main():
    errors = []
    me = os.path.abspath(__file__)
    for path in files():
        if os.path.abspath(path) == me:
            continue
        try:
            with open(path, encoding='utf-8') as f:
                lines = f.readlines()
        except (UnicodeDecodeError, OSError):
            continue
        rel = os.path.relpath(path, ROOT)
        is_md = path.endswith('.md')
        for no, line in enumerate(lines, 1):
            where = f'{rel}:{no}'
            for m in CITATION.finditer(line):
                check(os.path.join(ROOT, 'docs', m.group(1)), m.group(2), where, errors)
            if is_md:
                for m in MD_LINK.finditer(line):
                    target, anchor = m.group(1), m.group(2)
                    if re.match(r'^[a-z]+:', target):
                        continue          # http:, https:, mailto:
                    if target == '':
                        check(path, anchor, where, errors)
                    elif target.endswith('.md'):
                        check(os.path.normpath(os.path.join(os.path.dirname(path), target)), anchor, where, errors)
            if SECTION.search(line) and not RFC_SECTION.search(line) and rel != 'CHANGELOG.md':
                errors.append(f'{where}: section-number citation ({line.strip()[:80]}); cite docs/<page>.md#<anchor>'
                              + suggest(line))
            if '../shared' in line or 'shared/spec' in line:
                errors.append(f'{where}: points outside the repository (../shared)')
    for section, cited in [*OPERATIONS_SECTIONS.items(), *PROTOCOL_SECTIONS.items()]:
        page, anchor = cited.split('#')
        check(os.path.join(ROOT, page), anchor, f'.ci/doc-anchors.py section table §{section}', errors)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f'doc-anchors: {len(errors)} broken citation(s)', file=sys.stderr)
        return 1
    print('doc-anchors: every cited docs/ heading exists')
    return 0


if __name__ == '__main__':
    sys.exit(main())
