import { join } from 'node:path';
import type { PackComponent, PackDescription } from './model-pack';
import { modelPackError } from './model-pack-error';
import { fixedDim } from './onnx-metadata';
import { VaeConfig } from './pack-configs';
import { resolveVaeIo, type UnetIo, type VaeIo } from './pack-io';
import { readConfig } from './pack-json';

export type VaeEncoderLayout = 'latent_sample' | 'latent_parameters';

export interface VaeEncoderIo extends VaeIo {
  /** `latent_sample`: C channels, used as is; `latent_parameters`: 2C channels, mean ‖ log-variance (Kiln takes the mean). */
  layout: VaeEncoderLayout;
  latentChannels: number;
}

/** The VAE encoder's output layout, from its declared channel count against latent_channels (the name breaks ties). */
function vaeEncoderLayout(file: string, io: VaeIo, latentChannels: number): VaeEncoderLayout {
  const declared = fixedDim(io.output, 1);
  const named = io.output.name === 'latent_parameters' ? 'latent_parameters' : io.output.name === 'latent_sample' ? 'latent_sample' : undefined;
  if (declared === undefined) return named ?? 'latent_sample';
  const byCount = declared === latentChannels ? 'latent_sample' : declared === 2 * latentChannels ? 'latent_parameters' : undefined;
  if (!byCount || (named && named !== byCount)) {
    throw modelPackError(
      file,
      `output "${io.output.name}" has ${declared} channels; with ${latentChannels} latent channels Kiln expects "latent_sample" with ${latentChannels} or "latent_parameters" (mean ‖ log-variance) with ${2 * latentChannels}`,
    );
  }
  return byCount;
}

/** The VAE's config and models, checked against the UNet's latents; `latent` is false for pixel-space packs. */
export function resolveVae(dir: string, pack: Pick<PackDescription, 'onnxFiles' | 'headers' | 'manifest'>, unet: UnetIo, isSdxl: boolean) {
  const { onnxFiles, headers, manifest } = pack;
  const unetFile = onnxFiles.unet!;
  const vaeConfig = readConfig(dir, onnxFiles.vae_decoder ? 'vae_decoder' : 'vae_encoder', VaeConfig);
  const names = (c: PackComponent) => manifest.tensorNames?.[c] ?? {};
  const vaeDecoder = onnxFiles.vae_decoder ? resolveVaeIo(onnxFiles.vae_decoder, headers.vae_decoder!, names('vae_decoder'), ['latent_sample', 'sample']) : undefined;
  const latent = unet.sampleChannels !== 3 || Boolean(vaeDecoder);
  if (latent && !vaeDecoder) throw modelPackError(join(dir, 'vae_decoder', 'model.onnx'), `is missing (the UNet works on ${unet.sampleChannels}-channel latents)`);
  const latentChannels = vaeConfig.latent_channels ?? unet.sampleChannels;
  if (latent && latentChannels !== unet.sampleChannels) {
    throw modelPackError(unetFile, `works on ${unet.sampleChannels}-channel samples but the VAE's config says latent_channels ${latentChannels}`);
  }
  if (vaeDecoder) {
    const channels = fixedDim(vaeDecoder.input, 1);
    if (channels !== undefined && channels !== latentChannels) {
      throw modelPackError(onnxFiles.vae_decoder!, `input "${vaeDecoder.input.name}" has ${channels} channels; the UNet's latents have ${latentChannels}`);
    }
  }
  let vaeEncoder: VaeEncoderIo | undefined;
  if (onnxFiles.vae_encoder && latent) {
    const io = resolveVaeIo(onnxFiles.vae_encoder, headers.vae_encoder!, names('vae_encoder'), ['sample', 'latent']);
    vaeEncoder = { ...io, layout: vaeEncoderLayout(onnxFiles.vae_encoder, io, latentChannels), latentChannels };
  }
  // Only SDXL pipelines honour force_upcast; diffusers writes the flag (default true) into every VAE config it saves,
  // and SD 1.x/2.x VAEs run fine in float16.
  if (isSdxl && vaeConfig.force_upcast) {
    for (const [component, io] of [['vae_decoder', vaeDecoder], ['vae_encoder', vaeEncoder]] as const) {
      if (io && (io.input.type === 'float16' || io.output.type === 'float16')) {
        throw modelPackError(
          onnxFiles[component]!,
          'is float16, but the VAE config says force_upcast (this VAE overflows in float16, as SDXL\'s does): export the VAE in float32 (docs/model-packs.md) or use an fp16-safe VAE and set force_upcast to false',
        );
      }
    }
  }

  return { vaeConfig, vaeDecoder, vaeEncoder, latent };
}

/** The VAE's spatial downsampling: from fixed dims when the decoder has them, else its config's block count. */
export function downsampleFactor(decoder: VaeIo, config: VaeConfig): number {
  const out = fixedDim(decoder.output, 2);
  const inp = fixedDim(decoder.input, 2);
  if (out !== undefined && inp !== undefined) return out / inp;
  return config.block_out_channels ? 2 ** (config.block_out_channels.length - 1) : 8;
}
