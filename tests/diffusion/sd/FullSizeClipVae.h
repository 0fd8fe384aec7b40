#pragma once
// The torch side of tst_sd_fullsize_clipvae (no Qt here, no torch in the header): our full-size SD 1.x
// text encoder and VAE, built at the default configurations with uninitialised parameters.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sem::test::fullsize {

struct ModuleTensors {
    std::map<std::string, std::vector<std::int64_t>> shapes;  // named_parameters + named_buffers
    std::int64_t parameters = 0;                               // numel over named_parameters
    std::int64_t configParameters = 0;                         // the config's parameterCount()
};

ModuleTensors clipTextTensors();
ModuleTensors vaeTensors();

}  // namespace sem::test::fullsize
