/** What a fuzz run found: each case ends in success or a clear error, or it is a failure with its reproduction. */
export interface FuzzTally {
  cases: number;
  /** Case counts by outcome: "ok", an error code ("invalid-request" …), or for the CLI "exit N". */
  outcomes: Record<string, number>;
  failures: string[];
}

export function newTally(): FuzzTally {
  return { cases: 0, outcomes: {}, failures: [] };
}

export function count(tally: FuzzTally, outcome: string): void {
  tally.cases++;
  tally.outcomes[outcome] = (tally.outcomes[outcome] ?? 0) + 1;
}

/** A stack frame in text meant for a person: the sign of an error that escaped the error policy. */
export const STACK_FRAME = /\n\s+at .+[:(]/;

/** Ids and values that exist in the fuzzed home; cases draw from them so they get past "not found". */
export interface FuzzPools {
  projectIds: string[];
  projectNames: string[];
  runIds: string[];
  blobs: string[];
  iterations: number[];
}
