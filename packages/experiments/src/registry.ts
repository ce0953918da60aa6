import { closestName, PgValidationError } from "@pg/core";
import { WAVE_CNN_INITIALIZATIONS } from "@pg/nets";
import { PRESSURE_SOLVERS } from "@pg/physics-fluid";
import type { ExperimentDefinition } from "./contract";
import { FLUID_DESCRIPTION, FLUID_PRESSURE_SOLVER_VARIABLE, fluidExperiment, fluidPressureSolver } from "./fluid";
import { HEAT_DESCRIPTION, heatExperiment } from "./heat";
import { POISSON_DESCRIPTION, POISSON_GRIDS, POISSON_GRID_VARIABLE, poissonExperiment, poissonGrid } from "./poisson";
import { EXP_DESCRIPTION, expExperiment } from "./exp";
import { SIN_DESCRIPTION, sinExperiment } from "./sin";
import {
  SIN_ROTATED_ANGLE_VARIABLE,
  SIN_ROTATED_DESCRIPTION,
  SIN_ROTATED_ILL_CONDITIONING_VARIABLE,
  sinRotatedExperiment,
  sinRotatedSetting,
} from "./sin_rotated";
import { WAVE_PACKET_DESCRIPTION, WAVE_PACKET_INITIALIZATION_VARIABLE, wavePacketExperiment, wavePacketInitialization } from "./wave_packet";

/** An environment variable an experiment reads when it is created (the run contract allows no extra flag). */
export interface ExperimentVariable {
  readonly name: string;
  readonly description: string;
  /** The accepted values, when there is a fixed list; the first is the default. */
  readonly values?: readonly string[];
  /** The default, for a variable without a fixed list (a number); unset or blank means this. */
  readonly defaultValue?: string;
}

/** The environment an experiment is created from: variable name → value, as `process.env`. */
export type ExperimentEnvironment = Readonly<Record<string, string | undefined>>;

/** A built-in experiment: what `pg list` shows and how `pg train <name>` builds its definition. */
export interface ExperimentEntry {
  /** The name `pg train` accepts. */
  readonly name: string;
  /** One line. */
  readonly description: string;
  /**
   * Median seconds per iteration of each method at the default batch on a 2-core machine (wasm backend): a guide for
   * how long a run takes, not a promise. Where each number comes from is noted at its entry.
   */
  readonly secondsPerIteration: Readonly<Record<string, number>>;
  /** The environment variables {@link ExperimentEntry.create} reads. */
  readonly environment: readonly ExperimentVariable[];
  /**
   * Builds the definition.
   * @param environment - the variables to read, usually `process.env`. @defaultValue {} (every variable at its default)
   * @throws {@link PgValidationError} naming the variable when one has a value the experiment does not accept (with the
   * closest accepted value suggested when it looks like a typo), or naming `environment` when it is not an object.
   */
  // `any`: each entry has its own physics type, and ExperimentDefinition<SinPhysics> is no ExperimentDefinition<Physics>
  // (the physics type appears in parameter positions).
  create(environment?: ExperimentEnvironment): ExperimentDefinition<any>;
}

/** The environment `create` reads: undefined (every variable at its default) or an object such as `process.env`. */
function requireEnvironment(experiment: string, environment: unknown): ExperimentEnvironment {
  if (environment === undefined) return {};
  if (typeof environment !== "object" || environment === null || Array.isArray(environment)) {
    throw new PgValidationError(`${experiment}.create`, "environment", "an object of environment variables, e.g. process.env", environment);
  }
  return environment as ExperimentEnvironment;
}

// Preferred over Object.keys order so the default comes first, as `values` documents.
const POISSON_GRID_VALUES = ["64x64", "80x60", "16x16"] as const satisfies readonly (keyof typeof POISSON_GRIDS)[];
const PRESSURE_SOLVER_VALUES = ["spectral", ...PRESSURE_SOLVERS.filter((solver) => solver !== "spectral")];
const INITIALIZATION_VALUES = ["glorot", ...WAVE_CNN_INITIALIZATIONS.filter((initialization) => initialization !== "glorot")];

/**
 * The paper's experiments, in the paper's order of presentation of the examples — sin, Poisson, heat, wave packet,
 * fluid — followed by the two illustrations of the published version: the exponential and the rotated sin.
 */
