import { requireFunction, requireObject, requirePhysics } from "./checks";
import { PgShapeError, PgValidationError } from "./errors";
import type { Physics } from "./physics";
import { requireKnownKeys, requireNonNegativeInteger, requirePositive, requirePositiveInteger, shapeSize, type OptionKeysCover } from "./validate";

/**
 * A small seeded uniform generator in [0, 1) for test vectors (mulberry32); not for experiments.
 * @example
 * import { testRandom } from "@pg/core/testing";
 * const random = testRandom(7);
 * const draws = [random(), random(), random()];
 * console.log(draws.every((u) => u >= 0 && u < 1), testRandom(7)() === draws[0]); // true true
 */
export function testRandom(seed: number): () => number {
  let a = requireNonNegativeInteger("testRandom", "seed", seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options shared by the adjoint checks. */
export interface CheckOptions {
  readonly batch: number;
  readonly seed?: number;
  /** Draws the point x at which J is taken; defaults to U(−1, 1). */
  readonly samplePoint?: (random: () => number, index: number) => number;
  /** Central-difference step for {@link checkFiniteDifferences}. */
  readonly step?: number;
}

/** Every key of {@link CheckOptions}. */
const CHECK_OPTION_KEYS = ["batch", "seed", "samplePoint", "step"] as const satisfies readonly (keyof CheckOptions)[];
true satisfies OptionKeysCover<CheckOptions, typeof CHECK_OPTION_KEYS>;

/** Checks the physics and the options of an adjoint check; returns the batch, seed and step. */
function resolveCheck(where: string, physics: Physics, options: CheckOptions, defaultSeed: number): { batch: number; seed: number; step: number } {
  requirePhysics(where, "physics", physics);
  requireObject(where, "options", options, "an options object { batch, seed?, samplePoint?, step? }");
  requireKnownKeys(where, "options", options, CHECK_OPTION_KEYS);
  if (options.samplePoint !== undefined) requireFunction(where, "samplePoint", options.samplePoint, "a function (random, index) => number");
  return {
    batch: requirePositiveInteger(where, "batch", options.batch),
    seed: requireNonNegativeInteger(where, "seed", options.seed ?? defaultSeed),
    step: requirePositive(where, "step", options.step ?? 1e-6),
  };
}

function vector(random: () => number, n: number, sample?: (random: () => number, index: number) => number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = sample === undefined ? 2 * random() - 1 : sample(random, i);
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** Result of {@link checkAdjoint}: both sides of ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ and their difference relative to ‖Jv‖‖w‖. */
export interface AdjointCheck {
  readonly jvDotW: number;
  readonly vDotJtw: number;
  readonly relativeError: number;
}

/**
 * Checks the identity ⟨Jv, w⟩ = ⟨v, Jᵀw⟩ with J = ∂P/∂x at a random x, where Jv is a central finite difference
 * of `forward` and Jᵀw comes from `adjoint`. For linear physics use a large step; for nonlinear a small one.
 * @example
 * import { checkAdjoint } from "@pg/core/testing";
 * const square = { name: "x²", xShape: [2], yShape: [2], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * console.log(checkAdjoint(square, { batch: 4 }).relativeError < 1e-8); // true
 * // an adjoint that forgot the factor 2x fails the check
 * const wrong = { ...square, adjoint: (x, dy) => Float64Array.from(dy) };
 * console.log(checkAdjoint(wrong, { batch: 4 }).relativeError > 0.1); // true
 */
export function checkAdjoint(physics: Physics, options: CheckOptions): AdjointCheck {
  const { batch, seed, step: h } = resolveCheck("checkAdjoint", physics, options, 1);
  const random = testRandom(seed);
  const nx = batch * shapeSize(physics.xShape);
  const ny = batch * shapeSize(physics.yShape);
  const x = vector(random, nx, options.samplePoint);
  const v = vector(random, nx);
  const w = vector(random, ny);
  const plus = physics.forward(x.map((xi, i) => xi + h * (v[i] as number)), batch);
  const minus = physics.forward(x.map((xi, i) => xi - h * (v[i] as number)), batch);
  const jv = plus.map((p, i) => (p - (minus[i] as number)) / (2 * h));
  const jtw = physics.adjoint(x, w, batch);
  const jvDotW = dot(jv, w);
  const vDotJtw = dot(v, jtw);
  return { jvDotW, vDotJtw, relativeError: Math.abs(jvDotW - vDotJtw) / Math.max(norm(jv) * norm(w), 1e-300) };
}

/** Result of {@link checkFiniteDifferences}. */
export interface FiniteDifferenceCheck {
  /** max_i |g_i − g_fd,i| / max(max_i |g_fd,i|, tiny). */
  readonly relativeError: number;
  readonly adjointGradient: Float64Array;
  readonly finiteDifferenceGradient: Float64Array;
}

/**
 * Compares the gradient of s(x) = ⟨w, P(x)⟩ from `adjoint` (Jᵀw) with central finite differences, entry by entry.
 * @example
 * import { checkFiniteDifferences } from "@pg/core/testing";
 * const square = { name: "x²", xShape: [2], yShape: [2], forward: (x) => x.map((v) => v * v), adjoint: (x, dy) => dy.map((d, i) => 2 * x[i] * d) };
 * const check = checkFiniteDifferences(square, { batch: 3 });
 * console.log(check.adjointGradient.length, check.finiteDifferenceGradient.length, check.relativeError < 1e-6); // 6 6 true
 */
export function checkFiniteDifferences(physics: Physics, options: CheckOptions): FiniteDifferenceCheck {
  const { batch, seed, step: h } = resolveCheck("checkFiniteDifferences", physics, options, 2);
  const random = testRandom(seed);
  const nx = batch * shapeSize(physics.xShape);
  const ny = batch * shapeSize(physics.yShape);
  const x = vector(random, nx, options.samplePoint);
  const w = vector(random, ny);
  const adjointGradient = physics.adjoint(x, w, batch);
  const finiteDifferenceGradient = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const xp = Float64Array.from(x);
    const xm = Float64Array.from(x);
    xp[i] = (xp[i] as number) + h;
    xm[i] = (xm[i] as number) - h;
    finiteDifferenceGradient[i] = (dot(w, physics.forward(xp, batch)) - dot(w, physics.forward(xm, batch))) / (2 * h);
  }
  let maxDiff = 0;
  let scale = 1e-300;
  for (let i = 0; i < nx; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((adjointGradient[i] as number) - (finiteDifferenceGradient[i] as number)));
    scale = Math.max(scale, Math.abs(finiteDifferenceGradient[i] as number));
  }
  return { relativeError: maxDiff / scale, adjointGradient, finiteDifferenceGradient };
}

/**
 * max_i |a_i − b_i| / max_i |b_i|: the relative error used throughout the tests.
 * @example
 * import { relativeDifference } from "@pg/core/testing";
 * console.log(relativeDifference([1, 2.02], [1, 2]).toFixed(4), relativeDifference([0.5], [0])); // 0.0100 0.5
 */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (const [parameter, array] of [["a", a], ["b", b]] as const) {
    if (!Array.isArray(array) && !ArrayBuffer.isView(array)) {
      throw new PgValidationError("relativeDifference", parameter, "an array or a typed array of numbers", array);
    }
  }
  if (a.length !== b.length) throw new PgShapeError("relativeDifference", "a", `the length of b, ${b.length}`, a);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return scale === 0 ? diff : diff / scale;
}

