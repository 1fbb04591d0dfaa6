#include "fast_math.h"

float v2w_exp_function(float x) { return v2w_exp(x); }
