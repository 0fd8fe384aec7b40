#!/usr/bin/env python3
"""Reference token ids for tst_cliptokenizer (tests/diffusion/sd/fixtures/clip_*.json).

The reference is what diffusers' Stable Diffusion pipelines use: transformers' CLIPTokenizer with ftfy,
loaded with from_pretrained from a folder whose vocab.json/merges.txt are built from openai/CLIP's
bpe_simple_vocab_16e6.txt.gz exactly as simple_tokenizer.py builds its vocabulary.
Rerun: . /work/refenv/env.sh && $PY tests/diffusion/sd/reference/clip_tokenizer_fixtures.py
Writes:
  clip_captions.json   our own captions (text, ids: untruncated, unpadded; padded: max_length 77
                       with truncation, only where the ids are longer than 77), plus cases with the
                       SD 2.x pad token "!" (pad0 entries)
  clip_dataset_ids.json  ids only (no text: the captions are research data, not ours to commit) of 500
                       captions of shared/data/captioned/captions.json: file name, caption index, ids
"""
import gzip, importlib.util, json, os, sys, tempfile

REFENV = os.environ["REFENV"]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
FIX = os.path.join(HERE, "..", "fixtures")
BPE = os.path.join(ROOT, "models", "clip", "bpe_simple_vocab_16e6.txt.gz")
DATA = os.path.join(ROOT, "..", "shared", "data", "captioned", "captions.json")

spec = importlib.util.spec_from_file_location("simple_tokenizer", REFENV + "/src/openai-clip/clip/simple_tokenizer.py")
stk = importlib.util.module_from_spec(spec); spec.loader.exec_module(stk)
oa = stk.SimpleTokenizer(BPE)

from transformers import CLIPTokenizer

def make_folder(pad):
    d = tempfile.mkdtemp()
    lines = gzip.open(BPE).read().decode("utf-8").split("\n")
    merges = lines[1:49152 - 256 - 2 + 1]
    vocab = list(stk.bytes_to_unicode().values()); vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m.split()) for m in merges]; vocab += ["<|startoftext|>", "<|endoftext|>"]
    enc = {t: i for i, t in enumerate(vocab)}
    assert enc == oa.encoder and len(enc) == 49408
    json.dump(enc, open(f"{d}/vocab.json", "w", encoding="utf-8"), ensure_ascii=False)
    open(f"{d}/merges.txt", "w", encoding="utf-8").write("#version: 0.2\n" + "\n".join(merges) + "\n")
    CLIPTokenizer(f"{d}/vocab.json", f"{d}/merges.txt", model_max_length=77, pad_token=pad).save_pretrained(d)
    return CLIPTokenizer.from_pretrained(d)

hf = make_folder("<|endoftext|>")
hf2 = make_folder("!")
assert hf.pad_token_id == 49407 and hf2.pad_token_id == 0 and hf.model_max_length == 77

long1 = "The quick brown fox jumps over the lazy dog. " * 9
long2 = ("a highly detailed matte painting of a futuristic city at sunset, towering glass skyscrapers, flying "
         "cars, neon signs in japanese and english, crowded streets full of people with umbrellas, reflections "
         "on wet asphalt, volumetric lighting, cinematic composition, 8k, trending on artstation, by greg rutkowski")
