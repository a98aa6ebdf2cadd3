import { fromWireError, KilnError, type WireError } from '../../shared/errors';
import { sha256Hex } from '../store/blob-store';
import { FARM_AUTH_HEADER, JOB_KEY_HEADER, signFarmRequest } from './farm-auth';
import { FARM_PREFIX, FarmReply, ResumePoint, type SnapshotUpload, type StatusReport } from './farm-wire';

/** Tries per call for a studio that does not answer or answers 5xx (it may be restarting): about 30 s in all. */
const ATTEMPTS = 7;
const FIRST_BACKOFF_MS = 250;

/** A worker's HTTP client of the studio that owns its job's run: signed with the farm token, keyed to that run. */
export class StudioClient {
  constructor(
    private readonly studioUrl: string,
    private readonly token: string,
    private readonly runId: string,
    private readonly jobKey: string,
  ) {}

  async resumePoint(): Promise<ResumePoint> {
    return ResumePoint.parse(await (await this.call('GET', '')).json());
  }

  async hasBlob(hash: string): Promise<boolean> {
    return (await this.call('HEAD', `/blobs/${hash}`, undefined, [404])).status === 200;
  }

  async putBlob(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    if (!(await this.hasBlob(hash))) await this.call('PUT', `/blobs/${hash}`, bytes);
    return hash;
  }

  async getBlob(hash: string): Promise<Buffer> {
    const bytes = Buffer.from(await (await this.call('GET', `/blobs/${hash}`)).arrayBuffer());
    if (sha256Hex(bytes) !== hash) throw new Error(`blob ${hash} arrived damaged from ${this.studioUrl}`);
    return bytes;
  }

  async addSnapshot(upload: SnapshotUpload): Promise<FarmReply> {
    return FarmReply.parse(await (await this.call('POST', '/snapshots', upload)).json());
  }

  async report(report: StatusReport): Promise<FarmReply> {
    return FarmReply.parse(await (await this.call('POST', '/status', report)).json());
  }

  /**
   * One request, retried with backoff while the studio cannot be reached or fails (5xx); a refusal (4xx) is final
   * and thrown as the studio's KilnError.
   */
  private async call(method: string, suffix: string, body?: Uint8Array | object, accepted: number[] = []): Promise<Response> {
    const path = `${FARM_PREFIX}${this.runId}${suffix}`;
    const binary = body instanceof Uint8Array;
    let lastProblem = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
      let res: Response;
      try {
        res = await fetch(new URL(path, this.studioUrl), {
          method,
          headers: {
            [FARM_AUTH_HEADER]: signFarmRequest(this.token, method, path),
            [JOB_KEY_HEADER]: this.jobKey,
            ...(body === undefined ? {} : { 'content-type': binary ? 'application/octet-stream' : 'application/json' }),
          },
          body: body === undefined ? undefined : binary ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
        });
      } catch (err) {
        lastProblem = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
        continue;
      }
      if (res.ok || accepted.includes(res.status)) return res;
      const error = await wireError(res);
      if (res.status < 500) throw fromWireError(error);
      lastProblem = `${res.status} ${error.message}`;
    }
    throw new KilnError('internal', `the studio at ${this.studioUrl} did not take ${method} ${path} after ${ATTEMPTS} tries: ${lastProblem}`);
  }
}

async function wireError(res: Response): Promise<WireError> {
  try {
    const body = (await res.json()) as { error?: WireError };
    if (body.error) return body.error;
  } catch {
    // not JSON
  }
  return { code: res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : 'internal', message: `HTTP ${res.status}` };
}
