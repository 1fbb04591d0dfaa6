import CFFmpeg
import Foundation

/// Encodes frames into an MP4 file: H.264 (libx264) where this FFmpeg build has it, else MPEG-4
/// Part 2. Written to a temporary name and renamed by `finish()`; dropped if never finished.
public final class VideoWriter {
    public let url: URL
    public let width: Int
    public let height: Int
    public let fps: Double
    /// The encoder in use ("libx264" or "mpeg4").
    public let encoderName: String

    private let temporary: URL
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var stream: UnsafeMutablePointer<AVStream>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var scaler: OpaquePointer?
    /// The encoder needs even sizes for 4:2:0 chroma; odd sizes are padded by repeating the edge.
    private let encodedWidth: Int
    private let encodedHeight: Int
    private var padded: [UInt8] = []
    private var frameCount: Int64 = 0
    private var finished = false

    /// - Parameters:
    ///   - quality: constant rate factor for H.264 (lower is better; 18 is visually lossless).
    ///   - rotation: clockwise degrees (0/90/180/270) stored as a display matrix, as phones do.
    public init(url: URL, width: Int, height: Int, fps: Double, quality: Int = 18, rotation: Int = 0) throws {
        guard width > 0, height > 0 else { throw MediaError.invalidArgument(url.path, reason: "video size \(width)×\(height) is empty") }
        guard fps > 0, fps.isFinite else { throw MediaError.invalidArgument(url.path, reason: "frame rate \(fps) must be positive") }
        guard [0, 90, 180, 270].contains(rotation) else { throw MediaError.invalidArgument(url.path, reason: "rotation must be 0, 90, 180 or 270") }
        self.url = url
        self.width = width
        self.height = height
        self.fps = fps
        encodedWidth = width + width % 2
        encodedHeight = height + height % 2
        temporary = AtomicFile.temporaryURL(for: url)
        FFmpeg.silenceLogs()

        let encoder = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_MPEG4)
        guard let encoder else { throw MediaError.encodeFailed(url.path, reason: "this FFmpeg build has no H.264 or MPEG-4 encoder") }
        encoderName = String(cString: encoder.pointee.name)

        var context: UnsafeMutablePointer<AVFormatContext>? = nil
        var status = avformat_alloc_output_context2(&context, nil, "mp4", temporary.path)
        guard status >= 0, let context else { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        format = context
        guard let newStream = avformat_new_stream(context, nil), let codecContext = avcodec_alloc_context3(encoder) else {
            throw MediaError.encodeFailed(url.path, reason: "out of memory")
        }
        stream = newStream
        codec = codecContext
        let rate = VideoWriter.rational(fps)
        codecContext.pointee.width = Int32(encodedWidth)
        codecContext.pointee.height = Int32(encodedHeight)
        codecContext.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        codecContext.pointee.time_base = AVRational(num: rate.den, den: rate.num)
        codecContext.pointee.framerate = rate
        codecContext.pointee.gop_size = 60
        codecContext.pointee.colorspace = AVCOL_SPC_BT709
        codecContext.pointee.color_primaries = AVCOL_PRI_BT709
        codecContext.pointee.color_trc = AVCOL_TRC_BT709
        codecContext.pointee.color_range = AVCOL_RANGE_MPEG
        if context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 {
            codecContext.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        }
        if encoderName == "libx264" {
            av_opt_set(codecContext.pointee.priv_data, "preset", "veryfast", 0)
            av_opt_set(codecContext.pointee.priv_data, "crf", String(quality), 0)
        } else {
            codecContext.pointee.bit_rate = Int64(max(400_000, width * height * Int(fps.rounded()) / 4))
        }
        status = avcodec_open2(codecContext, encoder, nil)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        avcodec_parameters_from_context(newStream.pointee.codecpar, codecContext)
        newStream.pointee.time_base = codecContext.pointee.time_base
        newStream.pointee.avg_frame_rate = rate
        if rotation != 0 {
            status = v2w_stream_set_rotation(newStream, Int32(rotation))
            if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        }

        status = avio_open(&context.pointee.pb, temporary.path, AVIO_FLAG_WRITE)
        if status < 0 { throw MediaError.writeFailed(url.path, reason: FFmpeg.message(status)) }
        status = avformat_write_header(context, nil)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }

