// Hot loops of the SIFT-style feature extractor. Every function works on caller-owned float
// buffers (row-major, one float per pixel), allocates nothing, keeps no state, and handles the
// row or keypoint range it is given, so Swift can split ranges over the cores.
#pragma once
#include <stdint.h>
