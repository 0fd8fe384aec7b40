// Stand-alone runner of sem::bench::runDecodeBench until `semc bench --decode` exists.
#include <iostream>
#include <string>

#include "cli/bench/DecodeBench.h"

int main(int argc, char** argv) {
    const std::string model = argc > 1 ? argv[1] : "";
    const std::string device = argc > 2 ? argv[2] : "auto";
    return sem::bench::runDecodeBench(model, device, std::cout);
}
