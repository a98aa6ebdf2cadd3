import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, bytesToUnicode, loadClipTokenizer } from '../../../src/core/diffusion/clip-tokenizer';
import { buildVocabulary } from '../../../src/core/diffusion/demo/demo-vocabulary';
import { DEMO_OBJECTS, NEUTRAL_WORDS } from '../../../src/core/diffusion/demo/objects';
import { makeTempHome } from '../../helpers/temp-home';
import { CLIP_TESTDATA } from './paths';

interface Case {
  text: string;
  ids: number[];
}
const cases = (JSON.parse(readFileSync(join(CLIP_TESTDATA, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

describe('CLIP tokenizer', () => {
  const tokenizer = loadClipTokenizer(CLIP_TESTDATA);
  const temp = makeTempHome('kiln-tok-');
  afterAll(temp.cleanup);

  it('maps all 256 bytes to distinct characters', () => {
    expect(new Set(bytesToUnicode()).size).toBe(256);
  });

  it.each(cases)('reproduces the reference ids for "$text"', ({ text, ids }) => {
    const out = tokenizer.tokenize(text);
    expect(out.ids.slice(0, out.count)).toEqual(ids);
    expect(out.ids).toHaveLength(77);
    expect(out.truncated).toBe(false);
    expect(out.ids.slice(out.count).every((id) => id === 49407)).toBe(true);
  });

  it('truncates to 77 ids keeping the end token and reports it', () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(' ');
    const out = tokenizer.tokenize(long);
    expect(out.ids).toHaveLength(77);
    expect(out.count).toBe(77);
    expect(out.ids[0]).toBe(49406);
    expect(out.ids[76]).toBe(49407);
    expect(out.truncated).toBe(true);
    const exact = tokenizer.tokenize(Array.from({ length: 75 }, () => 'cat').join(' '));
    expect(exact.truncated).toBe(false);
    expect(exact.ids[76]).toBe(49407);
  });

  it("pads with the pack's pad token (SD 2.x pads with \"!\" = 0)", () => {
    for (const f of ['vocab.json', 'merges.txt']) copyFileSync(join(CLIP_TESTDATA, f), join(temp.home, f));
    writeFileSync(join(temp.home, 'special_tokens_map.json'), JSON.stringify({ pad_token: { content: '!' } }));
    const sd2 = loadClipTokenizer(temp.home);
    const out = sd2.tokenize('a photo of a cat');
    expect(out.ids.slice(0, 7)).toEqual(cases[0]!.ids);
    expect(out.ids.slice(7).every((id) => id === 0)).toBe(true);
  });
});

describe('demo vocabulary', () => {
  it('makes every demo word one token and still tokenizes any text byte by byte', () => {
    const words = [...NEUTRAL_WORDS, ...DEMO_OBJECTS.flatMap((o) => o.words)];
    const { vocab, merges } = buildVocabulary(words);
    const tokenizer = new ClipTokenizer(new Map(Object.entries(vocab)), merges);
    for (const word of words) expect(tokenizer.encodeTokens(word)).toEqual([vocab[`${word}</w>`]]);
    expect(tokenizer.tokenize('a green cube').count).toBe(5);
    expect(tokenizer.encodeTokens('zebra!').length).toBeGreaterThan(1);
    expect(buildVocabulary(words)).toEqual({ vocab, merges });
  });
});
