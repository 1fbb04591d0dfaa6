// PNG decoding and encoding with libpng's classic API; errors come back as messages, not longjmps.
#include "CMediaSupport.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} memory_reader;

typedef struct {
    char *error;
    size_t error_size;
} error_sink;

static void read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    memory_reader *reader = (memory_reader *)png_get_io_ptr(png);
    if (reader->offset + count > reader->size) {
        png_error(png, "file is truncated");
    }
    memcpy(out, reader->data + reader->offset, count);
    reader->offset += count;
}

static void on_error(png_structp png, png_const_charp message) {
    error_sink *sink = (error_sink *)png_get_error_ptr(png);
    if (sink && sink->error && sink->error_size) snprintf(sink->error, sink->error_size, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void set_error(char *error, size_t size, const char *message) {
    if (error && size) snprintf(error, size, "%s", message);
}

// Shared decode: `sink_fn` receives each transformed row.
typedef void (*row_fn)(void *context, const png_bytep row, int y, int width, int channels, int depth);

static int decode(const uint8_t *data, size_t size, v2w_png_info *info, int want_rgb, void *context,
                  row_fn on_row, char *error, size_t error_size) {
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        set_error(error, error_size, "not a PNG file (bad signature)");
        return -1;
    }
    error_sink sink = {error, error_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) { set_error(error, error_size, "out of memory"); return -1; }
    png_infop pinfo = png_create_info_struct(png);
    png_bytep row = NULL;
    if (!pinfo) { png_destroy_read_struct(&png, NULL, NULL); set_error(error, error_size, "out of memory"); return -1; }
    memory_reader reader = {data, size, 0};
    if (setjmp(png_jmpbuf(png))) {
        free(row);
        png_destroy_read_struct(&png, &pinfo, NULL);
        return -1;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    png_read_info(png, pinfo);
    int color = png_get_color_type(png, pinfo);
    int depth = png_get_bit_depth(png, pinfo);
    int has_trns = png_get_valid(png, pinfo, PNG_INFO_tRNS) != 0;
    v2w_png_info stored;
    stored.width = (int)png_get_image_width(png, pinfo);
    stored.height = (int)png_get_image_height(png, pinfo);
    stored.bit_depth = depth;
    stored.channels = png_get_channels(png, pinfo);
    if (color == PNG_COLOR_TYPE_PALETTE) stored.channels = has_trns ? 4 : 3;
    stored.has_alpha = (color & PNG_COLOR_MASK_ALPHA) != 0 || has_trns;
    if (info) *info = stored;
    if (!on_row) { png_destroy_read_struct(&png, &pinfo, NULL); return 0; }

    // Expand everything to 8 or 16 bits per sample; keep 16-bit precision.
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (has_trns) png_set_tRNS_to_alpha(png);
    if (want_rgb && (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)) png_set_gray_to_rgb(png);
    if (depth == 16) png_set_swap(png);  // host order (little-endian machines)
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);
    int channels = png_get_channels(png, pinfo);
    int out_depth = png_get_bit_depth(png, pinfo);
    size_t rowbytes = png_get_rowbytes(png, pinfo);
    int width = stored.width, height = stored.height;
    if (passes > 1) {
        // Interlaced: libpng needs the whole image; read it at once.
        png_bytep image = malloc(rowbytes * (size_t)height);
        png_bytepp rows = malloc(sizeof(png_bytep) * (size_t)height);
        if (!image || !rows) { free(image); free(rows); png_destroy_read_struct(&png, &pinfo, NULL); set_error(error, error_size, "out of memory"); return -1; }
        for (int y = 0; y < height; y++) rows[y] = image + rowbytes * (size_t)y;
        row = image;  // freed on error through `row`
        png_read_image(png, rows);
        for (int y = 0; y < height; y++) on_row(context, rows[y], y, width, channels, out_depth);
        free(rows);
    } else {
        row = malloc(rowbytes);
        if (!row) { png_destroy_read_struct(&png, &pinfo, NULL); set_error(error, error_size, "out of memory"); return -1; }
        for (int y = 0; y < height; y++) {
            png_read_row(png, row, NULL);
            on_row(context, row, y, width, channels, out_depth);
        }
    }
    free(row);
    row = NULL;
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &pinfo, NULL);
    return 0;
}

