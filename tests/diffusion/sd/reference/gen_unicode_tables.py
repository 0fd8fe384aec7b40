#!/usr/bin/env python3
"""Generates diffusion/sd/ClipUnicodeTables.cpp and diffusion/sd/ClipHtmlEntities.cpp: the Unicode data
the CLIP tokenizer (diffusion/sd/ClipTokenizer.*, ClipText.*) needs to clean and split text exactly as
the reference does (transformers' CLIPTokenizer with ftfy 6.1.1 on Python 3.11).

Every table is measured from the reference's own behaviour, not from the Unicode data files:
  - the pre-tokenizer classes from the `regex` module's pattern (IGNORECASE, as CLIP compiles it),
  - whitespace from `regex`'s \\s (whitespace_clean) and from str.isspace (str.strip),
  - lowercase, cased and case-ignorable (Final_Sigma) from str.lower(),
  - NFC data from unicodedata, ftfy's width map, html.entities and html.unescape's tables.
Run with the interpreter and `regex` module of the reference (Debian 12's /usr/bin/python3 3.11 with
python3-regex 2.5.123, unicodedata 14.0; another `regex` release classifies newer code points otherwise):
    . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/gen_unicode_tables.py
"""
import html, html.entities, os, sys, unicodedata
import regex

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
MAXCP = 0x110000
SURR = range(0xD800, 0xE000)

def chars():
    for cp in range(MAXCP):
        if cp in SURR:
            continue
        yield cp, chr(cp)

def ranges(pred):
    """[(first, last)] of code points for which pred(cp, ch) holds."""
    out = []
    for cp, ch in chars():
        if pred(cp, ch):
            if out and out[-1][1] == cp - 1:
                out[-1][1] = cp
            else:
                out.append([cp, cp])
    return out

def cstr(s):
    b = s.encode("utf-8")
    return '"' + "".join(chr(c) if 0x20 <= c < 0x7F and c not in (0x22, 0x5C, 0x3F) else "\\%03o" % c for c in b) + '"'

def emit_ranges(name, rs):
    lines = [f"const CodeRange {name}[] = {{"]
    row = []
    for a, b in rs:
        row.append(f"{{0x{a:X}, 0x{b:X}}}")
        if len(row) == 6:
            lines.append("    " + ", ".join(row) + ","); row = []
    if row:
        lines.append("    " + ", ".join(row) + ",")
    lines.append("};")
    lines.append(f"const std::size_t {name}Size = sizeof({name}) / sizeof({name}[0]);")
    return "\n".join(lines)

# --- the pre-tokenizer's character classes, exactly as CLIP's compiled pattern sees one character
flags = regex.IGNORECASE
letter = regex.compile(r"[\p{L}]", flags)
number = regex.compile(r"[\p{N}]", flags)
other = regex.compile(r"[^\s\p{L}\p{N}]", flags)
space_re = regex.compile(r"\s")
CAT = {}
for cp, ch in chars():
    l, n, o = bool(letter.fullmatch(ch)), bool(number.fullmatch(ch)), bool(other.fullmatch(ch))
    assert l + n + o <= 1, hex(cp)
    CAT[cp] = 1 if l else 2 if n else 3 if o else 0   # 0: matched by no alternative (a separator)
cat_runs = []
for cp, ch in chars():
    c = CAT[cp]
    if cat_runs and cat_runs[-1][1] == cp - 1 and cat_runs[-1][2] == c:
        cat_runs[-1][1] = cp
    elif cat_runs and cat_runs[-1][2] == c and cp == 0xE000 and cat_runs[-1][1] == 0xD7FF:
        cat_runs[-1][1] = cp   # surrogates never occur in decoded text: bridge them
    else:
        cat_runs.append([cp, cp, c])

# --- lowercase (str.lower), split into runs with a common delta and stride, plus multi-character ones
single, multi = [], []
for cp, ch in chars():
    lo = ch.lower()
    if lo == ch or ch == "\u03a3":   # capital sigma is context dependent: handled in code
        continue
    if len(lo) == 1:
        single.append((cp, ord(lo) - cp))
    else:
        multi.append((cp, lo))
runs = []  # [first, last, stride, delta]
for cp, d in single:
    if runs:
        r = runs[-1]
        stride = r[2] if r[1] != r[0] else cp - r[1]
        if r[3] == d and stride in (1, 2) and cp - r[1] == stride:
            r[1], r[2] = cp, stride
            continue
    runs.append([cp, cp, 1, d])

# --- Final_Sigma context, measured from str.lower(): see the docstring of the C++ table
def final(s, i):
    return s.lower()[i] == "\u03c2"
ignorable = ranges(lambda cp, ch: cp != 0x3A3 and final("A" + ch + "\u03a3", -1) and final("A\u03a3" + ch, 1))
ign_set = set()
for a, b in ignorable:
    ign_set.update(range(a, b + 1))
cased = ranges(lambda cp, ch: cp not in ign_set and (cp == 0x3A3 or final(ch + "\u03a3", -1)))

