import { payloadBytes, type PayloadRef, type ViewPayload } from './view-payload';

/** Keeps decoded snapshot payloads by blob hash, so scrubbing back and forth never refetches or re-decodes. */
export class SnapshotPayloadCache {
  private readonly ready = new Map<string, ViewPayload>();
  private readonly pending = new Map<string, Promise<ViewPayload>>();
  private bytes = 0;

  constructor(
    private readonly load: (ref: PayloadRef) => Promise<ViewPayload>,
    /** Packed splats are 16 bytes each: 96 MiB holds about 120 snapshots of 50k Gaussians. */
    private readonly capacityBytes = 96 * 1024 * 1024,
  ) {}

  /** The payload if it is already decoded (marks it recently used). */
  peek(blob: string): ViewPayload | undefined {
    const hit = this.ready.get(blob);
    if (hit) {
      this.ready.delete(blob);
      this.ready.set(blob, hit);
    }
    return hit;
  }

  get(ref: PayloadRef): Promise<ViewPayload> {
    const { blob } = ref;
    const hit = this.peek(blob);
    if (hit) return Promise.resolve(hit);
    let inFlight = this.pending.get(blob);
    if (!inFlight) {
      inFlight = this.load(ref).then(
        (payload) => {
          this.pending.delete(blob);
          this.insert(blob, payload);
          return payload;
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
  prefetch(refs: readonly PayloadRef[]): void {
    for (const ref of refs) if (!this.ready.has(ref.blob)) this.get(ref).catch(() => undefined);
  }

  /** Number of decoded payloads held. */
  get size(): number {
    return this.ready.size;
  }

  private insert(blob: string, payload: ViewPayload): void {
    if (this.ready.has(blob)) return;
    this.ready.set(blob, payload);
    this.bytes += payloadBytes(payload);
    for (const [oldest, entry] of this.ready) {
      if (this.bytes <= this.capacityBytes || oldest === blob) break;
      this.ready.delete(oldest);
      this.bytes -= payloadBytes(entry);
    }
  }
}
