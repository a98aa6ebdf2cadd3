import { describe, expect, it } from 'vitest';
import { SparkFrameRequests, type SparkSortState } from '../../../src/renderer/src/components/viewport/spark-frame-requests';

/**
 * A stand-in for Spark's renderer with its real dirtiness rule (onDirty fires only on a clean → dirty change) and its
 * update sequence: generate (sortDirty, dirty) → sort (sorting) → sorted (dirty).
 */
class FakeSpark implements SparkSortState {
  sorting = false;
  sortDirty = false;
  dirty = false;
  onDirty: () => void = () => undefined;
  updates = 0;

  setDirty() {
    if (!this.dirty) {
      this.dirty = true;
      this.onDirty();
    }
  }
  /** SparkRenderer.update up to the sort: generate, then the sort starts. */
  async update() {
    this.updates++;
    this.sortDirty = true;
    this.setDirty();
    this.sorting = true;
    this.sortDirty = false;
  }
  finishSort() {
    this.sorting = false;
    this.setDirty();
  }
  /** What a rendered frame does to the flag (SparkRenderer.onBeforeRender). */
  frameDrawn() {
    this.dirty = false;
  }
}

function setup() {
  const spark = new FakeSpark();
  const log: string[] = [];
  const frames = new SparkFrameRequests(
    spark,
    () => spark.update(),
    () => {
      log.push('frame');
      spark.frameDrawn();
    },
    () => log.push('sorted'),
  );
  spark.onDirty = () => frames.dirty();
  return { spark, frames, log };
}

describe('SparkFrameRequests', () => {
  it('generates and sorts a new mesh at once and asks for one frame when the sort is done', () => {
    const { spark, frames, log } = setup();
    frames.meshMounted();
    expect(spark.updates).toBe(1);
    expect(log).toEqual([]);
    spark.finishSort();
    expect(log).toEqual(['sorted', 'frame']);
  });

  it('skips the stale result of a sort that was running when a newer mesh came, and sorts the newer one', () => {
    const { spark, frames, log } = setup();
    frames.meshMounted();
    frames.meshMounted();
    expect(spark.updates).toBe(1);
    spark.finishSort();
    expect(log).toEqual([]);
    expect(spark.updates).toBe(2);
    spark.finishSort();
    expect(log).toEqual(['sorted', 'frame']);
  });

  it('asks for a frame whenever a sort finishes, e.g. after the camera moved', () => {
    const { spark, frames, log } = setup();
    frames.meshMounted();
    spark.finishSort();
    spark.sorting = true;
    spark.finishSort();
    expect(log).toEqual(['sorted', 'frame', 'frame']);
  });
});
