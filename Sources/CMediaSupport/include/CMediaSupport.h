// Small C helpers for the Media module: PNG through libpng (its errors longjmp, which Swift
// cannot handle) and pixel loops that must run at memory speed.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;
    int height;
    int channels;   // as stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (palette counts as RGB/RGBA)
    int bit_depth;  // 1, 2, 4, 8 or 16 as stored
    int has_alpha;  // alpha channel or tRNS transparency
} v2w_png_info;

/// Reads the header of an in-memory PNG. Returns 0, or -1 with a message in `error`.
int v2w_png_read_info(const uint8_t *data, size_t size, v2w_png_info *info, char *error, size_t error_size);

/// Decodes an in-memory PNG into `out` as float RGB (or RGBA when `info.has_alpha`) in [0, 1],
/// keeping 16-bit precision. `out` holds width*height*(3 or 4) floats. Returns 0 or -1 + message.
int v2w_png_read_rgb_float(const uint8_t *data, size_t size, float *out, size_t out_count,
                           char *error, size_t error_size);

/// Decodes an in-memory PNG's first channel as raw 16-bit values (8-bit files are scaled by 257).
int v2w_png_read_gray16(const uint8_t *data, size_t size, uint16_t *out, size_t out_count,
                        char *error, size_t error_size);

/// Writes a PNG file. `pixels` are rows of `channels` samples (1..4) of `bit_depth` 8 (uint8) or
/// 16 (uint16, host order). Returns 0, or -1 with a message.
int v2w_png_write(const char *path, const void *pixels, int width, int height, int channels,
                  int bit_depth, char *error, size_t error_size);

/// uint8 samples -> float in [0, 1].
void v2w_u8_to_float(const uint8_t *in, float *out, size_t count);

/// float in [0, 1] -> uint8, rounded and clamped (NaN -> 0).
void v2w_float_to_u8(const float *in, uint8_t *out, size_t count);

/// Copies a packed image of `channels` bytes per pixel, rotated clockwise by 90, 180 or 270 degrees.
/// `in` is width x height with `in_stride` bytes per row; `out` is tightly packed.
void v2w_rotate_u8(const uint8_t *in, int width, int height, int in_stride, int channels,
                   int clockwise, uint8_t *out);

/// Variance of the 4-neighbour Laplacian of a gray image (a focus / motion-blur measure).
double v2w_laplacian_variance(const float *gray, int width, int height);
