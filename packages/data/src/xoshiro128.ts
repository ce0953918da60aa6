// Internal: the 32-bit bit generator behind `random`. Never re-exported from src/index.ts.
//
// xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 47(4), 2021):
// 128 bits of state in four unsigned 32-bit words, period 2^128 − 1, output rotl(s1 · 5, 7) · 9.
// The state is seeded by splitmix32: a Weyl sequence with increment 0x9e3779b9 passed through the MurmurHash3
// 32-bit finaliser, as Vigna recommends for filling xoshiro states from a small seed.

const TWO_TO_32 = 4294967296;

/** Four unsigned 32-bit words; never all zero. */
export type Xoshiro128Words = [number, number, number, number];

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** The splitmix32 output for Weyl-sequence position `counter` (already advanced by the golden-ratio increment). */
function splitMix32Output(counter: number): number {
  let z = counter >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Four consecutive splitmix32 outputs starting from `seed` (a 32-bit integer). */
function splitMix32Words(seed: number): Xoshiro128Words {
  const words: Xoshiro128Words = [0, 0, 0, 0];
  let counter = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    counter = (counter + 0x9e3779b9) >>> 0;
    words[i] = splitMix32Output(counter);
  }
  return words;
}

/**
 * Expands a non-negative safe integer seed into a xoshiro128** state. The low 32 bits go through splitmix32;
 * for seeds ≥ 2^32 the splitmix32 words of the high bits (started from high XOR 0x6a09e667) are XOR-ed in.
 * Consecutive splitmix32 outputs are distinct, so seeds < 2^32 never give the forbidden all-zero state; the guard
 * below covers the one-in-2^128 chance that the two word sets cancel for a seed ≥ 2^32.
 */
export function expandSeed(seed: number): Xoshiro128Words {
  const low = seed % TWO_TO_32;
  const high = Math.floor(seed / TWO_TO_32);
  const words = splitMix32Words(low);
  if (high !== 0) {
    const highWords = splitMix32Words((high ^ 0x6a09e667) >>> 0);
    for (let i = 0; i < 4; i++) words[i] = ((words[i] as number) ^ (highWords[i] as number)) >>> 0;
  }
  if (words[0] === 0 && words[1] === 0 && words[2] === 0 && words[3] === 0) words[0] = 0x9e3779b9;
  return words;
}

/** Advances `state` in place and returns the next 32-bit output (xoshiro128** `next`). */
export function nextUint32(state: Xoshiro128Words): number {
  const s0 = state[0];
  const s1 = state[1];
  const s2 = state[2];
  const s3 = state[3];
  const result = Math.imul(rotateLeft(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = (s1 << 9) >>> 0;
  const n2 = (s2 ^ s0) >>> 0;
  const n3 = (s3 ^ s1) >>> 0;
  state[1] = (s1 ^ n2) >>> 0;
  state[0] = (s0 ^ n3) >>> 0;
  state[2] = (n2 ^ t) >>> 0;
  state[3] = rotateLeft(n3, 11);
  return result;
}

/** A double uniform on [0, 1) with 53 random bits, from two 32-bit outputs: (hi₂₇ · 2²⁶ + lo₂₆) / 2⁵³. */
export function nextUnitDouble(state: Xoshiro128Words): number {
  const high = nextUint32(state) >>> 5;
  const low = nextUint32(state) >>> 6;
  return (high * 67108864 + low) / 9007199254740992;
}
