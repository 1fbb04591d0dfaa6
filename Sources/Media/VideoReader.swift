import CFFmpeg
import CMediaSupport
import Foundation
import Reporting

/// Streams the frames of any file libavformat reads (MP4, MOV, MKV, WebM, and still images) as
/// upright RGB pictures with their timestamps. Holds one frame at a time, never the whole video.
public final class VideoReader {
    public let info: VideoInfo
    public let options: VideoReadOptions
    /// Size of the frames this reader returns (upright, after any scaling).
    public let outputWidth: Int
    public let outputHeight: Int

    private let path: String
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var scaler: OpaquePointer?
    private var scalerInput = (width: Int32(0), height: Int32(0), format: Int32(-1))
    private let streamIndex: Int32
    private let timeBase: AVRational
    private let startTime: Int64
    /// Size before rotation, which is what swscale produces.
    private let scaledWidth: Int
    private let scaledHeight: Int
    private var scaledBuffer: [UInt8] = []
    /// swscale's vector code may write a few bytes past the last row (seen with 1080 × 1920
    /// JPEGs: heap corruption), so it writes into this padded buffer, copied out after.
    private var paddedBuffer: [UInt8] = []
    private var decodedCount = 0
    private var emittedCount = 0
    private var firstSelectedIndex: Int?
    private var inputFinished = false
    private var decoderDrained = false
    private var failedPackets = 0
    private var lastError: String?

    public init(url: URL, options: VideoReadOptions = VideoReadOptions()) throws {
        try options.validate()
        try InputFile.check(url)
        path = url.path
        self.options = options
        FFmpeg.silenceLogs()

        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        var status = avformat_open_input(&context, path, nil, nil)
        guard status >= 0, let context else {
            throw VideoReader.openError(path, status)
        }
        format = context
        // From here on `deinit` frees what was allocated, also when the initializer throws.
        status = avformat_find_stream_info(context, nil)
        if status < 0 { throw MediaError.notMedia(path, reason: FFmpeg.message(status)) }

        var decoder: UnsafePointer<AVCodec>? = nil
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        if index == v2w_averror_decoder_not_found() {
            throw MediaError.decodeFailed(path, reason: "this FFmpeg build has no decoder for the video codec")
        }
        guard index >= 0, let decoder else { throw MediaError.noVideoStream(path) }
        streamIndex = index
        let stream = context.pointee.streams[Int(index)]!
        timeBase = stream.pointee.time_base
        startTime = stream.pointee.start_time == v2w_nopts() ? 0 : stream.pointee.start_time

        guard let codecContext = avcodec_alloc_context3(decoder) else {
            throw MediaError.decodeFailed(path, reason: "out of memory")
        }
        codec = codecContext
        avcodec_parameters_to_context(codecContext, stream.pointee.codecpar)
        codecContext.pointee.thread_count = Int32(options.threads)
        codecContext.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        status = avcodec_open2(codecContext, decoder, nil)
        if status < 0 { throw MediaError.decodeFailed(path, reason: FFmpeg.message(status)) }

        info = VideoReader.describe(context, stream: stream, codec: codecContext, path: path)
        guard info.storedWidth > 0, info.storedHeight > 0 else {
            throw MediaError.notMedia(path, reason: "the video stream has no frame size")
        }

        // Output size: the upright frame, scaled so its long side fits `longSide` (never enlarged).
        var width = info.width, height = info.height
        if let longSide = options.longSide, max(width, height) > longSide {
            let scale = Double(longSide) / Double(max(width, height))
            width = max(1, Int((Double(width) * scale).rounded()))
            height = max(1, Int((Double(height) * scale).rounded()))
        }
        outputWidth = width
        outputHeight = height
        let swapped = info.rotation == 90 || info.rotation == 270
        scaledWidth = swapped ? height : width
        scaledHeight = swapped ? width : height

        packet = av_packet_alloc()
        frame = av_frame_alloc()
        if packet == nil || frame == nil { throw MediaError.decodeFailed(path, reason: "out of memory") }

        if let start = options.startSeconds, start > 0 {
            let target = av_rescale_q(Int64(start * Double(AV_TIME_BASE)), AVRational(num: 1, den: AV_TIME_BASE), timeBase) + startTime
            // Seek to the keyframe before `start`; frames before it are decoded and skipped.
            if av_seek_frame(context, index, target, AVSEEK_FLAG_BACKWARD) >= 0 {
                avcodec_flush_buffers(codecContext)
            }
        }
    }

    deinit {
        if scaler != nil { sws_freeContext(scaler) }
        if frame != nil { av_frame_free(&frame) }
        if packet != nil { av_packet_free(&packet) }
        if codec != nil { avcodec_free_context(&codec) }
        if format != nil { avformat_close_input(&format) }
    }

