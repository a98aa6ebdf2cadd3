import { Vector3 } from 'three';

/**
 * A camera pose several viewports share (compare's split view): the pane the artist last touched drives it, the
 * others follow. Canvases render on demand, so a moved pose asks every other pane for a frame.
 */
export class CameraLink {
  readonly position = new Vector3();
  readonly target = new Vector3();
  driver: string | null = null;
  private readonly redraws = new Map<string, () => void>();

  /** Registers a pane's "render a frame" callback; returns the unregister function. */
  join(id: string, redraw: () => void): () => void {
    this.redraws.set(id, redraw);
    return () => {
      this.redraws.delete(id);
    };
  }

  /** The driver's pose changed: store it and have every other pane draw it. */
  publish(from: string, position: Vector3, target: Vector3): void {
    if (this.position.equals(position) && this.target.equals(target)) return;
    this.position.copy(position);
    this.target.copy(target);
    for (const [id, redraw] of this.redraws) if (id !== from) redraw();
  }
}
