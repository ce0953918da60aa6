import type { GradientTransform } from "@pg/core";

/**
 * Replaces every entry of the x-space gradient by its sign (−1, 0 or 1; NaN stays NaN). After a gradient source that
 * gives x − x̃ it turns the proxy loss ½‖x − x̃‖² into the L1 proxy Σ|x − x̃|, whose gradient is sign(x − x̃): the
 * rotated-sin experiment trains on it. After `supervised()` it gives sign(x − x*), the gradient of ½‖x − x̃‖² with
 * x̃ = x + sign(x* − x), the exponential's "rescaled" method. Like the transforms of `@pg/core`, `update` leaves the
 * checks to `applyScheme`.
 * @returns a stateless {@link GradientTransform} named "sign".
 * @example
 * import { applyScheme, initScheme, physical, scheme } from "@pg/core";
 * import { signTransform } from "@pg/experiments";
 * const sign = signTransform();
 * const [signs] = sign.update(Float64Array.of(-3, 0, 0.25, NaN), sign.init());
 * console.log(sign.name, signs.join(" ")); // sign -1 0 1 NaN
 * const identity = { name: "identity", xShape: [1], yShape: [1], forward: (x) => x, adjoint: (x, dy) => dy };
 * const toTarget = { name: "target", solve: ({ yTarget, batch }) => ({ x: yTarget, reasons: Array(batch).fill("exact"), iterations: new Int32Array(batch) }) };
 * const l1 = scheme(physical({ solver: toTarget }), sign);
 * const context = { physics: identity, x: Float64Array.of(1, 5), yTarget: Float64Array.of(4, 4), batch: 2, step: 1 };
 * // sign(x − x̃) = sign(1 − 4), sign(5 − 4)
 * console.log(l1.description, applyScheme(l1, context, initScheme(l1))[0].gradient.join(" ")); // physical(target) → sign -1 1
 */
export function signTransform(): GradientTransform<undefined> {
  return {
    name: "sign",
    init: () => undefined,
    update(gradient, state) {
      return [gradient.map(Math.sign), state];
    },
  };
}
