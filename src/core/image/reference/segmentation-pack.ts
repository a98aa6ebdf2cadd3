import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { modelPackError } from '../../diffusion/model-pack-error';
import { describeValues, expectTensor, fixedDim, type TensorInfo } from '../../diffusion/onnx-metadata';
import type { ForegroundSegmenter } from './foreground-segmenter';
import { ushortPixels } from './ushort-pixels';

/**
 * The layouts of background-removal exports Kiln accepts (docs/reference-images.md#segmentation-packs). Each fixes
 * the input resolution, the normalisation x' = (x − mean)/std of RGB in [0, 1], and what the first output holds.
 */
export const SEGMENTATION_LAYOUTS = {
  /** U²-Net (rembg's u2net/u2netp exports): 320², ImageNet statistics, a probability map (sigmoid inside). */
  u2net: { resolution: 320, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], output: 'probability', rescaleOutput: true },
  /** ISNet / BRIA RMBG-1.4: 1024², mean 0.5, std 1, a probability map. */
  isnet: { resolution: 1024, mean: [0.5, 0.5, 0.5], std: [1, 1, 1], output: 'probability', rescaleOutput: true },
  /** BiRefNet / BRIA RMBG-2.0: 1024², ImageNet statistics, logits. */
  birefnet: { resolution: 1024, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], output: 'logits', rescaleOutput: false },
} as const;

const Rgb = z.tuple([z.number(), z.number(), z.number()]);

/** kiln.json of a segmentation pack: a layout, and any field of it overridden for a variant export. */
export const SegmentationManifest = z.object({
  kind: z.literal('segmentation'),
  layout: z.enum(['u2net', 'isnet', 'birefnet']),
  resolution: z.number().int().min(8).max(4096).optional(),
  mean: Rgb.optional(),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(),
  output: z.enum(['probability', 'logits']).optional(),
  /** Stretch the map to [0, 1] (min–max), as rembg does for U²-Net and ISNet. */
  rescaleOutput: z.boolean().optional(),
  name: z.string().optional(),
});
export type SegmentationManifest = z.infer<typeof SegmentationManifest>;

interface SegmentationIo {
  input: TensorInfo;
  output: TensorInfo;
  resolution: number;
}

/** Checks the model's tensors against the layout: one image input [N, 3, R, R], a first output [N, 1, R, R] or [N, R, R]. */
function checkIo(file: string, inputs: TensorInfo[], outputs: TensorInfo[], resolution: number): SegmentationIo {
  if (inputs.length !== 1) throw modelPackError(file, `has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a segmentation model takes one image`);
  const input = expectTensor(file, inputs[0], 'image input', 4);
  if (input.type !== 'float32') throw modelPackError(file, `image input "${input.name}" has type ${input.type}; expected float32`);
  const channels = fixedDim(input, 1);
  if (channels !== undefined && channels !== 3) throw modelPackError(file, `image input "${input.name}" has shape [${input.shape.join(', ')}]; expected 3 channels (RGB) on axis 1`);
  const [h, w] = [fixedDim(input, 2), fixedDim(input, 3)];
  if ((h !== undefined && h !== resolution) || (w !== undefined && w !== resolution)) {
    throw modelPackError(file, `image input "${input.name}" has shape [${input.shape.join(', ')}]; the layout says ${resolution} × ${resolution} (set "resolution" in kiln.json for another size)`);
  }
  const output = outputs[0];
  if (!output || (output.shape.length !== 3 && output.shape.length !== 4)) throw modelPackError(file, `first output ${output ? `"${output.name}" has shape [${output.shape.join(', ')}]` : 'is missing'}; expected a mask [N, 1, H, W] or [N, H, W]`);
  if (output.shape.length === 4 && fixedDim(output, 1) !== undefined && fixedDim(output, 1) !== 1) throw modelPackError(file, `first output "${output.name}" has shape [${output.shape.join(', ')}]; expected one channel on axis 1`);
  return { input, output, resolution };
}

/** Opens a segmentation pack folder (kiln.json + model.onnx) as a ForegroundSegmenter. */
export async function openSegmentationPack(dir: string): Promise<ForegroundSegmenter> {
  const manifestFile = join(dir, 'kiln.json');
  const modelFile = join(dir, 'model.onnx');
  if (!existsSync(manifestFile)) throw modelPackError(dir, 'has no kiln.json; a segmentation pack holds kiln.json ({"kind": "segmentation", "layout": …}) and model.onnx');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw modelPackError(manifestFile, `is not valid JSON (${(err as Error).message})`);
  }
  const parsed = SegmentationManifest.safeParse(raw);
  if (!parsed.success) throw modelPackError(manifestFile, `is not a segmentation pack manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const manifest = parsed.data;
  const preset = SEGMENTATION_LAYOUTS[manifest.layout];
  const layout = {
    resolution: manifest.resolution ?? preset.resolution,
    mean: manifest.mean ?? preset.mean,
    std: manifest.std ?? preset.std,
    output: manifest.output ?? preset.output,
    rescaleOutput: manifest.rescaleOutput ?? preset.rescaleOutput,
  };
  if (!existsSync(modelFile)) throw modelPackError(dir, 'has no model.onnx');

  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(modelFile, { executionProviders: ['cpu'] });
  } catch (err) {
    throw modelPackError(modelFile, `is not a readable ONNX model (onnxruntime: ${(err as Error).message.split('\n')[0]})`);
  }
  const io = checkIo(modelFile, describeValues(session.inputMetadata), describeValues(session.outputMetadata), layout.resolution);
  const R = io.resolution;

  return {
    name: manifest.name ?? `${manifest.layout} (${dir})`,
    close: () => session.release(),
    async segment(rgba: Uint16Array, width: number, height: number): Promise<Float32Array> {
      const { data } = await sharp(rgba, { raw: { width, height, channels: 4 } }).removeAlpha().resize({ width: R, height: R, fit: 'fill' }).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
      const small = ushortPixels(data);
      const x = new Float32Array(3 * R * R);
      for (let p = 0; p < R * R; p++) for (let c = 0; c < 3; c++) x[c * R * R + p] = (small[p * 3 + c]! / 65535 - layout.mean[c]!) / layout.std[c]!;
      const out = await session.run({ [io.input.name]: new ort.Tensor('float32', x, [1, 3, R, R]) }, [io.output.name]);
      const tensor = out[io.output.name]!;
      const values = tensor.data as Float32Array;
      if (values.length !== R * R) throw modelPackError(modelFile, `output "${io.output.name}" has ${values.length} values for a ${R} × ${R} input; expected a ${R} × ${R} mask`);
      const map = Float32Array.from(values, (v) => (layout.output === 'logits' ? 1 / (1 + Math.exp(-v)) : v));
      if (layout.rescaleOutput) {
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of map) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        for (let i = 0; i < map.length; i++) map[i] = hi > lo ? (map[i]! - lo) / (hi - lo) : 0;
      }
      const grey = Uint16Array.from(map, (v) => Math.round(Math.min(1, Math.max(0, v)) * 65535));
      const { data: big } = await sharp(grey, { raw: { width: R, height: R, channels: 1 } }).resize({ width, height, fit: 'fill' }).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
      return Float32Array.from(ushortPixels(big), (v) => v / 65535);
    },
  };
}
