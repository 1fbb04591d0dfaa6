// CGeometry: C++ geometry helpers behind a plain C interface.
// Swift owns every buffer it passes in; the C++ side owns only what a handle holds until freed.
#ifndef CGEOMETRY_H
#define CGEOMETRY_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// ---- Wavefront OBJ loading (tinyobjloader) ----------------------------------------------------

/// A parsed OBJ file (with its MTL); opaque, released with v2w_obj_free.
typedef struct V2WObjMesh V2WObjMesh;

typedef struct {
    int32_t triangle_count;   // after triangulating polygons
    int32_t material_count;   // materials read from the MTL library
    int32_t has_normals;      // 1 when the file carries vn records
    int32_t has_texcoords;    // 1 when the file carries vt records
} V2WObjCounts;

/// Loads `path` and the MTL files it names (looked up beside it). Returns NULL on failure and writes
/// the reason into `message` (NUL-terminated, at most `capacity` bytes). Warnings (e.g. an MTL file
/// that could not be found) are kept on the handle; see v2w_obj_warning.
V2WObjMesh *v2w_obj_load(const char *path, char *message, int32_t capacity);

void v2w_obj_counts(const V2WObjMesh *mesh, V2WObjCounts *counts);

/// Copies the parser's warnings (possibly empty) into `message`; returns the full length.
int32_t v2w_obj_warning(const V2WObjMesh *mesh, char *message, int32_t capacity);

/// Fills per-corner arrays (3 corners per triangle, triangles in file order), each sized by the caller
/// from v2w_obj_counts: positions 9·T, normals 9·T (zero where the corner has no normal),
/// texcoords 6·T (zero where absent), colors 9·T (vertex colours; 1 where the file has none),
/// materials T (material index, -1 for none). Any pointer may be NULL to skip that array.
void v2w_obj_fill_triangles(const V2WObjMesh *mesh, float *positions, float *normals,
                            float *texcoords, float *colors, int32_t *materials);

/// Material `index`: diffuse colour (Kd) and the diffuse texture file name (map_Kd, relative to
/// the OBJ's folder; empty when none), NUL-terminated into `texture` (at most `capacity` bytes).
/// Returns 0, or -1 when the index is out of range or the name does not fit.
int32_t v2w_obj_material(const V2WObjMesh *mesh, int32_t index, float diffuse[3],
                         char *texture, int32_t capacity);

void v2w_obj_free(V2WObjMesh *mesh);

#ifdef __cplusplus
}
#endif

#endif
