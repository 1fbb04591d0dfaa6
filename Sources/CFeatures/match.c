// Nearest-neighbour bookkeeping over blocks of a descriptor similarity matrix.
#include "CFeatures.h"

void v2w_scan_similarities(const float *similarity, int rows, int cols, int row_offset,
                           int32_t *best, float *best_value, float *second_value,
                           int32_t *column_best_row, float *column_best_value) {
    for (int r = 0; r < rows; r++) {
        const float *s = similarity + (size_t)r * cols;
        float b1 = -3.0e38f, b2 = -3.0e38f;
        int index = -1;
        for (int c = 0; c < cols; c++) {
            const float v = s[c];
            if (v > b1) { b2 = b1; b1 = v; index = c; }
            else if (v > b2) b2 = v;
            if (v > column_best_value[c]) { column_best_value[c] = v; column_best_row[c] = row_offset + r; }
        }
        best[r] = index;
        best_value[r] = b1;
        second_value[r] = b2;
    }
}
