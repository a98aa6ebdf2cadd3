/**
 * A foreground segmentation model (an ONNX segmentation pack, docs/reference-images.md#segmentation-packs): given an
 * opaque photo, the probability that each pixel belongs to the object.
 */
export interface ForegroundSegmenter {
  /** Shown with the mask ("segmented by <name>"). */
  readonly name: string;
  /** `rgba`: H×W×4, 16-bit sRGB values (alpha ignored), as decoded; returns H×W in [0, 1]. */
  segment(rgba: Uint16Array, width: number, height: number): Promise<Float32Array>;
  close(): Promise<void>;
}
