#pragma once
// Plain-C++ front of the device checks (the torch side is DeviceChecks.cpp), so that the QtTest
// translation unit includes no torch header.
#include <string>

namespace sem::diffusion::checks {

// After resolveDevice("cpu"): the largest relative error of float32 3x3 convolutions of a batch of 2
// with `channels` input channels against the same in double precision (what Debian 13's oneDNN got
// wrong: diffusion/common/Device.h).
double cpuConvolutionError(int channels);
// guardCpuConvolutions() twice: the same answer, and oneDNN off exactly when it said "wrong".
bool guardIsStable();
// resolveDevice(name)'s error message, or empty when it succeeded.
std::string resolveDeviceError(const std::string& name);
bool cudaAvailable();

}  // namespace sem::diffusion::checks
