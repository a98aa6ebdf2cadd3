import { describe, expect, it } from 'vitest';
import { ignoreSparkTeardownRejections, sortUnlessContextLost, type RejectionEvents } from '../../../src/renderer/src/components/viewport/spark-teardown';

function rejection(target: EventTarget, reason: unknown): boolean {
  const event = Object.assign(new Event('unhandledrejection', { cancelable: true }), { reason });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('ignoreSparkTeardownRejections', () => {
  it("swallows only Spark's worker-termination rejection", () => {
    const target = new EventTarget();
    ignoreSparkTeardownRejections(target as unknown as RejectionEvents);
    expect(rejection(target, new Error('Worker terminate'))).toBe(true);
    expect(rejection(target, new Error('Worker terminated unexpectedly'))).toBe(false);
    expect(rejection(target, 'Worker terminate')).toBe(false);
    expect(rejection(target, new TypeError('x is undefined'))).toBe(false);
  });
});

describe('sortUnlessContextLost', () => {
  const run = (outcome: () => Promise<void>, contextLost: boolean) => {
    let lost = 0;
    const done = sortUnlessContextLost(outcome, () => contextLost, () => lost++);
    return { done, lost: () => lost };
  };

  it('ends quietly when the readback rejects without a reason because the WebGL context is gone', async () => {
    const sort = run(() => Promise.reject(undefined), true);
    await expect(sort.done).resolves.toBeUndefined();
    expect(sort.lost()).toBe(1);
  });

  it('rethrows a reasonless rejection while the context is alive, and any real error', async () => {
    const alive = run(() => Promise.reject(undefined), false);
    await expect(alive.done).rejects.toBeUndefined();
    expect(alive.lost()).toBe(0);
    const failed = run(() => Promise.reject(new Error('No target')), true);
    await expect(failed.done).rejects.toThrow('No target');
    expect(failed.lost()).toBe(0);
  });

  it('passes a finished sort through', async () => {
    const sort = run(() => Promise.resolve(), true);
    await expect(sort.done).resolves.toBeUndefined();
    expect(sort.lost()).toBe(0);
  });
});