# --- NFC: canonical decompositions, combining classes, primary composites
decomp = []
for cp, ch in chars():
    d = unicodedata.decomposition(ch)
    if d and not d.startswith("<") and not (0xAC00 <= cp <= 0xD7A3):
        parts = [int(x, 16) for x in d.split()]
        decomp.append((cp, parts))
ccc = []
for cp, ch in chars():
    c = unicodedata.combining(ch)
    if c:
        if ccc and ccc[-1][1] == cp - 1 and ccc[-1][2] == c:
            ccc[-1][1] = cp
        else:
            ccc.append([cp, cp, c])
compose = sorted((p[0], p[1], cp) for cp, p in decomp
                 if len(p) == 2 and unicodedata.normalize("NFC", chr(cp)) == chr(cp))
# the first code point NFC can change or compose with (quick check: text below it is already NFC)
seconds = {b for a, b, c in compose} | set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # + Hangul V, T
nfc_first = min(cp for cp, ch in chars()
                if unicodedata.normalize("NFC", ch) != ch or unicodedata.combining(ch) or cp in seconds)

# characters NFC may change or compose with something before them (NFC_Quick_Check No or Maybe) or
# reorder (non-zero combining class): a text without any is already NFC
nfc_unsafe = ranges(lambda cp, ch: unicodedata.normalize("NFC", ch) != ch or unicodedata.combining(ch) != 0
                    or cp in seconds)

# --- ftfy's width map (fix_character_width) and Latin ligatures (fix_latin_ligatures)
width = [(0x3000, " ")]
for cp in range(0xFF01, 0xFFF0):
    alt = unicodedata.normalize("NFKC", chr(cp))
    if alt != chr(cp):
        width.append((cp, alt))

# --- \d of Python's `re` (ftfy's ANSI escape pattern)
import re as stdre
digits = ranges(lambda cp, ch: bool(stdre.fullmatch(r"\d", ch)))
isspace = ranges(lambda cp, ch: ch.isspace())
regex_space = ranges(lambda cp, ch: bool(space_re.fullmatch(ch)))

# --- sloppy windows-1252 for C1 controls (ftfy fix_c1_controls)
c1 = []
for b in range(0x80, 0xA0):
    try:
        c1.append(ord(bytes([b]).decode("cp1252")))
    except UnicodeDecodeError:
        c1.append(b)

out = []
out.append("// GENERATED by tests/diffusion/sd/reference/gen_unicode_tables.py: do not edit.")
out.append(f"// Python {sys.version.split()[0]}, unicodedata {unicodedata.unidata_version}, regex {regex.__version__}.")
out.append('#include "diffusion/sd/ClipUnicodeTables.h"\n')
out.append("namespace sem::diffusion::sd::clip_tables {\n")
out.append("// Class of one character in CLIP's pre-tokenizer pattern (IGNORECASE): 0 none (separator),")
out.append("// 1 [\\p{L}], 2 [\\p{N}], 3 [^\\s\\p{L}\\p{N}]. Runs cover every code point, sorted.")
out.append("const ClassRun kClassRuns[] = {")
row = []
for a, b, c in cat_runs:
    row.append(f"{{0x{a:X}, {c}}}")
    if len(row) == 8:
        out.append("    " + ", ".join(row) + ","); row = []
if row:
    out.append("    " + ", ".join(row) + ",")
out.append("};")
out.append("const std::size_t kClassRunsSize = sizeof(kClassRuns) / sizeof(kClassRuns[0]);\n")
out.append("// \\s of the `regex` module (whitespace_clean) and str.isspace (str.strip).")
out.append(emit_ranges("kRegexSpace", regex_space) + "\n")
out.append(emit_ranges("kPySpace", isspace) + "\n")
out.append("// \\d of Python's `re` (ftfy's terminal escape pattern).")
out.append(emit_ranges("kDigits", digits) + "\n")
out.append("// str.lower(): first..last step stride map to cp + delta (capital sigma excluded).")
out.append("const LowerRun kLowerRuns[] = {")
row = []
for a, b, s, d in runs:
    row.append(f"{{0x{a:X}, 0x{b:X}, {s}, {d}}}")
    if len(row) == 4:
        out.append("    " + ", ".join(row) + ","); row = []
if row:
    out.append("    " + ", ".join(row) + ",")
out.append("};")
out.append("const std::size_t kLowerRunsSize = sizeof(kLowerRuns) / sizeof(kLowerRuns[0]);")
out.append("const MultiLower kLowerMulti[] = {")
for cp, lo in multi:
    out.append(f"    {{0x{cp:X}, {cstr(lo)}}},")
out.append("};")
out.append("const std::size_t kLowerMultiSize = sizeof(kLowerMulti) / sizeof(kLowerMulti[0]);\n")
out.append("// Final_Sigma context of str.lower(), measured from str.lower() itself.")
out.append(emit_ranges("kCaseIgnorable", ignorable) + "\n")
out.append(emit_ranges("kCased", cased) + "\n")
out.append("// Canonical decompositions (one level; Hangul is algorithmic).")
out.append("const Decomposition kDecompositions[] = {")
for cp, parts in decomp:
    p = parts + [0] * (2 - len(parts))
    assert len(parts) <= 2
    out.append(f"    {{0x{cp:X}, 0x{p[0]:X}, 0x{p[1]:X}}},")
