#pragma once
// sem::Error, the one exception type of the core: defined in base/Error.h, which the engine
// (diffusion/) shares, so that diffusion/ never includes core/.
#include "base/Error.h"