    /// Stream facts without decoding any frame.
    public static func probe(_ url: URL) throws -> VideoInfo { try VideoReader(url: url).info }

    /// The next selected frame as a float RGB image, or nil at the end.
    public func next() throws -> VideoFrame? {
        var bytes: [UInt8] = []
        guard let stamp = try nextRGB8(into: &bytes) else { return nil }
        return VideoFrame(index: stamp.index, time: stamp.time,
                          image: Image(width: outputWidth, height: outputHeight, channels: 3, bytes: bytes))
    }

    /// The next selected frame as packed 8-bit RGB written into `bytes` (resized as needed, so a
    /// caller that reuses one buffer decodes without allocating), or nil at the end.
    public func nextRGB8(into bytes: inout [UInt8]) throws -> (index: Int, time: Double)? {
        if let maxFrames = options.maxFrames, emittedCount >= maxFrames { return nil }
        while let decoded = try decodeNext() {
            let (index, time) = decoded
            if let start = options.startSeconds, time < start - 1e-6 { continue }
            if let end = options.endSeconds, time >= end - 1e-6 { return nil }
            if firstSelectedIndex == nil { firstSelectedIndex = index }
            guard (index - firstSelectedIndex!) % options.step == 0 else { continue }
            try convert(into: &bytes)
            emittedCount += 1
            return (index, time)
        }
        return nil
    }

    /// Decodes the next frame into `frame`; returns its stream index and time.
    private func decodeNext() throws -> (Int, Double)? {
        guard let format, let codec, let packet, let frame else { return nil }
        while true {
            if decoderDrained { return nil }
            let received = avcodec_receive_frame(codec, frame)
            if received >= 0 {
                let pts = frame.pointee.best_effort_timestamp
                let index = decodedCount
                decodedCount += 1
                let time = pts == v2w_nopts() ? Double(index) / max(info.fps, 1e-9)
                                              : FFmpeg.seconds(pts - startTime, timeBase)
                return (index, time)
            }
            if received == FFmpeg.eof {
                decoderDrained = true
                try checkCompleteness()
                return nil
            }
            if received != FFmpeg.eagain {
                // A damaged frame: note it and go on, as players do.
                failedPackets += 1
                lastError = FFmpeg.message(received)
            }
            if inputFinished { continue }
            try Cancellation.check()
            let read = av_read_frame(format, packet)
            if read < 0 {
                if read != FFmpeg.eof {
                    lastError = FFmpeg.message(read)
                    if decodedCount == 0 { throw MediaError.truncated(path, reason: lastError!) }
                }
                inputFinished = true
                avcodec_send_packet(codec, nil)
                continue
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != FFmpeg.eagain {
                failedPackets += 1
                lastError = FFmpeg.message(sent)
            }
        }
    }

    /// A file whose data stops early decodes no frame at all, or far fewer than its index promises.
    private func checkCompleteness() throws {
        if decodedCount == 0 {
            throw MediaError.truncated(path, reason: lastError ?? "no frame could be decoded")
        }
        let limitedByRange = options.startSeconds != nil || options.endSeconds != nil
        if info.frameCountIsExact, !limitedByRange, info.frameCount > 2,
           Double(decodedCount) < 0.9 * Double(info.frameCount) {
            throw MediaError.truncated(path, reason: "decoded \(decodedCount) of \(info.frameCount) frames" +
                                       (lastError.map { " (\($0))" } ?? ""))
        }
    }

    /// Scales the current frame to packed RGB and rotates it upright into `bytes`.
    private func convert(into bytes: inout [UInt8]) throws {
        guard let frame else { return }
        let input = (frame.pointee.width, frame.pointee.height, frame.pointee.format)
        if scaler == nil || input != scalerInput {
            if scaler != nil { sws_freeContext(scaler) }
            let downscaling = Int(input.0) > scaledWidth * 2 || Int(input.1) > scaledHeight * 2
            let flags = downscaling ? SWS_AREA : SWS_BILINEAR
            scaler = sws_getContext(input.0, input.1, AVPixelFormat(rawValue: input.2),
                                    Int32(scaledWidth), Int32(scaledHeight), AV_PIX_FMT_RGB24,
                                    flags, nil, nil, nil)
            guard scaler != nil else {
                throw MediaError.decodeFailed(path, reason: "cannot convert pixel format \(info.pixelFormat) to RGB")
            }
            VideoReader.setColorspace(scaler, frame: frame)
            scalerInput = input
        }
        let rotation = info.rotation
        let count = outputWidth * outputHeight * 3
        if bytes.count != count { bytes = [UInt8](repeating: 0, count: count) }
        let stride = scaledWidth * 3
        if rotation == 0 {
            try scale(into: &bytes, stride: stride)
            return
        }
        if scaledBuffer.count != scaledWidth * scaledHeight * 3 {
            scaledBuffer = [UInt8](repeating: 0, count: scaledWidth * scaledHeight * 3)
        }
        try scale(into: &scaledBuffer, stride: stride)
        scaledBuffer.withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBufferPointer { dst in
                v2w_rotate_u8(src.baseAddress, Int32(scaledWidth), Int32(scaledHeight), Int32(stride), 3,
                              Int32(rotation), dst.baseAddress)
            }
        }
    }

