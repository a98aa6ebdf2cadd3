import { SparkRenderer, type SparkRendererOptions } from '@sparkjsdev/spark';
import { sortUnlessContextLost } from './spark-teardown';

/** What this reaches of Spark's renderer beyond its typed API (its sort step is declared private). */
interface SparkSortStep {
  driveSort(): Promise<void>;
}

/** Spark's renderer with one teardown case handled: a depth readback cut off by the canvas losing its WebGL context. */
export class StudioSparkRenderer extends SparkRenderer {
  constructor(options: SparkRendererOptions) {
    super(options);
    // Spark starts sorts from several places (a frame, a timer, the end of the previous sort), all through this
    // method: replacing it on the instance covers each of them.
    const step = this as unknown as SparkSortStep;
    const sort = step.driveSort.bind(this);
    step.driveSort = () =>
      sortUnlessContextLost(
        sort,
        () => this.renderer.getContext().isContextLost(),
        () => {
          // Spark leaves this set when its sort throws; clearing it lets the viewport dispose the renderer.
          this.sorting = false;
        },
      );
  }
}
