// CSplat: the Gaussian-splatting kernels (umbrella header).
#ifndef CSPLAT_H
#define CSPLAT_H

#include "csplat_types.h"
#include "csplat_project.h"
#include "csplat_bin.h"
#include "csplat_rasterize.h"
#include "csplat_adam.h"
#include "csplat_loss.h"
#include "csplat_reference.h"

#endif
