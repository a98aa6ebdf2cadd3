import { describe, expect, it } from 'vitest';
import { ignoreSparkTeardownRejections, type RejectionEvents } from '../../../src/renderer/src/components/viewport/spark-teardown';

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
