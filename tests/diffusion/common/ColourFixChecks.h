#pragma once
// Plain-C++ front of the colour fix checks (the torch side is ColourFixChecks.cpp), so that the QtTest
// translation unit includes no torch header.
namespace sem::diffusion::checks {

// max |fix(x, x) - x| over a random image.
double colourFixOfItselfError();
// max |fix(x, x + c) - (x + c)|: the reference's flat colour offset is taken whole.
double colourFixTakesTheReferenceOffsetError();
// The fraction of a fine checkerboard's amplitude that survives when the reference lacks it (~1).
double colourFixKeepsDetail();
// max |fix(x, r) - x| over a 6x6 image with a blur radius larger than the image: must run.
double colourFixOnATinyImage();

}  // namespace sem::diffusion::checks
