// OBJ + MTL loading through tinyobjloader, flattened into per-corner float arrays for Swift.
#include "CGeometry.h"

#include <tiny_obj_loader.h>

#include <cstring>
#include <new>
#include <string>

struct V2WObjMesh {
    tinyobj::ObjReader reader;
    int32_t triangle_count = 0;
};

namespace {

// Copies `text` into a caller buffer, always NUL-terminating; returns the full length.
int32_t copy_text(const std::string &text, char *out, int32_t capacity) {
    if (out != nullptr && capacity > 0) {
        size_t n = text.size() < size_t(capacity - 1) ? text.size() : size_t(capacity - 1);
        std::memcpy(out, text.data(), n);
        out[n] = '\0';
    }
    return int32_t(text.size());
}

}  // namespace

extern "C" V2WObjMesh *v2w_obj_load(const char *path, char *message, int32_t capacity) {
    auto *mesh = new (std::nothrow) V2WObjMesh();
    if (mesh == nullptr) {
        copy_text("out of memory", message, capacity);
        return nullptr;
    }
    tinyobj::ObjReaderConfig config;
    config.triangulate = true;
    config.vertex_color = true;
    std::string file(path);
    size_t slash = file.find_last_of('/');
    config.mtl_search_path = slash == std::string::npos ? std::string("./") : file.substr(0, slash + 1);
    if (!mesh->reader.ParseFromFile(file, config)) {
        std::string reason = mesh->reader.Error();
        copy_text(reason.empty() ? std::string("could not parse the OBJ file") : reason, message, capacity);
        delete mesh;
        return nullptr;
    }
    int64_t triangles = 0;
    for (const auto &shape : mesh->reader.GetShapes()) {
        for (unsigned char corners : shape.mesh.num_face_vertices) {
            if (corners != 3) {
                copy_text("a face did not triangulate into triangles", message, capacity);
                delete mesh;
                return nullptr;
            }
            triangles += 1;
        }
    }
    if (triangles > INT32_MAX / 9) {
        copy_text("too many triangles", message, capacity);
        delete mesh;
        return nullptr;
    }
    mesh->triangle_count = int32_t(triangles);
    return mesh;
}

extern "C" void v2w_obj_counts(const V2WObjMesh *mesh, V2WObjCounts *counts) {
    const auto &attrib = mesh->reader.GetAttrib();
    counts->triangle_count = mesh->triangle_count;
    counts->material_count = int32_t(mesh->reader.GetMaterials().size());
    counts->has_normals = attrib.normals.empty() ? 0 : 1;
    counts->has_texcoords = attrib.texcoords.empty() ? 0 : 1;
}

extern "C" int32_t v2w_obj_warning(const V2WObjMesh *mesh, char *message, int32_t capacity) {
    return copy_text(mesh->reader.Warning(), message, capacity);
}

extern "C" void v2w_obj_fill_triangles(const V2WObjMesh *mesh, float *positions, float *normals,
                                       float *texcoords, float *colors, int32_t *materials) {
    const auto &attrib = mesh->reader.GetAttrib();
    const size_t vertex_count = attrib.vertices.size() / 3;
    const size_t normal_count = attrib.normals.size() / 3;
    const size_t texcoord_count = attrib.texcoords.size() / 2;
    const bool has_colors = attrib.colors.size() == attrib.vertices.size();
    size_t corner = 0, triangle = 0;
    for (const auto &shape : mesh->reader.GetShapes()) {
        const auto &indices = shape.mesh.indices;
        for (size_t face = 0; face < shape.mesh.num_face_vertices.size(); ++face) {
            for (int k = 0; k < 3; ++k, ++corner) {
                const tinyobj::index_t &index = indices[face * 3 + k];
                // tinyobjloader already resolved negative (relative) indices; bad ones stay out of range.
                const bool vertex_ok = index.vertex_index >= 0 && size_t(index.vertex_index) < vertex_count;
                for (int c = 0; c < 3; ++c) {
                    if (positions)
                        positions[corner * 3 + c] = vertex_ok ? attrib.vertices[index.vertex_index * 3 + c] : 0.0f;
                    if (colors)
                        colors[corner * 3 + c] = (vertex_ok && has_colors) ? attrib.colors[index.vertex_index * 3 + c] : 1.0f;
                    if (normals) {
                        const bool ok = index.normal_index >= 0 && size_t(index.normal_index) < normal_count;
                        normals[corner * 3 + c] = ok ? attrib.normals[index.normal_index * 3 + c] : 0.0f;
                    }
                }
                if (texcoords) {
                    const bool ok = index.texcoord_index >= 0 && size_t(index.texcoord_index) < texcoord_count;
                    texcoords[corner * 2 + 0] = ok ? attrib.texcoords[index.texcoord_index * 2 + 0] : 0.0f;
                    texcoords[corner * 2 + 1] = ok ? attrib.texcoords[index.texcoord_index * 2 + 1] : 0.0f;
                }
            }
            if (materials) {
                const auto &ids = shape.mesh.material_ids;
                materials[triangle] = face < ids.size() ? ids[face] : -1;
            }
            ++triangle;
        }
    }
}

extern "C" int32_t v2w_obj_material(const V2WObjMesh *mesh, int32_t index, float diffuse[3],
                                    char *texture, int32_t capacity) {
    const auto &materials = mesh->reader.GetMaterials();
    if (index < 0 || size_t(index) >= materials.size()) return -1;
    const auto &material = materials[size_t(index)];
    for (int c = 0; c < 3; ++c) diffuse[c] = float(material.diffuse[c]);
    int32_t length = copy_text(material.diffuse_texname, texture, capacity);
    return length < capacity ? 0 : -1;
}

extern "C" void v2w_obj_free(V2WObjMesh *mesh) { delete mesh; }
