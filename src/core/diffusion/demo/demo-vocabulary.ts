import { BytePairEncoder, END_OF_WORD, END_TOKEN, START_TOKEN, bytesToUnicode, preTokenize } from '../clip-tokenizer';

export interface Vocabulary {
  /** token → id, in id order. */
  vocab: Record<string, number>;
  merges: [string, string][];
}

/**
 * A small CLIP-layout vocabulary in which each given word is one token. Ids 0–511 are CLIP's byte symbols (so any
 * text still tokenizes), then one merged symbol per merge, then the start and end tokens. Merges are learned the way
 * BPE training does, greedily per word: run the merges so far; while the word is not one symbol, append a merge of
 * its first two symbols. An appended merge has the highest rank, so it never changes how earlier words tokenize.
 */
export function buildVocabulary(words: readonly string[]): Vocabulary {
  const bytes = bytesToUnicode();
  const tokens = [...bytes, ...bytes.map((b) => b + END_OF_WORD)];
  const merges: [string, string][] = [];
  const distinct = [...new Set(words.flatMap((w) => preTokenize(w)))];
  for (const word of distinct) {
    for (;;) {
      const symbols = new BytePairEncoder(merges).encodeWord(word);
      if (symbols.length === 1) break;
      const pair: [string, string] = [symbols[0]!, symbols[1]!];
      merges.push(pair);
      if (!tokens.includes(pair[0] + pair[1])) tokens.push(pair[0] + pair[1]);
    }
  }
  tokens.push(START_TOKEN, END_TOKEN);
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  return { vocab, merges };
}

export function mergesText(merges: readonly (readonly [string, string])[]): string {
  return ['#version: 0.2', ...merges.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n';
}
