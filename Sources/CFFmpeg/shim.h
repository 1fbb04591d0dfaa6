// FFmpeg (libavformat, libavcodec, libswscale, libavutil); include paths come from pkg-config.
// The inline helpers below expose what Swift cannot import directly: function-like macros and
// APIs that moved between FFmpeg versions (stream side data moved to codecpar in 6.1).
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <errno.h>
#include <math.h>
#include <string.h>

static inline int v2w_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int v2w_averror_eof(void) { return AVERROR_EOF; }
static inline int v2w_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int64_t v2w_nopts(void) { return AV_NOPTS_VALUE; }

/// Human-readable FFmpeg error text into `buffer`.
static inline void v2w_error_string(int code, char *buffer, size_t size) { av_strerror(code, buffer, size); }

static inline const uint8_t *v2w_stream_display_matrix(const AVStream *stream) {
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    const AVPacketSideData *sd = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                         stream->codecpar->nb_coded_side_data,
                                                         AV_PKT_DATA_DISPLAYMATRIX);
    return sd && sd->size >= 36 ? sd->data : NULL;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return size >= 36 ? data : NULL;
#endif
}

/// Clockwise rotation in degrees (0, 90, 180 or 270) that shows the stream upright, from its
/// display matrix (what phones record for portrait video); 0 when there is none.
static inline int v2w_stream_rotation(const AVStream *stream) {
    const uint8_t *matrix = v2w_stream_display_matrix(stream);
    if (!matrix) return 0;
    double ccw = av_display_rotation_get((const int32_t *)matrix);
    if (isnan(ccw)) return 0;
    long clockwise = lround(-ccw);
    clockwise = ((clockwise % 360) + 360) % 360;
    return (int)(((clockwise + 45) / 90 % 4) * 90);
}

/// Attaches a display matrix asking players to rotate the stream clockwise by `clockwise` degrees.
/// The MP4 muxer stores the side-data matrix transposed relative to what the demuxer exports, so the
/// angle is set with the opposite sign of `v2w_stream_rotation` (checked against the ffmpeg tool's
/// autorotation in MediaTests).
static inline int v2w_stream_set_rotation(AVStream *stream, int clockwise) {
    int32_t matrix[9];
    av_display_rotation_set(matrix, (double)clockwise);
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
    AVPacketSideData *sd = av_packet_side_data_new(&stream->codecpar->coded_side_data,
                                                   &stream->codecpar->nb_coded_side_data,
                                                   AV_PKT_DATA_DISPLAYMATRIX, sizeof(matrix), 0);
    if (!sd) return AVERROR(ENOMEM);
    memcpy(sd->data, matrix, sizeof(matrix));
    return 0;
#else
    uint8_t *data = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, sizeof(matrix));
    if (!data) return AVERROR(ENOMEM);
    memcpy(data, matrix, sizeof(matrix));
    return 0;
#endif
}
