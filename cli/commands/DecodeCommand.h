#pragma once
#include "cli/Command.h"

namespace sem::cli {

// semc decode IN.sem -o OUT.png [decode options] [--json]
class DecodeCommand : public Command {
public:
    std::string name() const override { return "decode"; }
    std::string summary() const override { return "Redraw the image of a .sem file with the diffusion decoder."; }
    int run(const QStringList& args, Io& io) override;
};

// semc roundtrip IN -o OUT.png [encode options] [decode options] [--sem OUT.sem] [--json]
class RoundtripCommand : public Command {
public:
    std::string name() const override { return "roundtrip"; }
    std::string summary() const override { return "Encode, decode and report bpp, PSNR, SSIM, MS-SSIM and time."; }
    int run(const QStringList& args, Io& io) override;
};

// semc generate --caption TEXT --size WxH -o OUT.png [decode options]
class GenerateCommand : public Command {
public:
    std::string name() const override { return "generate"; }
    std::string summary() const override { return "Caption-only decode (text to image, no edges, no hint)."; }
    int run(const QStringList& args, Io& io) override;
};

}  // namespace sem::cli
