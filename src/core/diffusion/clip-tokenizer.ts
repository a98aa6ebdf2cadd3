import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { modelPackError } from './model-pack-error';
import { jsonSyntaxProblem } from '../fs/json-syntax-problem';

/** CLIP's pre-tokenisation pattern (openai/CLIP simple_tokenizer.py), case-insensitive as there. */
const CLIP_PATTERN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;
export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';
export const END_OF_WORD = '</w>';
export const CLIP_MAX_LENGTH = 77;

/**
 * GPT-2/CLIP's reversible byte → printable-character map: printable Latin-1 bytes map to themselves, the rest to
 * code points from 256 upward, so every byte string becomes a string BPE can work on.
 */
export function bytesToUnicode(): string[] {
  const printable: number[] = [];
  const ranges: [number, number][] = [
    [0x21, 0x7e],
    [0xa1, 0xac],
    [0xae, 0xff],
  ];
  for (const [lo, hi] of ranges) for (let b = lo; b <= hi; b++) printable.push(b);
  const table = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  }
  return table;
}

const BYTE_TO_UNICODE = bytesToUnicode();

/** CLIP's clean-up without ftfy: collapse whitespace, trim, lower-case. */
export function cleanPrompt(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The pre-tokenised words of a prompt, each as its byte-level string. */
export function preTokenize(text: string): string[] {
  const words = cleanPrompt(text).match(CLIP_PATTERN) ?? [];
  const encoder = new TextEncoder();
  return words.map((w) => Array.from(encoder.encode(w), (b) => BYTE_TO_UNICODE[b]!).join(''));
}

/** Parses merges.txt: one "left right" pair per line, rank = line order, the "#version" header skipped. */
export function parseMerges(text: string): [string, string][] {
  const merges: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#version') || line.trim() === '') continue;
    const parts = line.replace(/\r$/, '').split(' ');
    if (parts.length !== 2) throw new Error(`bad merges line "${line}"`);
    merges.push([parts[0]!, parts[1]!]);
  }
  return merges;
}

/** Byte-pair encoding of one pre-tokenised word with CLIP's end-of-word marker on the last symbol. */
export class BytePairEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, string[]>();

  constructor(merges: readonly (readonly [string, string])[]) {
    merges.forEach(([a, b], rank) => {
      const key = `${a} ${b}`;
      if (!this.ranks.has(key)) this.ranks.set(key, rank);
    });
  }

  encodeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const chars = Array.from(word);
    let symbols = [...chars.slice(0, -1), chars[chars.length - 1]! + END_OF_WORD];
    while (symbols.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const first = symbols[best]!;
      const second = symbols[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === first && symbols[i + 1] === second) {
          merged.push(first + second);
          i++;
        } else {
          merged.push(symbols[i]!);
        }
      }
      symbols = merged;
    }
    this.cache.set(word, symbols);
    return symbols;
  }
}

export interface TokenizedPrompt {
  /** Exactly `maxLength` ids: start, tokens, end, then padding. */
  ids: number[];
  /** Start + tokens + end, before padding (what CLIP's reference tokenizer returns). */
  count: number;
  /** True when the prompt had more tokens than fit and the tail was dropped (the end token is kept). */
  truncated: boolean;
}

export interface ClipTokenizerOptions {
  maxLength?: number;
  /** The padding token as text (SD 1.x pads with <|endoftext|>, SD 2.x with "!"). */
  padToken?: string;
}

export class ClipTokenizer {
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;
  readonly maxLength: number;
  private readonly bpe: BytePairEncoder;

  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    merges: readonly (readonly [string, string])[],
    options: ClipTokenizerOptions = {},
  ) {
    this.bpe = new BytePairEncoder(merges);
    this.startId = this.idOf(START_TOKEN);
    this.endId = this.idOf(END_TOKEN);
    this.padId = this.idOf(options.padToken ?? END_TOKEN);
    this.maxLength = options.maxLength ?? CLIP_MAX_LENGTH;
  }

  private idOf(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`token "${token}" is not in the vocabulary`);
    return id;
  }

  /** Token ids without start/end tokens. */
  encodeTokens(text: string): number[] {
    const ids: number[] = [];
    for (const word of preTokenize(text)) {
      if (word === START_TOKEN || word === END_TOKEN) {
        ids.push(this.idOf(word));
        continue;
      }
      for (const symbol of this.bpe.encodeWord(word)) ids.push(this.idOf(symbol));
    }
    return ids;
  }

  tokenize(text: string): TokenizedPrompt {
    const tokens = this.encodeTokens(text);
    const room = this.maxLength - 2;
    const truncated = tokens.length > room;
    const body = truncated ? tokens.slice(0, room) : tokens;
    const ids = [this.startId, ...body, this.endId];
    const count = ids.length;
    while (ids.length < this.maxLength) ids.push(this.padId);
    return { ids, count, truncated };
  }
}

const TokenText = z.union([z.string(), z.object({ content: z.string() }).transform((t) => t.content)]);
const TokenizerConfig = z.object({ pad_token: TokenText.optional(), model_max_length: z.number().int().positive().optional() });

function readJsonFile<T>(path: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw modelPackError(path, `is not valid JSON (${jsonSyntaxProblem(err)})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw modelPackError(path, `has unexpected content: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/**
 * Loads a tokenizer folder (vocab.json + merges.txt, optional tokenizer_config.json / special_tokens_map.json for the
 * pad token and length). Damaged or missing files raise a model-pack error naming the file.
 */
export function loadClipTokenizer(dir: string): ClipTokenizer {
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  for (const path of [vocabPath, mergesPath]) if (!existsSync(path)) throw modelPackError(path, 'is missing');
  const vocabObject = readJsonFile(vocabPath, z.record(z.string(), z.number().int().nonnegative()));
  const vocab = new Map(Object.entries(vocabObject));
  let merges: [string, string][];
  try {
    merges = parseMerges(readFileSync(mergesPath, 'utf8'));
  } catch (err) {
    throw modelPackError(mergesPath, `is not a merges file: ${(err as Error).message}`);
  }
  const options: ClipTokenizerOptions = {};
  for (const file of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const config = readJsonFile(path, TokenizerConfig);
    if (config.pad_token !== undefined) options.padToken = config.pad_token;
    if (config.model_max_length !== undefined && config.model_max_length <= 4096) options.maxLength = config.model_max_length;
  }
  for (const token of [START_TOKEN, END_TOKEN, options.padToken ?? END_TOKEN]) {
    if (!vocab.has(token)) throw modelPackError(vocabPath, `lacks the special token "${token}"`);
  }
  return new ClipTokenizer(vocab, merges, options);
}
