#!/usr/bin/env python3
"""Draw the structure of the source tree as plain text (Markdown), for docs/ARCHITECTURE.md.

    python3 scripts/structure.py [ROOT]        # ROOT: the source root, default: this script's ../

Prints, from the files git tracks (or every file under ROOT when it is not a git checkout):
  1. folders -> the CMake targets (libraries, executables, tests) their sources are compiled into;
  2. the include graph at folder level: which folders' headers each folder includes, with counts
     (#include "x/y.h" resolved against the root, the including file's folder and tests/), the same
     graph between the top-level modules (base, core, diffusion, cli, ui, app, tests), and every cycle
     (strongly connected components of more than one folder);
  3. file and line statistics: median file length, the files over 500 lines and the functions over
     120 lines (top-level and class-member function bodies found by brace matching, comments,
     strings and preprocessor lines removed first).
Python 3 standard library only.
"""
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict

SOURCE_EXT = ('.h', '.hpp', '.cpp', '.cc')
MODULES = ('base', 'core', 'diffusion', 'training', 'cli', 'ui', 'app', 'tools', 'tests')
LONG_FILE = 500
LONG_FUNCTION = 120


def tracked_files(root):
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files'], check=True, capture_output=True, text=True).stdout
        files = [f for f in out.splitlines() if f]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if not x.startswith('.') and x != 'build']
            files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(f for f in files if os.path.isfile(os.path.join(root, f)))


def folder_of(path):
    return os.path.dirname(path) or '.'


def module_of(path):
    top = path.split('/')[0]
    return top if top in MODULES else None


# ---------------------------------------------------------------------------------------- CMake targets

CMAKE_TARGET_COMMANDS = {
    'add_library': 'library', 'add_executable': 'executable', 'sem_add_module': 'library',
    'sem_add_test': 'test', 'qt_add_executable': 'executable', 'qt_add_library': 'library',
    'sem_training_library': 'library',
    'target_sources': None,
}


