import { signedDistance, type Primitive, type Vec3 } from './primitives';

/**
 * The demo prior's procedural objects. `words` are the prompt words that describe an object; a prompt selects the
 * objects that contradict the fewest of its words (see text-encoder-graph.ts), so "a cube" is ambiguous between the
 * three cubes and "a red cube" is not. Every object fits in the unit ball around the origin (docs/conventions.md).
 */
export interface DemoObject {
  id: string;
  prompt: string;
  words: readonly string[];
  primitives: readonly Primitive[];
}

const RED: Vec3 = [0.85, 0.16, 0.12];
const GREEN: Vec3 = [0.16, 0.68, 0.22];
const BLUE: Vec3 = [0.16, 0.3, 0.86];
const WHITE: Vec3 = [0.93, 0.93, 0.96];
const ORANGE: Vec3 = [0.95, 0.5, 0.1];
const BROWN: Vec3 = [0.55, 0.34, 0.17];

const cube = (id: string, colorWord: string, color: Vec3): DemoObject => ({
  id,
  prompt: `a ${colorWord} cube`,
  words: [colorWord, 'cube'],
  primitives: [{ shape: { type: 'box', center: [0, 0, 0], halfSize: [0.45, 0.45, 0.45] }, color }],
});

const tableLeg = (x: number, z: number): Primitive => ({
  shape: { type: 'cylinder', center: [x, -0.2, z], radius: 0.06, halfHeight: 0.4 },
  color: BROWN,
});

export const DEMO_OBJECTS: readonly DemoObject[] = [
  cube('red-cube', 'red', RED),
  cube('green-cube', 'green', GREEN),
  cube('blue-cube', 'blue', BLUE),
  {
    id: 'sphere',
    prompt: 'a yellow sphere',
    words: ['yellow', 'sphere'],
    primitives: [{ shape: { type: 'sphere', center: [0, 0, 0], radius: 0.65 }, color: [0.92, 0.78, 0.14] }],
  },
  {
    id: 'cone',
    prompt: 'an orange cone',
    words: ['orange', 'cone'],
    primitives: [{ shape: { type: 'cone', center: [0, -0.05, 0], radius: 0.55, halfHeight: 0.6 }, color: ORANGE }],
  },
  {
    id: 'torus',
    prompt: 'a purple torus',
    words: ['purple', 'torus'],
    primitives: [
      { shape: { type: 'torus', center: [0, 0, 0], majorRadius: 0.55, minorRadius: 0.2, axis: 'z' }, color: [0.58, 0.24, 0.74] },
    ],
  },
  {
    id: 'mug',
    prompt: 'a mug',
    words: ['teal', 'mug'],
    primitives: [
      { shape: { type: 'cylinder', center: [-0.1, 0, 0], radius: 0.4, halfHeight: 0.45 }, color: [0.16, 0.6, 0.62] },
      { shape: { type: 'torus', center: [0.32, 0, 0], majorRadius: 0.25, minorRadius: 0.07, axis: 'z' }, color: [0.16, 0.6, 0.62] },
    ],
  },
  {
    id: 'table',
    prompt: 'a table',
    words: ['brown', 'wooden', 'table'],
    primitives: [
      { shape: { type: 'box', center: [0, 0.25, 0], halfSize: [0.7, 0.05, 0.45] }, color: BROWN },
      tableLeg(-0.6, -0.35),
      tableLeg(0.6, -0.35),
      tableLeg(-0.6, 0.35),
      tableLeg(0.6, 0.35),
    ],
  },
  {
    id: 'snowman',
    prompt: 'a snowman',
    words: ['white', 'snowman'],
    primitives: [
      { shape: { type: 'sphere', center: [0, -0.45, 0], radius: 0.4 }, color: WHITE },
      { shape: { type: 'sphere', center: [0, 0.12, 0], radius: 0.3 }, color: WHITE },
      { shape: { type: 'sphere', center: [0, 0.56, 0], radius: 0.2 }, color: WHITE },
      { shape: { type: 'sphere', center: [0, 0.56, 0.21], radius: 0.05 }, color: ORANGE },
      { shape: { type: 'sphere', center: [-0.08, 0.63, 0.16], radius: 0.035 }, color: [0.05, 0.05, 0.05] },
      { shape: { type: 'sphere', center: [0.08, 0.63, 0.16], radius: 0.035 }, color: [0.05, 0.05, 0.05] },
    ],
  },
];

/** Words that select nothing (articles); they never count against an object. */
export const NEUTRAL_WORDS: readonly string[] = ['a', 'an', 'the'];

export function demoObject(id: string): DemoObject {
  const object = DEMO_OBJECTS.find((o) => o.id === id);
  if (!object) throw new Error(`no demo object "${id}" (have ${DEMO_OBJECTS.map((o) => o.id).join(', ')})`);
  return object;
}

/** Signed distance to the object's surface in metres (negative inside): union of its primitives. */
export function objectSignedDistance(object: DemoObject, x: number, y: number, z: number): number {
  let d = Infinity;
  for (const p of object.primitives) d = Math.min(d, signedDistance(p.shape, x, y, z));
  return d;
}

export function isInsideObject(object: DemoObject, x: number, y: number, z: number): boolean {
  return objectSignedDistance(object, x, y, z) < 0;
}
