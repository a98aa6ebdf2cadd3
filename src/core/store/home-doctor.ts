import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { KilnError } from '../../shared/errors';
import type { KilnStore } from './kiln-store';

/** One problem `kiln doctor` found, what it means, and what --repair does (or would do) about it. */
export interface DoctorFinding {
  kind: 'database' | 'missing-blob' | 'damaged-blob' | 'orphans';
  problem: string;
  action: string;
}

export interface DoctorReport {
  home: string;
  /** PRAGMA integrity_check's lines ("ok" alone when the database is sound). */
  integrity: string[];
  /** Distinct blobs the database refers to, each read and hashed. */
  checkedBlobs: number;
  findings: DoctorFinding[];
  repaired: boolean;
}

interface BlobUse {
  hash: string;
  table: 'snapshots' | 'assets';
  column: 'payload_blob' | 'checkpoint_blob' | 'thumbnail_blob' | 'blob';
}

/** Damaged blobs are set aside here (never deleted), named by the hash they should have had. */
export function quarantinePath(home: string): string {
  return join(home, 'quarantine');
}

function blobUses(store: KilnStore): BlobUse[] {
  return store.db
    .prepare(
      `SELECT payload_blob AS hash, 'snapshots' AS "table", 'payload_blob' AS "column" FROM snapshots
       UNION ALL SELECT checkpoint_blob, 'snapshots', 'checkpoint_blob' FROM snapshots WHERE checkpoint_blob IS NOT NULL
       UNION ALL SELECT thumbnail_blob, 'snapshots', 'thumbnail_blob' FROM snapshots WHERE thumbnail_blob IS NOT NULL
       UNION ALL SELECT blob, 'assets', 'blob' FROM assets WHERE blob IS NOT NULL`,
    )
    .all() as BlobUse[];
}

/** The blob's state: readable and intact, missing, or damaged (its bytes no longer hash to its name). */
function blobState(store: KilnStore, hash: string): 'ok' | 'missing-blob' | 'damaged-blob' {
  try {
    store.blobs.read(hash);
    return 'ok';
  } catch (err) {
    if (!(err instanceof KilnError)) throw err;
    return err.code === 'not-found' ? 'missing-blob' : 'damaged-blob';
  }
}

/**
 * What --repair does about a bad blob: a snapshot without its splats is dropped; one without its thumbnail or
 * checkpoint keeps its splats (a run whose checkpoint went resumes from its start, to the same result); an export
 * record without its file is dropped. In words for the report, and as one transaction for the repair.
 */
function consequences(uses: BlobUse[]): string {
  const words = uses.map((u) =>
    u.table === 'assets' ? 'drop the export record' : u.column === 'payload_blob' ? 'drop the snapshot' : `clear the snapshot's ${u.column === 'thumbnail_blob' ? 'thumbnail' : 'checkpoint'}`,
  );
  return [...new Set(words)].join(', ');
}

function detachBlob(store: KilnStore, uses: BlobUse[]): void {
  for (const use of uses) {
    if (use.table === 'assets') store.db.prepare('DELETE FROM assets WHERE blob = ?').run(use.hash);
    else if (use.column === 'payload_blob') store.db.prepare('DELETE FROM snapshots WHERE payload_blob = ?').run(use.hash);
    else store.db.prepare(`UPDATE snapshots SET ${use.column} = NULL WHERE ${use.column} = ?`).run(use.hash);
  }
}

/**
 * Scans a Kiln home: the database's integrity, every blob a row refers to (present, and hashing to its name), and
 * blobs nothing refers to. With `repair`, sets damaged blobs aside in quarantine/, detaches bad blobs from their rows
 * and removes orphans older than the sweep's grace period; a damaged database is only reported (restore a backup).
 */
export function examineHome(store: KilnStore, options: { repair?: boolean; now?: number } = {}): DoctorReport {
  const repair = options.repair === true;
  const integrity = (store.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  const findings: DoctorFinding[] = [];
  if (integrity.join() !== 'ok') {
    findings.push({
      kind: 'database',
      problem: `kiln.db fails its integrity check: ${integrity.slice(0, 5).join('; ')}`,
      action: 'none: restore kiln.db from a backup (the blob files can stay)',
    });
  }
  const byHash = new Map<string, BlobUse[]>();
  for (const use of blobUses(store)) byHash.set(use.hash, [...(byHash.get(use.hash) ?? []), use]);
  for (const [hash, uses] of byHash) {
    const state = blobState(store, hash);
    if (state === 'ok') continue;
    const where = store.runs.describeBlobUse(hash) ?? 'no row';
    const file = store.blobs.path(hash);
    findings.push({
      kind: state,
      problem: state === 'missing-blob' ? `blob ${file} is missing (${where})` : `blob ${file} is damaged: its content no longer hashes to its name (${where})`,
      action: `${state === 'damaged-blob' ? `move the file to ${quarantinePath(store.home)}, ` : ''}${consequences(uses)}`,
    });
    if (repair) {
      if (state === 'damaged-blob') {
        mkdirSync(quarantinePath(store.home), { recursive: true });
        renameSync(file, join(quarantinePath(store.home), hash));
      }
      store.db.transaction(() => detachBlob(store, uses)).immediate();
    }
  }
  const orphans = store.blobs.sweep(store.runs.referencedBlobs(), { dryRun: !repair, now: options.now });
  if (orphans.removedBlobs + orphans.removedTemporaries > 0) {
    findings.push({
      kind: 'orphans',
      problem: `${orphans.removedBlobs} blob${orphans.removedBlobs === 1 ? '' : 's'} (${(orphans.removedBytes / 1e6).toFixed(1)} MB) no row refers to, and ${orphans.removedTemporaries} stale temporar${orphans.removedTemporaries === 1 ? 'y' : 'ies'} from interrupted writes`,
      action: 'remove them (files younger than 10 minutes are kept: a running engine may be about to refer to them)',
    });
  }
  return { home: store.home, integrity, checkedBlobs: byHash.size, findings, repaired: repair };
}
