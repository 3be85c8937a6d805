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
SCAN = ['src', 'tests', 'bench', 'deploy', 'docs', 'README.md', 'CHANGELOG.md', '.ci']
SKIP_DIRS = {'bin', 'obj', 'node_modules', '.git', 'TestResults', 'BenchmarkDotNet.Artifacts'}
EXTS = ('.cs', '.md', '.sh', '.py', '.toml', '.service', '.yml', '.yaml', '.json', '.props', '.csproj', '')

CITATION = re.compile(r'docs/([A-Za-z0-9_.-]+\.md)(?:#([A-Za-z0-9_-]+))?')
MD_LINK = re.compile(r'\]\(([^)\s]*?)(?:#([A-Za-z0-9_-]+))?\)')
SECTION = re.compile(r'§')
RFC_SECTION = re.compile(r'RFC ?\d+')


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
                errors.append(f'{where}: section-number citation ({line.strip()[:80]}); cite docs/<page>.md#<anchor>')
            if '../shared' in line or 'shared/spec' in line:
                errors.append(f'{where}: points outside the repository (../shared)')
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f'doc-anchors: {len(errors)} broken citation(s)', file=sys.stderr)
        return 1
    print('doc-anchors: every cited docs/ heading exists')
    return 0


if __name__ == '__main__':
    sys.exit(main())
