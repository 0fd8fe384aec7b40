#pragma once
// Internal to the SD schedulers: the pieces of diffusers' set_timesteps that it computes with numpy
// (float64, or float32 where numpy keeps float32), repeated operation for operation so that the
// timesteps and sigmas come out the same.
#include <vector>

#include <torch/torch.h>

#include "diffusion/sd/SchedulerConfig.h"

namespace sem::diffusion::sd::math {

// betas (float32 [N]) as diffusers' constructors make them (torch.linspace in float32, squared for
// scaled_linear; the cosine alpha_bar in double for squaredcos_cap_v2), and their cumulative product
// of 1 - beta.
torch::Tensor alphasCumprod(const SchedulerConfig& config);

// numpy.linspace(start, stop, num) in float64 (i * step + start, the last exactly stop; [start] for num 1).
std::vector<double> linspace(double start, double stop, int num);
// numpy.arange(start, 0, -step) for a float step (numpy's length and fill: start + i * delta with
// delta = (start - step) - start).
std::vector<double> arangeDown(double start, double step);
// numpy.round: to the nearest whole number, halves to even.
double roundHalfEven(double value);
// numpy.interp(x, arange(len(fp)), fp) in float64.
double interp(double x, const std::vector<float>& fp);

// ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5 in float32 (torch), as a vector.
std::vector<float> trainSigmas(const torch::Tensor& alphasCumprod);
// numpy.log of a float32 array (float32).
std::vector<float> logOf(const std::vector<float>& values);
// k-diffusion's Karras sigmas between sigmaMin and sigmaMax (rho 7), float64, as diffusers'
// _convert_to_karras.
std::vector<double> karras(double sigmaMin, double sigmaMax, int steps);
// diffusers' _sigma_to_t: the fractional training timestep of `sigma` by linear interpolation of
// log sigma (with numpy's float32 comparison of the distances).
double sigmaToT(double sigma, const std::vector<float>& logSigmas);

// A float32 0-d CPU tensor: the scalars diffusers keeps as 0-d tensors.
torch::Tensor scalar(float value);

}  // namespace sem::diffusion::sd::math
