/**
 * A worker's uploads to the studio, one after another in the order the run made them (a snapshot's row never
 * overtakes the one before). The first failure stops the queue: later tasks are skipped and `drain` throws it.
 */
export class UploadQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly onFailure: (err: Error) => void) {}

  get failed(): boolean {
    return this.failure !== undefined;
  }

  push(task: () => Promise<void>): void {
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await task();
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
        this.onFailure(this.failure);
      }
    });
  }

  /** Waits for every upload; throws the first failure. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}