export const EXPERIMENTS: readonly ExperimentEntry[] = Object.freeze([
  {
    name: "sin",
    description: SIN_DESCRIPTION,
    // Measured for this registry: examples/sin, 500 iterations of every method, one process (examples/sin README).
    secondsPerIteration: { adam: 0.0026, supervised: 0.0026, "pg-inverse": 0.0023, "pg-newton": 0.0018, "pg-ig": 0.0019 },
    environment: [],
    create: (environment) => {
      requireEnvironment("sin", environment);
      return sinExperiment();
    },
  },
  {
    name: "poisson",
    description: POISSON_DESCRIPTION,
    // Measured for this registry: `pg train poisson --iterations 5` on 64 × 64, 2 replicas (the s/iter column).
    secondsPerIteration: { adam: 4.3, sgd: 5.4, "pg-inverse": 4.6 },
    environment: [
      {
        name: POISSON_GRID_VARIABLE,
        description: "the grid: 64x64 (the authors' code), 80x60 (the paper) or 16x16 (tests only)",
        values: POISSON_GRID_VALUES,
      },
    ],
    // A CG solve that does not converge is worth a line on the console, not a stop.
    create: (environment) =>
      poissonExperiment({ grid: poissonGrid(requireEnvironment("poisson", environment)[POISSON_GRID_VARIABLE]), onWarning: (warning) => console.warn(warning.message) }),
  },
  {
    name: "heat",
    description: HEAT_DESCRIPTION,
    // Measured for this registry: `pg train heat --iterations 6`, wasm, 2 replicas at batch 128 (the s/iter column).
    secondsPerIteration: { adam: 0.83, "pg-inverse": 0.89, "pg-lbfgsb": 7.9 },
    environment: [],
    create: (environment) => {
      requireEnvironment("heat", environment);
      return heatExperiment();
    },
  },
  {
    name: "wavepacket",
    description: WAVE_PACKET_DESCRIPTION,
    // examples/wavepacket README, "Result": training 0.02 s per iteration.
    secondsPerIteration: { adam: 0.02 },
    environment: [
      {
        name: WAVE_PACKET_INITIALIZATION_VARIABLE,
        description: "the CNN's initial weights: glorot (TensorFlow's defaults) or pytorch (PyTorch's)",
        values: INITIALIZATION_VALUES,
      },
    ],
    create: (environment) =>
      wavePacketExperiment({ initialization: wavePacketInitialization(requireEnvironment("wavepacket", environment)[WAVE_PACKET_INITIALIZATION_VARIABLE]) }),
  },
  {
    name: "fluid",
    description: FLUID_DESCRIPTION,
    // Measured for this registry: `pg train fluid --iterations 5`, spectral pressure solve, 2 replicas (s/iter).
    secondsPerIteration: { adam: 3.2, "pg-inverse": 2.8 },
    environment: [
      {
        name: FLUID_PRESSURE_SOLVER_VARIABLE,
        description: "the pressure solve: spectral (exact, by FFT) or cg (the authors' conjugate gradient, ~3× slower)",
        values: PRESSURE_SOLVER_VALUES,
      },
    ],
    create: (environment) => fluidExperiment({ pressureSolver: fluidPressureSolver(requireEnvironment("fluid", environment)[FLUID_PRESSURE_SOLVER_VARIABLE]) }),
  },
  {
    name: "exp",
    description: EXP_DESCRIPTION,
    // Measured for this registry: `pg train exp --iterations 10000`, wasm, one process, medians (newton until it
    // diverged at iteration 5250; examples/exp README).
    secondsPerIteration: { adjoint: 0.00092, "adjoint-adam": 0.0015, "ground-truth": 0.00092, newton: 0.00093, "newton-clipped": 0.00095, rescaled: 0.00098 },
    environment: [],
    create: (environment) => {
      requireEnvironment("exp", environment);
      return expExperiment();
    },
  },
  {
    name: "sin-rotated",
    description: SIN_ROTATED_DESCRIPTION,
    // Measured for this registry: `pg train sin-rotated --iterations 3000`, ξ = 10, φ = 45°, wasm, one process, medians
    // (examples/sin-rotated README).
    secondsPerIteration: { newton: 0.0018, adam: 0.0018, sgd: 0.0013, adadelta: 0.0019, adagrad: 0.0014, rmsprop: 0.0014 },
    environment: [
      {
        name: SIN_ROTATED_ILL_CONDITIONING_VARIABLE,
        description: "the ill-conditioning ξ, a number > 0: u₁ is scaled by 10/ξ and u₂ by 10ξ (the published runs use 1 and 32)",
        defaultValue: "10",
      },
      {
        name: SIN_ROTATED_ANGLE_VARIABLE,
        description: "the rotation φ in degrees, converted with π ≈ 3.1415 as the published runs did",
        defaultValue: "45",
      },
    ],
    create: (environment) => {
      const variables = requireEnvironment("sin-rotated", environment);
      return sinRotatedExperiment({
        illConditioning: sinRotatedSetting(SIN_ROTATED_ILL_CONDITIONING_VARIABLE, variables[SIN_ROTATED_ILL_CONDITIONING_VARIABLE]),
        angle: sinRotatedSetting(SIN_ROTATED_ANGLE_VARIABLE, variables[SIN_ROTATED_ANGLE_VARIABLE]),
      });
    },
  },
]);

/**
 * The built-in experiment of that name.
 * @param name - one of the names of {@link EXPERIMENTS}: "sin", "poisson", "heat", "wavepacket", "fluid", "exp",
 * "sin-rotated".
 * @returns its {@link ExperimentEntry}.
 * @throws {@link PgValidationError} naming the known experiments, with the closest one when `name` looks like a typo.
 * @example
 * import { experimentEntry } from "@pg/experiments";
 * const heat = experimentEntry("heat");
 * console.log(heat.create().name, heat.secondsPerIteration["pg-lbfgsb"]); // heat 7.9
 * try {
 *   experimentEntry("haet");
 * } catch (error) {
 *   console.log(error.message); // experimentEntry: name must be one of "sin", "poisson", "heat", "wavepacket", "fluid", "exp", "sin-rotated"; received "haet". Did you mean "heat"?
 * }
 */
export function experimentEntry(name: string): ExperimentEntry {
  const entry = EXPERIMENTS.find((candidate) => candidate.name === name);
  if (entry !== undefined) return entry;
  const known = EXPERIMENTS.map((candidate) => candidate.name);
  const suggestion = typeof name === "string" ? closestName(name, known) : undefined;
  throw new PgValidationError(
    "experimentEntry",
    "name",
    `one of ${known.map((candidate) => JSON.stringify(candidate)).join(", ")}`,
    name,
    suggestion === undefined ? undefined : `Did you mean "${suggestion}"?`,
  );
}
