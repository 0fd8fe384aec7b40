#include "diffusion/FileIO.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "diffusion/DiffusionError.h"

namespace sem::diffusion {

std::vector<std::uint8_t> readWholeFile(const std::string& path, std::uint64_t maxBytes,
                                        const std::string& what) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(what + ": cannot open '" + path + "' (" + ec.message() + ").");
    if (size > maxBytes)
        throw Error(what + ": '" + path + "' is too large (" + std::to_string(size) + " bytes, limit " +
                    std::to_string(maxBytes) + ").");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(what + ": cannot open '" + path + "'.");
    std::vector<std::uint8_t> data(static_cast<std::size_t>(size));
    if (size > 0 && !in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size)))
        throw Error(what + ": cannot read '" + path + "'.");
    return data;
}

void writeFileAtomically(const std::string& path, const std::vector<std::uint8_t>& data,
                         const std::string& what) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(what + ": cannot create '" + tmp + "'.");
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(tmp.c_str());
            throw Error(what + ": cannot write '" + tmp + "' (disk full?).");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw Error(what + ": cannot replace '" + path + "' (" + ec.message() + ").");
    }
}

}  // namespace sem::diffusion
