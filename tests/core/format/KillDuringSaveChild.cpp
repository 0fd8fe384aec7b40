// The child process of tst_killduringsave: saves a file through one of the program's real save
// functions and gets stuck half-way through writing it, so that the test can SIGKILL it mid-write.
//   sem_killduringsave_child sem|model PATH [--stall]
//     sem    SemFile::save (sem::writeFileAtomic, QSaveFile): what `semc encode -o` and the GUI's
//            File > Save use
//     model  SafeTensors::write (diffusion::writeFileAtomically, "<path>.tmp" + rename): what the
//            engine's and the trainer's model and checkpoint saves use
// Prints "bytes N" (the size of the new file) first. Without --stall it saves and prints "saved".
// With --stall the file-size limit (RLIMIT_FSIZE) is set to half the new file: the kernel writes the
// first half, and the next write() raises SIGXFSZ, whose handler prints "stalled" and waits forever
// inside that write — a deterministic "in the middle of a save" for the test to kill.
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include "core/format/SemFile.h"
#include "diffusion/SafeTensors.h"

namespace {

void say(const char* text)
{
    const std::size_t n = std::strlen(text);
    if (::write(STDOUT_FILENO, text, n) != static_cast<ssize_t>(n))
        ::_exit(4);
}

extern "C" void onFileSizeLimit(int)
{
    say("stalled\n");  // async-signal-safe: write(2) only
    for (;;)
        ::pause();
}

// Deterministic filler bytes (xorshift), the same in every run.
std::vector<std::uint8_t> filler(std::size_t size)
{
    std::vector<std::uint8_t> out(size);
    std::uint32_t x = 2463534242u;
    for (auto& b : out) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::uint8_t>(x);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && std::strcmp(argv[3], "--stall") != 0)) {
        std::fprintf(stderr, "usage: %s sem|model PATH [--stall]\n", argv[0]);
        return 2;
    }
    const std::string mode = argv[1];
    const std::string path = argv[2];
    const bool stall = argc == 4;
    try {
        sem::SemFile semFile;
        std::map<std::string, sem::diffusion::SafeTensors::Tensor> tensors;
        std::size_t bytes = 0;
        if (mode == "sem") {
            semFile.width = 4000;
            semFile.height = 3000;
            semFile.edges = filler(1u << 20);  // the container does not interpret the streams
            semFile.caption = std::vector<std::uint8_t>{0, 'n', 'e', 'w'};
            bytes = semFile.serialize().size();
        } else if (mode == "model") {
            const auto raw = filler(1u << 20);
            std::vector<float> values(raw.size() / 4);
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] = static_cast<float>(raw[i]) / 255.0f;
            tensors["w"] = {{static_cast<std::int64_t>(values.size())}, values};
            bytes = sem::diffusion::SafeTensors::serialize(tensors).size();
        } else {
            std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
            return 2;
        }
        std::printf("bytes %zu\n", bytes);
        std::fflush(stdout);
        if (stall) {
            std::signal(SIGXFSZ, onFileSizeLimit);
            rlimit limit{};
            if (::getrlimit(RLIMIT_FSIZE, &limit) != 0)
                return 3;
            limit.rlim_cur = static_cast<rlim_t>(bytes / 2);
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
                return 3;
        }
        if (mode == "sem")
            semFile.save(path);
        else
            sem::diffusion::SafeTensors::write(path, tensors);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    say("saved\n");
    return 0;
}