int v2w_png_read_info(const uint8_t *data, size_t size, v2w_png_info *info, char *error, size_t error_size) {
    return decode(data, size, info, 0, NULL, NULL, error, error_size);
}

typedef struct { float *out; } float_target;

static void row_to_float(void *context, const png_bytep row, int y, int width, int channels, int depth) {
    float *out = ((float_target *)context)->out + (size_t)y * (size_t)width * (size_t)channels;
    size_t n = (size_t)width * (size_t)channels;
    if (depth == 16) {
        const uint16_t *samples = (const uint16_t *)row;
        for (size_t i = 0; i < n; i++) out[i] = samples[i] * (1.0f / 65535.0f);
    } else {
        for (size_t i = 0; i < n; i++) out[i] = row[i] * (1.0f / 255.0f);
    }
}

int v2w_png_read_rgb_float(const uint8_t *data, size_t size, float *out, size_t out_count,
                           char *error, size_t error_size) {
    v2w_png_info info;
    if (v2w_png_read_info(data, size, &info, error, error_size) != 0) return -1;
    size_t need = (size_t)info.width * (size_t)info.height * (info.has_alpha ? 4u : 3u);
    if (out_count < need) { set_error(error, error_size, "output buffer too small"); return -1; }
    float_target target = {out};
    return decode(data, size, NULL, 1, &target, row_to_float, error, error_size);
}

typedef struct { uint16_t *out; } gray_target;

static void row_to_gray16(void *context, const png_bytep row, int y, int width, int channels, int depth) {
    uint16_t *out = ((gray_target *)context)->out + (size_t)y * (size_t)width;
    for (int x = 0; x < width; x++) {
        out[x] = depth == 16 ? ((const uint16_t *)row)[(size_t)x * channels] : (uint16_t)(row[(size_t)x * channels] * 257);
    }
}

int v2w_png_read_gray16(const uint8_t *data, size_t size, uint16_t *out, size_t out_count,
                        char *error, size_t error_size) {
    v2w_png_info info;
    if (v2w_png_read_info(data, size, &info, error, error_size) != 0) return -1;
    if (out_count < (size_t)info.width * (size_t)info.height) { set_error(error, error_size, "output buffer too small"); return -1; }
    gray_target target = {out};
    return decode(data, size, NULL, 0, &target, row_to_gray16, error, error_size);
}

int v2w_png_write(const char *path, const void *pixels, int width, int height, int channels,
                  int bit_depth, char *error, size_t error_size) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || width <= 0 || height <= 0) {
        set_error(error, error_size, "unsupported PNG layout");
        return -1;
    }
    FILE *file = fopen(path, "wb");
    if (!file) { set_error(error, error_size, "cannot open for writing"); return -1; }
    error_sink sink = {error, error_size};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    png_infop pinfo = png ? png_create_info_struct(png) : NULL;
    if (!png || !pinfo) { png_destroy_write_struct(&png, NULL); fclose(file); set_error(error, error_size, "out of memory"); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &pinfo);
        fclose(file);
        return -1;
    }
    png_init_io(png, file);
    // Fast filtering and moderate compression: frames are written by the hundred.
    png_set_compression_level(png, 3);
    png_set_IHDR(png, pinfo, (png_uint_32)width, (png_uint_32)height, bit_depth, color_types[channels],
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, pinfo);
    if (bit_depth == 16) png_set_swap(png);
    size_t rowbytes = (size_t)width * (size_t)channels * (size_t)(bit_depth / 8);
    for (int y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)pixels + rowbytes * (size_t)y);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &pinfo);
    if (fclose(file) != 0) { set_error(error, error_size, "write failed (disk full?)"); return -1; }
    return 0;
}
