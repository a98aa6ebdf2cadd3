/**
 * SDXL's micro-conditioning row, time_ids = (original height, original width, crop top, crop left, target height,
 * target width). A Kiln render is a whole, uncropped view made at the pack's native size, so original = target = the
 * native size and the crop is (0, 0): the values SDXL saw for its well-framed, full-resolution training images
 * (diffusers' defaults; docs/model-packs.md). The same row conditions the unconditional and Perp-Neg rows.
 */
export function sdxlTimeIds(imageSize: number): Float32Array {
  return Float32Array.from([imageSize, imageSize, 0, 0, imageSize, imageSize]);
}