    private func scale(into buffer: inout [UInt8], stride: Int) throws {
        guard let frame else { return }
        if paddedBuffer.count < buffer.count + 256 { paddedBuffer = [UInt8](repeating: 0, count: buffer.count + 256) }
        let height = paddedBuffer.withUnsafeMutableBufferPointer { out -> Int32 in
            var planes: [UnsafeMutablePointer<UInt8>?] = [out.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(stride), 0, 0, 0]
            return withUnsafePointer(to: &frame.pointee.data) { dataTuple in
                withUnsafePointer(to: &frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { data in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { linesize in
                            sws_scale(scaler, data, linesize, 0, frame.pointee.height, &planes, &strides)
                        }
                    }
                }
            }
        }
        if height <= 0 { throw MediaError.decodeFailed(path, reason: "pixel conversion failed") }
        let count = buffer.count
        paddedBuffer.withUnsafeBufferPointer { src in
            buffer.withUnsafeMutableBufferPointer { dst in dst.baseAddress!.update(from: src.baseAddress!, count: count) }
        }
    }

    /// Uses the frame's own matrix (BT.601 / BT.709 ...) and range instead of swscale's default.
    private static func setColorspace(_ scaler: OpaquePointer?, frame: UnsafeMutablePointer<AVFrame>) {
        var table: UnsafeMutablePointer<Int32>? = nil
        var dstTable: UnsafeMutablePointer<Int32>? = nil
        var srcRange: Int32 = 0, dstRange: Int32 = 0, brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
        guard sws_getColorspaceDetails(scaler, &table, &srcRange, &dstTable, &dstRange, &brightness, &contrast, &saturation) >= 0 else { return }
        let space = frame.pointee.colorspace
        let coefficients = space == AVCOL_SPC_UNSPECIFIED ? sws_getCoefficients(SWS_CS_DEFAULT) : sws_getCoefficients(Int32(space.rawValue))
        let fullRange: Int32 = frame.pointee.color_range == AVCOL_RANGE_JPEG ? 1 : srcRange
        sws_setColorspaceDetails(scaler, coefficients, fullRange, dstTable, 1, brightness, contrast, saturation)
    }

    private static func openError(_ path: String, _ status: Int32) -> MediaError {
        let reason = FFmpeg.message(status)
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            let head = handle.readData(ofLength: 12)
            // An MP4/MOV whose index ("moov") never arrived: the download or copy was cut short.
            if head.count >= 8, head[4...7] == Data("ftyp".utf8) {
                return .truncated(path, reason: reason)
            }
        }
        return .notMedia(path, reason: reason)
    }

    private static func describe(_ context: UnsafeMutablePointer<AVFormatContext>, stream: UnsafeMutablePointer<AVStream>,
                                 codec: UnsafeMutablePointer<AVCodecContext>, path: String) -> VideoInfo {
        let parameters = stream.pointee.codecpar!.pointee
        let rotation = Int(v2w_stream_rotation(stream))
        let storedWidth = Int(parameters.width), storedHeight = Int(parameters.height)
        let swapped = rotation == 90 || rotation == 270
        var rate = stream.pointee.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = stream.pointee.r_frame_rate }
        let fps = rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : 0
        var duration = 0.0
        if stream.pointee.duration != v2w_nopts() && stream.pointee.duration > 0 {
            duration = FFmpeg.seconds(stream.pointee.duration, stream.pointee.time_base)
        } else if context.pointee.duration != v2w_nopts() && context.pointee.duration > 0 {
            duration = Double(context.pointee.duration) / Double(AV_TIME_BASE)
        }
        let stored = Int(stream.pointee.nb_frames)
        let count = stored > 0 ? stored : Int((duration * fps).rounded())
        var hasAudio = false
        for i in 0..<Int(context.pointee.nb_streams) where context.pointee.streams[i]!.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
            hasAudio = true
        }
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: parameters.format)).map { String(cString: $0) } ?? "unknown"
        return VideoInfo(
            path: path,
            container: String(cString: context.pointee.iformat.pointee.name),
            codec: String(cString: avcodec_get_name(parameters.codec_id)),
            pixelFormat: pixelFormat,
            storedWidth: storedWidth, storedHeight: storedHeight, rotation: rotation,
            width: swapped ? storedHeight : storedWidth, height: swapped ? storedWidth : storedHeight,
            fps: fps, durationSeconds: duration, frameCount: count, frameCountIsExact: stored > 0,
            hasAudio: hasAudio)
    }
}
