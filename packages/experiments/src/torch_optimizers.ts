import * as tf from "@tensorflow/tfjs";
import { PgValidationError, requireKnownKeys, requirePositive, type OptionKeysCover } from "@pg/core";

/** A named tensor as `getWeights` returns them (the type tfjs uses but does not export by name). */
type NamedTensor = Awaited<ReturnType<tf.Optimizer["getWeights"]>>[number];

/** One optimizer slot of one variable: a tensor of the variable's shape carried between steps. */
interface Slot {
  readonly originalName: string;
  readonly variable: tf.Variable;
}

/**
 * An optimizer whose state is a few zero-initialised tensors per variable ("slots") and whose step is a function of the
 * gradient and those slots. The state is what `getWeights()` returns after the iteration count, slot by slot (all
 * variables' first slot, then all their second), so that the run's checkpoints capture and restore it.
 */
abstract class SlotOptimizer extends tf.Optimizer {
  private slots: Slot[][] = [];

  constructor(
    protected readonly learningRate: number,
    private readonly slotNames: readonly string[],
  ) {
    super();
  }

  /** Updates the slots in place and returns the step Δ, applied as θ ← θ − learningRate·Δ. */
  protected abstract step(gradient: tf.Tensor, slots: readonly tf.Variable[]): tf.Tensor;

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients) ? variableGradients.map((item) => item.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (value === undefined) throw new PgValidationError(this.getClassName(), "variableGradients", "gradients of registered variables", name);
      const slots = (this.slots[i] ??= this.slotNames.map((slot) => ({
        originalName: `${name}/${slot}`,
        variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
      })));
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : variableGradients[name];
      if (gradient === undefined || gradient === null) return;
      tf.tidy(() => {
        const delta = this.step(gradient, slots.map((slot) => slot.variable));
        value.assign(tf.sub(value, tf.mul(delta, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  override dispose(): void {
    for (const slots of this.slots) for (const slot of slots) slot.variable.dispose();
    this.slots = [];
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const state = this.slotNames.flatMap((_, s) => this.slots.map((slots) => slots[s] as Slot));
    return [await this.saveIterations(), ...state.map((slot) => ({ name: slot.originalName, tensor: slot.variable }))];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const count = values.length / this.slotNames.length;
    this.dispose();
    this.slots = Array.from({ length: count }, (_, i) =>
      this.slotNames.map((_, s) => {
        const saved = values[s * count + i] as NamedTensor;
        return { originalName: saved.name, variable: saved.tensor.variable(false) };
      }),
    );
  }
}

/** Options of {@link torchAdadelta}. */
export interface TorchAdadeltaOptions {
  /** Decay of the running averages. @defaultValue 0.9 (PyTorch's) */
  readonly rho?: number;
  /** Added under both square roots. @defaultValue 1e-6 (PyTorch's) */
  readonly epsilon?: number;
}

/** Options of {@link torchAdagrad}. */
export interface TorchAdagradOptions {
  /** Added to the square root of the sum of squares. @defaultValue 1e-10 (PyTorch's) */
  readonly epsilon?: number;
}

/** Options of {@link torchRmsprop}. */
export interface TorchRmspropOptions {
  /** Decay of the running average of squares. @defaultValue 0.99 (PyTorch's) */
  readonly alpha?: number;
  /** Added to the square root of the running average. @defaultValue 1e-8 (PyTorch's) */
  readonly epsilon?: number;
}

const ADADELTA_OPTION_KEYS = ["rho", "epsilon"] as const satisfies readonly (keyof TorchAdadeltaOptions)[];
true satisfies OptionKeysCover<TorchAdadeltaOptions, typeof ADADELTA_OPTION_KEYS>;
const ADAGRAD_OPTION_KEYS = ["epsilon"] as const satisfies readonly (keyof TorchAdagradOptions)[];
true satisfies OptionKeysCover<TorchAdagradOptions, typeof ADAGRAD_OPTION_KEYS>;
const RMSPROP_OPTION_KEYS = ["alpha", "epsilon"] as const satisfies readonly (keyof TorchRmspropOptions)[];
true satisfies OptionKeysCover<TorchRmspropOptions, typeof RMSPROP_OPTION_KEYS>;

/** A number in (0, 1), for decay rates. */
function requireDecay(where: string, parameter: string, value: unknown): number {
  if (!(typeof value === "number" && value > 0 && value < 1)) throw new PgValidationError(where, parameter, "a number in (0, 1)", value);
  return value;
}

class TorchAdadelta extends SlotOptimizer {
  static get className(): string {
    return "TorchAdadelta";
  }

  constructor(
    learningRate: number,
    private readonly rho: number,
    private readonly epsilon: number,
  ) {
    super(learningRate, ["square_avg", "acc_delta"]);
  }

  protected step(gradient: tf.Tensor, [squareAverage, accumulatedDelta]: readonly tf.Variable[]): tf.Tensor {
    const average = tf.add(tf.mul(squareAverage!, this.rho), tf.mul(tf.square(gradient), 1 - this.rho));
    // The new average of squares enters the denominator. tfjs's own Adadelta takes the previous one; then both running
    // averages hold the same numbers and every step is exactly the gradient: plain SGD.
    const delta = tf.mul(tf.div(tf.sqrt(tf.add(accumulatedDelta!, this.epsilon)), tf.sqrt(tf.add(average, this.epsilon))), gradient);
    squareAverage!.assign(average);
    accumulatedDelta!.assign(tf.add(tf.mul(accumulatedDelta!, this.rho), tf.mul(tf.square(delta), 1 - this.rho)));
    return delta;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
  }
}

class TorchAdagrad extends SlotOptimizer {
  static get className(): string {
    return "TorchAdagrad";
  }

  constructor(
    learningRate: number,
    private readonly epsilon: number,
  ) {
    super(learningRate, ["sum"]);
  }

  protected step(gradient: tf.Tensor, [sum]: readonly tf.Variable[]): tf.Tensor {
    const total = tf.add(sum!, tf.square(gradient));
    sum!.assign(total);
    return tf.div(gradient, tf.add(tf.sqrt(total), this.epsilon));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, epsilon: this.epsilon };
  }
}

class TorchRmsprop extends SlotOptimizer {
  static get className(): string {
    return "TorchRMSprop";
  }

  constructor(
    learningRate: number,
    private readonly alpha: number,
    private readonly epsilon: number,
  ) {
    super(learningRate, ["square_avg"]);
  }

  protected step(gradient: tf.Tensor, [squareAverage]: readonly tf.Variable[]): tf.Tensor {
    const average = tf.add(tf.mul(squareAverage!, this.alpha), tf.mul(tf.square(gradient), 1 - this.alpha));
    squareAverage!.assign(average);
    return tf.div(gradient, tf.add(tf.sqrt(average), this.epsilon));
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, alpha: this.alpha, epsilon: this.epsilon };
  }
}

/**
 * Adadelta as PyTorch defines it (`torch.optim.Adadelta`, no weight decay): s ← ρs + (1 − ρ)g²,
 * Δ = √(a + ε)/√(s + ε)·g, a ← ρa + (1 − ρ)Δ², θ ← θ − lr·Δ, with s and a starting at 0. tfjs's `tf.train.adadelta`
 * divides by the previous s instead of the new one, which makes every step exactly lr·g: plain SGD.
 * @param learningRate - lr, a finite number > 0 (PyTorch's default is 1; the rotated-sin experiment uses 3e-3).
 * @param options - {@link TorchAdadeltaOptions}.
 * @returns a tf.Optimizer whose state (s and a per variable) travels in `getWeights`/`setWeights`.
 * @throws {@link PgValidationError} for a learning rate or ε that is not a finite number > 0, a ρ outside (0, 1) or an
 * unknown option.
 * @example
 * import { scalar, variable } from "@tensorflow/tfjs";
 * import { torchAdadelta } from "@pg/experiments";
 * const theta = variable(scalar(0));
 * const optimizer = torchAdadelta(1);
 * optimizer.applyGradients({ [theta.name]: scalar(1) });
 * // Δ = √1e-6 / √(0.1 + 1e-6) = 0.0031623
 * console.log(theta.dataSync()[0].toFixed(7), optimizer.getClassName()); // -0.0031623 TorchAdadelta
 */
export function torchAdadelta(learningRate: number, options: TorchAdadeltaOptions = {}): tf.Optimizer {
  const where = "torchAdadelta";
  const checked = requireKnownKeys(where, "options", options, ADADELTA_OPTION_KEYS);
  return new TorchAdadelta(
    requirePositive(where, "learningRate", learningRate),
    requireDecay(where, "options.rho", checked.rho ?? 0.9),
    requirePositive(where, "options.epsilon", checked.epsilon ?? 1e-6),
  );
}

/**
 * Adagrad as PyTorch defines it (`torch.optim.Adagrad`, no learning-rate decay or weight decay): s ← s + g²,
 * θ ← θ − lr·g/(√s + ε), s starting at 0. tfjs's `tf.train.adagrad` starts s at 0.1 and adds its backend's ε (1e-7 on
 * the cpu and wasm backends) under the square root.
 * @param learningRate - lr, a finite number > 0.
 * @param options - {@link TorchAdagradOptions}.
 * @returns a tf.Optimizer whose state (s per variable) travels in `getWeights`/`setWeights`.
 * @throws {@link PgValidationError} for a learning rate or ε that is not a finite number > 0 or an unknown option.
 * @example
 * import { scalar, variable } from "@tensorflow/tfjs";
 * import { torchAdagrad } from "@pg/experiments";
 * const theta = variable(scalar(0));
 * const optimizer = torchAdagrad(0.1);
 * optimizer.applyGradients({ [theta.name]: scalar(4) });
 * optimizer.applyGradients({ [theta.name]: scalar(3) });
 * // −0.1·4/4 − 0.1·3/5
 * console.log(theta.dataSync()[0].toFixed(6)); // -0.160000
 */
export function torchAdagrad(learningRate: number, options: TorchAdagradOptions = {}): tf.Optimizer {
  const where = "torchAdagrad";
  const checked = requireKnownKeys(where, "options", options, ADAGRAD_OPTION_KEYS);
  return new TorchAdagrad(requirePositive(where, "learningRate", learningRate), requirePositive(where, "options.epsilon", checked.epsilon ?? 1e-10));
}

/**
 * RMSprop as PyTorch defines it (`torch.optim.RMSprop`, no momentum, not centred): s ← αs + (1 − α)g²,
 * θ ← θ − lr·g/(√s + ε), s starting at 0. tfjs's `tf.train.rmsprop` defaults to α = 0.9 and puts ε under the square
 * root.
 * @param learningRate - lr, a finite number > 0.
 * @param options - {@link TorchRmspropOptions}.
 * @returns a tf.Optimizer whose state (s per variable) travels in `getWeights`/`setWeights`.
 * @throws {@link PgValidationError} for a learning rate or ε that is not a finite number > 0, an α outside (0, 1) or an
 * unknown option.
 * @example
 * import { scalar, variable } from "@tensorflow/tfjs";
 * import { torchRmsprop } from "@pg/experiments";
 * const theta = variable(scalar(0));
 * const optimizer = torchRmsprop(0.01);
 * optimizer.applyGradients({ [theta.name]: scalar(2) });
 * // s = 0.01·4, step 0.01·2/√0.04 = 0.1
 * console.log(theta.dataSync()[0].toFixed(6)); // -0.100000
 */
export function torchRmsprop(learningRate: number, options: TorchRmspropOptions = {}): tf.Optimizer {
  const where = "torchRmsprop";
  const checked = requireKnownKeys(where, "options", options, RMSPROP_OPTION_KEYS);
  return new TorchRmsprop(
    requirePositive(where, "learningRate", learningRate),
    requireDecay(where, "options.alpha", checked.alpha ?? 0.99),
    requirePositive(where, "options.epsilon", checked.epsilon ?? 1e-8),
  );
}