def cmake_commands(text):
    """(command, [arguments]) of every command in a CMakeLists.txt, comments removed."""
    text = re.sub(r'#[^\n]*', '', text)
    for m in re.finditer(r'\b([A-Za-z_][A-Za-z0-9_]*)\s*\(', text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {'(': 1, ')': -1}.get(text[i], 0)
            i += 1
        args = re.findall(r'"[^"]*"|[^\s()]+', text[m.end():i - 1])
        yield m.group(1), [a.strip('"') for a in args]


def cmake_targets(root, files):
    """{target: (kind, set of source files)} from every CMakeLists.txt."""
    targets = {}
    fileset = set(files)
    for cm in [f for f in files if os.path.basename(f) == 'CMakeLists.txt']:
        base = folder_of(cm)
        with open(os.path.join(root, cm), encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        for cmd, args in cmake_commands(text):
            if cmd not in CMAKE_TARGET_COMMANDS or not args or '$' in args[0]:
                continue
            name, kind = args[0], CMAKE_TARGET_COMMANDS[cmd]
            if kind is None and name not in targets:
                continue
            if kind is not None:
                if 'INTERFACE' in args[1:2] or 'ALIAS' in args[1:2] or 'IMPORTED' in args[1:3]:
                    kind = 'interface library'
                elif 'MODULE' in args[1:2]:
                    kind = 'module (plugin)'
                targets.setdefault(name, [kind, set()])
            for a in args[1:]:
                a = a.replace('${PROJECT_SOURCE_DIR}/', '').replace('${CMAKE_CURRENT_SOURCE_DIR}/', base + '/')
                if '$' in a or not a.endswith(SOURCE_EXT):
                    continue
                for cand in (os.path.normpath(os.path.join(base, a)) if base != '.' else os.path.normpath(a),
                             os.path.normpath(a)):
                    if cand in fileset:
                        targets[name][1].add(cand)
                        break
    return targets


# ---------------------------------------------------------------------------------------- includes

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def resolve_include(inc, src, fileset):
    for cand in (inc, os.path.normpath(os.path.join(folder_of(src), inc)), 'tests/' + inc):
        if cand in fileset:
            return cand
    return None


def include_graph(root, sources, fileset):
    """{(from folder, to folder): count}, over resolved project includes between different folders."""
    edges = defaultdict(int)
    for src in sources:
        with open(os.path.join(root, src), encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        for inc in INCLUDE_RE.findall(text):
            hdr = resolve_include(inc, src, fileset)
            if hdr and folder_of(hdr) != folder_of(src):
                edges[(folder_of(src), folder_of(hdr))] += 1
    return edges


def strongly_connected(nodes, edges):
    """Tarjan's algorithm: the components of more than one node, each sorted."""
    succ = defaultdict(set)
    for a, b in edges:
        succ[a].add(b)
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(out)


# ---------------------------------------------------------------------------------------- functions

def strip_code(text):
    """The text with comments, string and char literals and preprocessor lines blanked (newlines kept)."""
    out, i, n = [], 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == '#':  # preprocessor line, with continuations
            j = i
            while j < n and (text[j] != '\n' or text[j - 1] == '\\'):
                j += 1
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
            continue
        if c == '\n':
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c == 'R' and text.startswith('"', i + 1) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
            m = re.match(r'R"([^(\s]{0,16})\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(')' + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c in '"\'':
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(' ')
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(c + ' ' * (j - i - 2) + c if j - i >= 2 else ' ' * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


SCOPE_RE = re.compile(r'^(?:template\s*<.*>\s*)?(?:inline\s+)?(namespace\b|extern\s+"|class\b|struct\b|union\b)', re.S)
NOT_FUNCTION_RE = re.compile(r'^(?:enum\b|typedef\b|using\b)')


def function_name(header):
    """The name of the function a block header declares, or None when it is no function."""
    h = ' '.join(header.split())
    if NOT_FUNCTION_RE.match(h):
        return None
    paren = h.find('(')
    if paren < 0:
        return None
    before = h[:paren]
    if re.search(r'operator\s*\S*$', before):
        pass
    elif '=' in before:
        return None
    m = re.search(r'((?:[A-Za-z_~][\w]*\s*(?:<[^()]*>)?\s*::\s*)*(?:operator\s*[^\s(]+|operator\s*\(\s*\)|~?[A-Za-z_]\w*))\s*$', before)
    if not m:
        return None
    name = re.sub(r'\s+', '', m.group(1))
    if name in ('if', 'for', 'while', 'switch', 'catch', 'return', 'sizeof', 'decltype', 'alignas', 'static_assert'):
        return None
    return name


def long_functions(path, text, limit):
    """[(lines, name, first line)] of the function bodies over `limit` lines."""
    code = strip_code(text)
    found = []
    i, n = 0, len(code)
    header_start = 0

    def line_of(pos):
        return code.count('\n', 0, pos) + 1

    def match_brace(pos):
        depth = 0
        for j in range(pos, n):
            if code[j] == '{':
                depth += 1
            elif code[j] == '}':
                depth -= 1
                if depth == 0:
                    return j
        return n - 1

    def scan(start, end):
        nonlocal found
        header_start = start
        paren = 0
        j = start
        while j < end:
            c = code[j]
            if c == '(':
                paren += 1
            elif c == ')':
                paren -= 1
            elif c == ';' and paren == 0:
                header_start = j + 1
            elif c == '}' and paren == 0:
                header_start = j + 1
            elif c == '{' and paren == 0:
                close = match_brace(j)
                header = code[header_start:j].strip()
                k = close + 1
                while k < end and code[k].isspace():
                    k += 1
                nxt = code[k] if k < end else ''
                if nxt in (',', '{') and ':' in header:  # a member initialiser in a constructor's list
                    j = close + 1
                    continue
                if SCOPE_RE.match(' '.join(header.split())):
                    scan(j + 1, close)  # namespace or class body: look inside
                else:
                    name = function_name(header)
                    if name:
                        first = line_of(header_start + (len(code[header_start:j]) - len(code[header_start:j].lstrip())))
                        lines = line_of(close) - first + 1
                        if lines > limit:
                            found.append((lines, name, first))
                header_start = close + 1
                j = close + 1
                continue
            j += 1

    scan(0, n)
    return found


# ---------------------------------------------------------------------------------------- report

def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..'))
    files = tracked_files(root)
    fileset = set(files)
    sources = [f for f in files if f.endswith(SOURCE_EXT) and module_of(f)]
    lines = {}
    texts = {}
    for f in sources:
        with open(os.path.join(root, f), encoding='utf-8', errors='replace') as fh:
            texts[f] = fh.read()
        lines[f] = texts[f].count('\n') + (0 if texts[f].endswith('\n') or not texts[f] else 1)

    targets = cmake_targets(root, files)
    folder_targets = defaultdict(set)
    for name, (kind, srcs) in targets.items():
        for s in srcs:
            folder_targets[folder_of(s)].add(name)
    folders = sorted({folder_of(f) for f in sources})

    print('### Folders -> CMake targets\n')
    print('Folder: files, lines -> the targets its sources are compiled into (kind).\n')
    print('```')
    kind_of = {name: kind for name, (kind, _) in targets.items()}
    for d in folders:
        fs = [f for f in sources if folder_of(f) == d]
        names = sorted(folder_targets.get(d, ()), key=lambda t: (kind_of[t] == 'test', t))
        tests = [t for t in names if kind_of[t] == 'test']
        others = ['%s (%s)' % (t, kind_of[t]) for t in names if kind_of[t] != 'test']
        if tests:
            others.append('%d test%s: %s' % (len(tests), 's' if len(tests) > 1 else '', ' '.join(tests)))
        print('%-24s %3d files %6d lines -> %s' % (d, len(fs), sum(lines[f] for f in fs), '; '.join(others) or '-'))
    print('```\n')

    edges = include_graph(root, sources, fileset)
    print('### Include graph (folder level)\n')
    print('Folder -> the folders whose headers it includes (number of #include lines).\n')
    print('```')
    by_from = defaultdict(list)
    for (a, b), c in edges.items():
        by_from[a].append((b, c))
    for d in folders:
        if by_from[d]:
            print('%-24s -> %s' % (d, ', '.join('%s (%d)' % (b, c) for b, c in sorted(by_from[d]))))
    print('```\n')

    mod_edges = defaultdict(int)
    for (a, b), c in edges.items():
        ma, mb = module_of(a), module_of(b)
        if ma != mb:
            mod_edges[(ma, mb)] += c
    print('### Include graph (top-level modules)\n')
    print('```')
    for m in MODULES:
        out = sorted((b, c) for (a, b), c in mod_edges.items() if a == m)
        if out:
            print('%-10s -> %s' % (m, ', '.join('%s (%d)' % (b, c) for b, c in out)))
    print('```\n')

    print('### Include cycles\n')
    cycles = strongly_connected(folders, edges)
    prod_mod_edges = {k: v for k, v in mod_edges.items() if 'tests' not in k}
    mod_cycles = strongly_connected([m for m in MODULES if m != 'tests'], prod_mod_edges)
    if not cycles and not mod_cycles:
        print('None (neither between folders nor between top-level modules).\n')
    for comp in mod_cycles:
        print('- modules %s include each other:' % ' <-> '.join(comp))
        for (a, b), c in sorted(edges.items()):
            if module_of(a) in comp and module_of(b) in comp and module_of(a) != module_of(b):
                print('  - %s -> %s (%d)' % (a, b, c))
    for comp in cycles:
        print('- folders in one cycle: %s' % ', '.join(comp))
        for (a, b), c in sorted(edges.items()):
            if a in comp and b in comp:
                print('  - %s -> %s (%d)' % (a, b, c))
    print()

    print('### Files and functions\n')
    print('```')
    for label, group in (('product code (all but tests/)', [f for f in sources if module_of(f) != 'tests']),
                         ('tests/', [f for f in sources if module_of(f) == 'tests'])):
        counts = [lines[f] for f in group]
        if counts:
            print('%-30s %4d files, %6d lines, median %d lines, mean %d, %d files over %d lines'
                  % (label, len(counts), sum(counts), statistics.median(counts), statistics.mean(counts),
                     sum(1 for c in counts if c > LONG_FILE), LONG_FILE))
    print('```\n')
    print('Files over %d lines:\n' % LONG_FILE)
    print('```')
    for f in sorted(sources, key=lambda f: (-lines[f], f)):
        if lines[f] > LONG_FILE:
            print('%5d  %s' % (lines[f], f))
    print('```\n')
    print('Functions over %d lines (from the line of the name to the closing brace):\n' % LONG_FUNCTION)
    print('```')
    longs = []
    for f in sources:
        for n, name, first in long_functions(f, texts[f], LONG_FUNCTION):
            longs.append((n, name, f, first))
    for n, name, f, first in sorted(longs, key=lambda x: (-x[0], x[2], x[3])):
        print('%5d  %s  (%s:%d)' % (n, name, f, first))
    if not longs:
        print('none')
    print('```')


if __name__ == '__main__':
    main()
