import { z } from 'zod';

/**
 * The fields of the per-component config.json files (diffusers' model configs, which optimum copies beside each
 * model.onnx) that Kiln reads to check a pack before it runs. Every field is optional and unknown fields are
 * ignored: ONNX shapes say the rest, and a field a config lacks is simply not checked.
 */
export const UnetConfig = z.object({
  in_channels: z.number().int().positive().optional(),
  out_channels: z.number().int().positive().optional(),
  /** Latent height/width the UNet was trained at (SD 1.5: 64, SD 2.x 768: 96, SDXL: 128). */
  sample_size: z.number().int().positive().optional(),
  cross_attention_dim: z.number().int().positive().optional(),
  /** "text_time" for SDXL's pooled-text + size conditioning. */
  addition_embed_type: z.string().nullish(),
  /** SDXL: 6 × addition_time_embed_dim + pooled width (2816 for base, 2560 for the refiner's 5 time ids). */
  projection_class_embeddings_input_dim: z.number().int().positive().nullish(),
  addition_time_embed_dim: z.number().int().positive().nullish(),
});
export type UnetConfig = z.infer<typeof UnetConfig>;

export const VaeConfig = z.object({
  latent_channels: z.number().int().positive().optional(),
  scaling_factor: z.number().positive().optional(),
  /** SDXL's VAE overflows in float16; diffusers then runs it in float32. */
  force_upcast: z.boolean().optional(),
  sample_size: z.number().int().positive().optional(),
  block_out_channels: z.array(z.number().int().positive()).optional(),
});
export type VaeConfig = z.infer<typeof VaeConfig>;

export const TextEncoderConfig = z.object({
  hidden_size: z.number().int().positive().optional(),
  num_hidden_layers: z.number().int().positive().optional(),
  projection_dim: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive().optional(),
});
export type TextEncoderConfig = z.infer<typeof TextEncoderConfig>;