out.append("};")
out.append("const std::size_t kDecompositionsSize = sizeof(kDecompositions) / sizeof(kDecompositions[0]);\n")
out.append("// Canonical combining classes (runs of equal class).")
out.append("const CombiningRun kCombining[] = {")
row = []
for a, b, c in ccc:
    row.append(f"{{0x{a:X}, 0x{b:X}, {c}}}")
    if len(row) == 5:
        out.append("    " + ", ".join(row) + ","); row = []
if row:
    out.append("    " + ", ".join(row) + ",")
out.append("};")
out.append("const std::size_t kCombiningSize = sizeof(kCombining) / sizeof(kCombining[0]);\n")
out.append("// Primary composites: (first, second) -> composite, sorted by (first, second).")
out.append("const Composition kCompositions[] = {")
for a, b, c in compose:
    out.append(f"    {{0x{a:X}, 0x{b:X}, 0x{c:X}}},")
out.append("};")
out.append("const std::size_t kCompositionsSize = sizeof(kCompositions) / sizeof(kCompositions[0]);")
out.append(f"const char32_t kNfcQuickFirst = 0x{nfc_first:X};")
out.append("// Characters that NFC may change, compose with what precedes them, or reorder.")
out.append(emit_ranges("kNfcUnsafe", nfc_unsafe) + "\n")
out.append("// ftfy fix_character_width.")
out.append("const Replacement kWidth[] = {")
for cp, s in width:
    out.append(f"    {{0x{cp:X}, {cstr(s)}}},")
out.append("};")
out.append("const std::size_t kWidthSize = sizeof(kWidth) / sizeof(kWidth[0]);\n")
out.append("// ftfy fix_c1_controls: U+0080..U+009F read as sloppy windows-1252.")
out.append("const char32_t kC1[32] = {" + ", ".join(f"0x{c:X}" for c in c1) + "};\n")
out.append("}  // namespace sem::diffusion::sd::clip_tables")
open(os.path.join(ROOT, "diffusion/sd/ClipUnicodeTables.cpp"), "w").write("\n".join(out) + "\n")

# --- HTML entities: ftfy's table (html5 names ending in ';' and their all-caps forms) and html.unescape's
# numeric special cases
ents = {}
for name, ch in html.entities.html5.items():
    if name.endswith(";"):
        ents["&" + name] = ch
        if name == name.lower():
            up = "&" + name.upper()
            if html.unescape(up) == up:
                ents[up] = ch.upper()
e = ["// GENERATED by tests/diffusion/sd/reference/gen_unicode_tables.py: do not edit.",
     f"// Python {sys.version.split()[0]}: ftfy 6.1.1's HTML entity table (html.entities.html5 names ending",
     "// in ';', plus all-caps forms of lower-case names that html.unescape leaves alone) and html.unescape's",
     "// numeric character reference special cases.",
     '#include "diffusion/sd/ClipUnicodeTables.h"\n',
     "namespace sem::diffusion::sd::clip_tables {\n",
     "// Sorted by name (bytewise).",
     "const Entity kEntities[] = {"]
for k in sorted(ents, key=lambda s: s.encode()):
    e.append(f"    {{{cstr(k)}, {cstr(ents[k])}}},")
e.append("};")
e.append("const std::size_t kEntitiesSize = sizeof(kEntities) / sizeof(kEntities[0]);\n")
import html as _h
inv = _h._invalid_charrefs
e.append("// html.unescape: numeric references replaced by another character.")
e.append("const InvalidCharref kInvalidCharrefs[] = {")
for k in sorted(inv):
    e.append(f"    {{0x{k:X}, 0x{ord(inv[k]):X}}},")
e.append("};")
e.append("const std::size_t kInvalidCharrefsSize = sizeof(kInvalidCharrefs) / sizeof(kInvalidCharrefs[0]);")
cps = sorted(_h._invalid_codepoints)
rs = []
for c in cps:
    if rs and rs[-1][1] == c - 1:
        rs[-1][1] = c
    else:
        rs.append([c, c])
e.append("// html.unescape: numeric references dropped.")
e.append(emit_ranges("kInvalidCodepoints", rs) + "\n")
e.append("}  // namespace sem::diffusion::sd::clip_tables")
open(os.path.join(ROOT, "diffusion/sd/ClipHtmlEntities.cpp"), "w").write("\n".join(e) + "\n")
print("class runs", len(cat_runs), "lower runs", len(runs), "multi", multi, "ignorable", len(ignorable),
      "cased", len(cased), "decomp", len(decomp), "ccc", len(ccc), "compose", len(compose),
      "nfc_first", hex(nfc_first), "nfc_unsafe", len(nfc_unsafe), "width", len(width), "entities", len(ents), "digits", len(digits))
