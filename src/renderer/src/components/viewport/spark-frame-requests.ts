/** What this reads and resets of Spark's renderer (public fields of SparkRenderer). */
export interface SparkSortState {
  sorting: boolean;
  sortDirty: boolean;
  dirty: boolean;
}

/**
 * When Spark's work needs a frame, for a canvas that renders on demand. A new payload costs one frame: its mesh is
 * generated and sorted outside any frame (`update`), and only the finished sort asks for the frame that draws it.
 * Without a GPU a 50k-splat frame takes over a second, so a frame spent in between (drawing the previous splats while
 * Spark works) would double the wait.
 */
export class SparkFrameRequests {
  /** A mounted mesh has not been drawn sorted yet. */
  private awaitingSort = false;
  /** A mesh was mounted while an older sort ran; that sort's result is stale and is not drawn. */
  private updateWanted = false;

  constructor(
    private readonly spark: SparkSortState,
    /** Generates and sorts the scene's splats now (SparkRenderer.update). */
    private readonly update: () => Promise<void>,
    /** Asks the canvas for one frame. */
    private readonly redraw: () => void,
    /** Called when the newest mounted mesh is sorted, just before its frame is asked for. */
    private readonly onSorted: () => void = () => undefined,
  ) {}

  /** A new SplatMesh is in the scene. */
  meshMounted(): void {
    this.awaitingSort = true;
    if (this.spark.sorting) this.updateWanted = true;
    else void this.update();
  }

  /** Spark's `onDirty`: it has something new to show, or has generated splats it still has to sort. */
  dirty(): void {
    if (this.spark.sorting || this.spark.sortDirty || this.updateWanted) {
      // Spark reports dirtiness only on a clean → dirty change; staying clean lets the sort's end report again.
      this.spark.dirty = false;
      if (!this.spark.sorting && this.updateWanted) {
        this.updateWanted = false;
        void this.update();
      }
      return;
    }
    if (this.awaitingSort) {
      this.awaitingSort = false;
      this.onSorted();
    }
    this.redraw();
  }
}