CAPTIONS = [
    "A man riding a wave on top of a surfboard.", "Two dogs playing in the snow",
    "The Eiffel Tower at night, illuminated", "CAFÉ CRÈME & croissant", "Ñandú corriendo en la pampa",
    "Straße in München, Grüße aus Köln", "Ελληνικά: ΟΔΥΣΣΕΥΣ και ΣΙΣΥΦΟΣ", "ΑΒΓΔ αβγδ Σ σ ς ΣΑΣ. Σ",
    "Москва — столица России", "東京タワーと富士山", "한국어 텍스트 테스트", "中文标点，测试。",
    "🐶🐱🐭 emoji zoo 👨‍👩‍👧‍👦 family", "flag 🇫🇷 and 🏳️‍🌈", "a photo of a 🐈 on a 🛋️",
    "3.14159 and 1,000,000 dollars", "٣ Arabic-Indic digits ١٢٣ and ² superscript ½",
    "!!!???...,,,;;;", "--==**&&^^%%$$##@@", "I'm sure you'll see they've done it, haven't they? He'd go. It's HIS.",
    "rock'n'roll 'quoted' words'", "’curly’ “double” quotes don’t break",
    "&amp;amp; &lt;b&gt; &quot;x&quot; &eacute; &EACUTE; &#233; &#xE9; &nbsp;end",
    "<b>bold</b> &amp; stays", "first line &amp;\nsecond <line> &amp;\nthird &amp;",
    "a    lot     of      spaces", "\t tabs\tand\nnewlines\r\nand\u00a0nbsp\u2003em space ", "", "   ",
    long1, long2, long2 + " " + long2.upper(), "pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
    "ﬁne ﬂowers ﬀ ligatures ﬃ ﬅ", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ　１２３ ｶﾀｶﾅ", "cafe\u0301 nai\u0308ve a\u0300\u0301\u0302 stacked",
    "İstanbul ISTANBUL ıi", "ǅemal ǈubljana Ǳ", "x\u0345y", "it'ſ a long s: ſtraße",
    "<|startoftext|> inside <|endoftext|> text", "<|ENDOFTEXT|> upper", "a<|endoftext|>b<|startoftext|>c",
    "&amp; <|endoftext|> &amp;", "zero\u200bwidth\u200djoiner\ufeffbom", "control\x01\x02chars\x7f removed",
    "\x1b[31mred\x1b[0m terminal", "c1 \x80 \x93quoted\x94 \x85end", "mixed 123abc456 def789",
    "CamelCaseWordsAreFun and ALLCAPS", "snake_case and kebab-case and dot.case",
    "email@example.com https://www.example.com/path?q=1&r=2", "#hashtag @mention $100 50% off",
    "Ünïcödé åccéntš ëvërÿwhérè", "हिन्दी पाठ", "עברית ועוד", "العربية نص", "ไทย ภาษา",
    "math ∑∫√∞ ≠ ≤ ≥", "arrows ←↑→↓ and boxes ■□▲", "Ⅻ roman Ⅻ numerals ⅻ", "①②③ circled",
    "\u200b", "Hello, World! 2024-01-01 12:34:56", 'a "quoted" phrase',
    "&#59; &#x3b; semicolons and &#0; &#128; &#xD800; &#99999999; &#12ab; &#x; &bogus; &AMP;",
    "a\ufffdb\ufffd\ufffdc", "\u1100\u1161\u11a8 \uac00\u11a8 jamo compose", "line\u2028sep\u2029para\x0bvt\x0cff\x1cfs",
]
PAD0 = ["hello!", "wow ! great", "!!!", "a!b", "stop!\x85next", "<|endoftext|>!", "! leading and trailing !"]

def entry(tok, text):
    ids = tok(text).input_ids
    e = {"text": text, "ids": ids}
    if len(ids) > 77:
        e["padded"] = tok(text, padding="max_length", max_length=77, truncation=True).input_ids
    return e

same = 0
cases = []
for c in CAPTIONS:
    e = entry(hf, c)
    o = [49406] + oa.encode(c) + [49407]
    if o == e["ids"]:
        same += 1
    else:
        print("openai differs:", repr(c))
    cases.append(e)
pad0 = [entry(hf2, c) | {"padded": hf2(c, padding="max_length", max_length=77, truncation=True).input_ids} for c in PAD0]
json.dump({"captions": cases, "pad0": pad0}, open(os.path.join(FIX, "clip_captions.json"), "w"), indent=0)
print(len(cases), "captions,", same, "tokenized the same by openai/CLIP;", len(pad0), "pad-0 cases")

if os.path.exists(DATA):
    data = json.load(open(DATA))
    files = sorted(data)
    picked = [files[i * len(files) // 100] for i in range(100)]
    out = []
    for f in picked:
        for k, c in enumerate(data[f]):
            out.append({"file": f, "index": k, "ids": hf(c).input_ids})
    json.dump(out, open(os.path.join(FIX, "clip_dataset_ids.json"), "w"), separators=(",", ":"))
    print(len(out), "dataset captions")
