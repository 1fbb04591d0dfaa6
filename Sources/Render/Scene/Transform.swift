import Foundation
import Geometry

/// Object placement: scale, then rotate (about x, then y, then z, in degrees), then translate.
public struct ObjectTransform: Equatable, Sendable {
    public var translation: Vec3
    public var rotationDegrees: Vec3
    public var scale: Vec3

    public init(translation: Vec3 = .zero, rotationDegrees: Vec3 = .zero, scale: Vec3 = Vec3(1, 1, 1)) {
        self.translation = translation; self.rotationDegrees = rotationDegrees; self.scale = scale
    }

    public static let identity = ObjectTransform()

    /// R = Rz · Ry · Rx, so x is applied first.
    public var rotation: Mat3 {
        let r = rotationDegrees * (.pi / 180)
        let rx = Mat3(rows: Vec3(1, 0, 0), Vec3(0, cos(r.x), -sin(r.x)), Vec3(0, sin(r.x), cos(r.x)))
        let ry = Mat3(rows: Vec3(cos(r.y), 0, sin(r.y)), Vec3(0, 1, 0), Vec3(-sin(r.y), 0, cos(r.y)))
        let rz = Mat3(rows: Vec3(cos(r.z), -sin(r.z), 0), Vec3(sin(r.z), cos(r.z), 0), Vec3(0, 0, 1))
        return rz * ry * rx
    }

    public var affine: Affine {
        Affine(linear: rotation * Mat3(diagonal: scale), translation: translation)
    }
}

/// x ↦ linear · x + translation.
public struct Affine: Equatable, Sendable {
    public var linear: Mat3
    public var translation: Vec3

    public init(linear: Mat3, translation: Vec3) { self.linear = linear; self.translation = translation }

    public static let identity = Affine(linear: .identity, translation: .zero)

    public func apply(_ p: Vec3) -> Vec3 { linear * p + translation }

    /// self ∘ inner: apply `inner` first.
    public func composed(with inner: Affine) -> Affine {
        Affine(linear: linear * inner.linear, translation: linear * inner.translation + translation)
    }
}

/// A pose and tint at one time; channels left nil keep following the other keyframes.
public struct Keyframe: Equatable, Sendable {
    public var time: Double
    public var translation: Vec3?
    public var rotationDegrees: Vec3?
    public var scale: Vec3?
    /// Multiplies the material colour.
    public var tint: Vec3?

    public init(time: Double, translation: Vec3? = nil, rotationDegrees: Vec3? = nil, scale: Vec3? = nil, tint: Vec3? = nil) {
        self.time = time; self.translation = translation; self.rotationDegrees = rotationDegrees
        self.scale = scale; self.tint = tint
    }
}

/// A base transform animated by keyframes. Each channel (translation, rotation, scale, tint) is
/// interpolated linearly between the keyframes that set it and held before the first and after
/// the last; a channel no keyframe sets stays at its base value. Rotation interpolates the angles,
/// so a keyframe pair 0° → 720° spins twice.
public struct Animation: Equatable, Sendable {
    public var base: ObjectTransform
    public var keyframes: [Keyframe]

    public init(base: ObjectTransform = .identity, keyframes: [Keyframe] = []) {
        self.base = base
        self.keyframes = keyframes.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
    }

    public static let still = Animation()

    public var isStill: Bool { keyframes.isEmpty }

    public func transform(at time: Double) -> ObjectTransform {
        ObjectTransform(translation: channel(time, base.translation, \.translation),
                        rotationDegrees: channel(time, base.rotationDegrees, \.rotationDegrees),
                        scale: channel(time, base.scale, \.scale))
    }

    public func tint(at time: Double) -> Vec3 { channel(time, Vec3(1, 1, 1), \.tint) }

    private func channel(_ time: Double, _ fallback: Vec3, _ key: KeyPath<Keyframe, Vec3?>) -> Vec3 {
        var previous: (Double, Vec3)?
        for frame in keyframes {
            guard let value = frame[keyPath: key] else { continue }
            if frame.time >= time {
                guard let (t0, v0) = previous, frame.time > t0 else { return value }
                let w = (time - t0) / (frame.time - t0)
                return v0 + (value - v0) * w
            }
            previous = (frame.time, value)
        }
        return previous?.1 ?? fallback
    }
}
