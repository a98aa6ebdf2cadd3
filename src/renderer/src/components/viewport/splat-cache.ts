import type { PackedGaussians } from './splat-packing';

/** Keeps decoded + packed snapshot payloads by blob hash, so scrubbing back and forth never refetches or re-decodes. */
export class PackedSplatCache {
  private readonly ready = new Map<string, PackedGaussians>();
  private readonly pending = new Map<string, Promise<PackedGaussians>>();
  private bytes = 0;

  constructor(
    private readonly load: (blob: string) => Promise<PackedGaussians>,
    /** Packed splats are 16 bytes each: 96 MiB holds about 120 snapshots of 50k Gaussians. */
    private readonly capacityBytes = 96 * 1024 * 1024,
  ) {}

  /** The payload if it is already decoded (marks it recently used). */
  peek(blob: string): PackedGaussians | undefined {
    const hit = this.ready.get(blob);
    if (hit) {
      this.ready.delete(blob);
      this.ready.set(blob, hit);
    }
    return hit;
  }

  get(blob: string): Promise<PackedGaussians> {
    const hit = this.peek(blob);
    if (hit) return Promise.resolve(hit);
    let inFlight = this.pending.get(blob);
    if (!inFlight) {
      inFlight = this.load(blob).then(
        (packed) => {
          this.pending.delete(blob);
          this.insert(blob, packed);
          return packed;
        },
        (err: unknown) => {
          this.pending.delete(blob);
          throw err;
        },
      );
      this.pending.set(blob, inFlight);
    }
    return inFlight;
  }

  /** Loads in the background; failures surface when the payload is actually shown. */
  prefetch(blobs: readonly string[]): void {
    for (const blob of blobs) if (!this.ready.has(blob)) this.get(blob).catch(() => undefined);
  }

  /** Number of decoded payloads held. */
  get size(): number {
    return this.ready.size;
  }

  private insert(blob: string, packed: PackedGaussians): void {
    if (this.ready.has(blob)) return;
    this.ready.set(blob, packed);
    this.bytes += packed.packedArray.byteLength;
    for (const [oldest, entry] of this.ready) {
      if (this.bytes <= this.capacityBytes || oldest === blob) break;
      this.ready.delete(oldest);
      this.bytes -= entry.packedArray.byteLength;
    }
  }
}
