#pragma once
#include <string>
#include <vector>

// The text side of the CLIP tokenizer (ClipTokenizer): what the reference — transformers'
// CLIPTokenizer with ftfy 6.1.1, as diffusers' Stable Diffusion pipelines load it — does to a caption
// before byte-pair encoding. Plain functions on UTF-32 strings, exposed for the tests and the fuzzer.
namespace sem::diffusion::sd::cliptext {

// UTF-8 -> code points. Invalid UTF-8 is not refused: each maximal invalid subsequence becomes one
// U+FFFD, exactly as Python's bytes.decode("utf-8", errors="replace").
std::u32string decodeUtf8(const std::string& utf8);
std::string encodeUtf8(const std::u32string& text);
void appendUtf8(std::string& out, char32_t cp);

// ftfy.fix_text with its default configuration, minus fix_encoding (see ClipText.cpp).
std::u32string fixText(const std::u32string& text);
// CLIP's whitespace_clean: runs of `regex`'s \s become one space, then str.strip().
std::u32string whitespaceClean(const std::u32string& text);
// Python's str.lower() (full lowercase mapping, Final_Sigma).
std::u32string pyLower(const std::u32string& text);
// unicodedata.normalize("NFC", text).
std::u32string nfc(const std::u32string& text);
bool pyIsSpace(char32_t cp);
// re.findall of CLIP's pattern (IGNORECASE) on cleaned, lowercased text.
std::vector<std::u32string> preTokenize(const std::u32string& text);
// The whole cleaning of one piece: whitespaceClean(fixText(text)) then pyLower.
std::u32string clean(const std::u32string& text);

}  // namespace sem::diffusion::sd::cliptext