export {
  docExamplesOf,
  docExamplesIn,
  docExampleSuite,
  releasingTensors,
  runDocExample,
  runDocExampleAsync,
  docExampleAnnotations,
  undocumentedFunctions,
  type DocExample,
  type DocExampleSuiteOptions,
  type DocExampleTestApi,
} from "./doc_examples";

/** One row of a package's table of bad inputs (see {@link badInputSuite}). */
export interface BadInputCase {
  /** What is wrong, as the test's name: e.g. "lbfgsb: misspelt maxIterations". */
  readonly name: string;
  /** Makes the bad call; may return a promise. */
  readonly call: () => unknown;
  /** The error class the call must throw (or reject with). */
  readonly error: abstract new (...args: never[]) => Error;
  /** The function the message must start with, e.g. "lbfgsb". */
  readonly where: string;
  /** The parameter the message must name, e.g. "options.maxIteration". */
  readonly parameter: string;
}

/** The test functions {@link badInputSuite} registers with (vitest's, or another runner's of the same shape). */
export interface BadInputTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  expect(
    actual: unknown,
    message?: string,
  ): { toBeInstanceOf(expected: abstract new (...args: never[]) => Error): void; toBe(expected: unknown): void; toContain(expected: string): void };
  /** Milliseconds each case may take before it counts as a hang. @defaultValue 20000 */
  readonly timeoutMs?: number;
}

/**
 * Registers one test per bad input: the call must throw (or reject with) `error`, its message must start with
 * `where` and name `parameter`, within the timeout. Every package keeps its rows in one table so that new entry points
 * add theirs in one place.
 * @example
 * import { badInputSuite } from "@pg/core/testing";
 * import { PgValidationError, requirePositive } from "@pg/core";
 * const names = [];
 * badInputSuite([{ name: "negative rate", call: () => requirePositive("demo", "learningRate", -1), error: PgValidationError, where: "demo", parameter: "learningRate" }], {
 *   describe: (title, body) => body(),
 *   it: (title) => names.push(title),
 *   expect: () => ({ toBeInstanceOf: () => {}, toBe: () => {}, toContain: () => {} }),
 * });
 * console.log(names.join()); // negative rate
 */
export function badInputSuite(cases: readonly BadInputCase[], test: BadInputTestApi): void {
  const { describe, it, expect } = test;
  describe(`bad input (${cases.length} cases): the right error, naming the function and the parameter`, () => {
    for (const row of cases) {
      it(
        row.name,
        async () => {
          let thrown: unknown;
          try {
            await row.call();
          } catch (error) {
            thrown = error;
          }
          expect(thrown, "the call returned instead of throwing").toBeInstanceOf(row.error);
          const message = thrown instanceof Error ? thrown.message : String(thrown);
          expect(message.startsWith(`${row.where}`), `message should start with "${row.where}": ${message}`).toBe(true);
          expect(message, "message should name the parameter").toContain(row.parameter);
        },
        test.timeoutMs ?? 20000,
      );
    }
  });
}