        guard let newFrame = av_frame_alloc(), let newPacket = av_packet_alloc() else {
            throw MediaError.encodeFailed(url.path, reason: "out of memory")
        }
        frame = newFrame
        packet = newPacket
        newFrame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        newFrame.pointee.width = Int32(encodedWidth)
        newFrame.pointee.height = Int32(encodedHeight)
        status = av_frame_get_buffer(newFrame, 0)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        scaler = sws_getContext(Int32(encodedWidth), Int32(encodedHeight), AV_PIX_FMT_RGB24,
                                Int32(encodedWidth), Int32(encodedHeight), AV_PIX_FMT_YUV420P,
                                SWS_BILINEAR | SWS_ACCURATE_RND, nil, nil, nil)
        guard scaler != nil else { throw MediaError.encodeFailed(url.path, reason: "cannot set up RGB to YUV conversion") }
        VideoWriter.useBT709(scaler)
    }

    deinit {
        if !finished, format != nil {
            if format?.pointee.pb != nil { avio_closep(&format!.pointee.pb) }
            try? FileManager.default.removeItem(at: temporary)
        }
        if scaler != nil { sws_freeContext(scaler) }
        if frame != nil { av_frame_free(&frame) }
        if packet != nil { av_packet_free(&packet) }
        if codec != nil { avcodec_free_context(&codec) }
        if format != nil { avformat_free_context(format) }
    }

    /// Appends one frame (RGB or RGBA; alpha is dropped) of the writer's size.
    public func append(_ image: Image) throws {
        guard image.width == width, image.height == height else {
            throw MediaError.invalidArgument(url.path, reason: "frame is \(image.width)×\(image.height), the video is \(width)×\(height)")
        }
        try append(rgb: image.rgb().bytes())
    }

    /// Appends one frame given as packed 8-bit RGB of the writer's size.
    public func append(rgb bytes: [UInt8]) throws {
        guard !finished else { throw MediaError.encodeFailed(url.path, reason: "the video is already finished") }
        guard bytes.count == width * height * 3 else {
            throw MediaError.invalidArgument(url.path, reason: "frame holds \(bytes.count) bytes, expected \(width * height * 3)")
        }
        guard let frame, let codec else { return }
        let source = padToEven(bytes)
        var status = av_frame_make_writable(frame)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        source.withUnsafeBufferPointer { rgb in
            var planes: [UnsafePointer<UInt8>?] = [rgb.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(encodedWidth * 3), 0, 0, 0]
            withUnsafeMutablePointer(to: &frame.pointee.data) { dataTuple in
                withUnsafeMutablePointer(to: &frame.pointee.linesize) { linesizeTuple in
                    dataTuple.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { data in
                        linesizeTuple.withMemoryRebound(to: Int32.self, capacity: 8) { linesize in
                            _ = sws_scale(scaler, &planes, &strides, 0, Int32(encodedHeight), data, linesize)
                        }
                    }
                }
            }
        }
        frame.pointee.pts = frameCount
        frameCount += 1
        status = avcodec_send_frame(codec, frame)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        try drainPackets()
    }

    /// Flushes the encoder, writes the index and moves the file into place.
    public func finish() throws {
        guard !finished, let format, let codec else { return }
        guard frameCount > 0 else { throw MediaError.encodeFailed(url.path, reason: "no frames were added") }
        var status = avcodec_send_frame(codec, nil)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        try drainPackets()
        status = av_write_trailer(format)
        if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
        status = avio_closep(&format.pointee.pb)
        if status < 0 { throw MediaError.writeFailed(url.path, reason: FFmpeg.message(status)) }
        finished = true
        do { try AtomicFile.replace(url, with: temporary) } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    private func drainPackets() throws {
        guard let codec, let packet, let format, let stream else { return }
        while true {
            let status = avcodec_receive_packet(codec, packet)
            if status == FFmpeg.eagain || status == FFmpeg.eof { return }
            if status < 0 { throw MediaError.encodeFailed(url.path, reason: FFmpeg.message(status)) }
            av_packet_rescale_ts(packet, codec.pointee.time_base, stream.pointee.time_base)
            packet.pointee.stream_index = stream.pointee.index
            let written = av_interleaved_write_frame(format, packet)
            if written < 0 { throw MediaError.writeFailed(url.path, reason: FFmpeg.message(written)) }
        }
    }

    private func padToEven(_ bytes: [UInt8]) -> [UInt8] {
        if encodedWidth == width && encodedHeight == height { return bytes }
        if padded.count != encodedWidth * encodedHeight * 3 { padded = [UInt8](repeating: 0, count: encodedWidth * encodedHeight * 3) }
        for y in 0..<encodedHeight {
            let sy = min(y, height - 1)
            for x in 0..<encodedWidth {
                let sx = min(x, width - 1)
                for c in 0..<3 { padded[(y * encodedWidth + x) * 3 + c] = bytes[(sy * width + sx) * 3 + c] }
            }
        }
        return padded
    }

    private static func useBT709(_ scaler: OpaquePointer?) {
        var srcTable: UnsafeMutablePointer<Int32>? = nil, dstTable: UnsafeMutablePointer<Int32>? = nil
        var srcRange: Int32 = 0, dstRange: Int32 = 0, brightness: Int32 = 0, contrast: Int32 = 0, saturation: Int32 = 0
        guard sws_getColorspaceDetails(scaler, &srcTable, &srcRange, &dstTable, &dstRange, &brightness, &contrast, &saturation) >= 0 else { return }
        let bt709 = sws_getCoefficients(SWS_CS_ITU709)
        sws_setColorspaceDetails(scaler, bt709, 1, bt709, 0, brightness, contrast, saturation)
    }

    /// Frame rates as exact rationals: 29.97 becomes 30000/1001.
    static func rational(_ fps: Double) -> AVRational {
        for base in [1.0, 1001.0] {
            let numerator = fps * base
            if abs(numerator - numerator.rounded()) < 1e-3 * base {
                return AVRational(num: Int32(numerator.rounded()), den: Int32(base))
            }
        }
        return av_d2q(fps, 100_000)
    }
}
