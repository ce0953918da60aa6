// @pg/solvers alone: L-BFGS-B on a bounded quadratic, and the batched L-BFGS-B inverse solver on a linear physics.
import assert from "node:assert/strict";
import type { Physics } from "@pg/core";
import { lbfgsb, minimizeLbfgsb } from "@pg/solvers";

// f(x) = Σ (x_i − c_i)², c = (3, −1, 0.5), x ≤ 1: the minimum in the box is (1, −1, 0.5) with f = 4.
const c = [3, -1, 0.5];
const fit = minimizeLbfgsb(
  (x, gradient) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      const d = (x[i] ?? 0) - (c[i] ?? 0);
      gradient[i] = 2 * d;
      f += d * d;
    }
    return f;
  },
  Float64Array.of(0, 0, 0),
  { upper: 1 },
);
assert.equal(fit.reason, "converged");
assert.deepEqual(Array.from(fit.x, (v) => v.toFixed(6)), ["1.000000", "-1.000000", "0.500000"]);
assert.ok(Math.abs(fit.value - 4) < 1e-10, `f = ${fit.value}`);

// P(x) = 3x per component: the solver's x̃ minimises ½‖3x − y*‖², i.e. x̃ = y*/3, for each example of the batch.
const tripling: Physics = {
  name: "3x",
  xShape: [2],
  yShape: [2],
  forward: (x) => x.map((v) => 3 * v),
  adjoint: (_x, dy) => dy.map((v) => 3 * v),
};
const solved = lbfgsb({ maxIterations: 32 }).solve({
  physics: tripling,
  x: Float64Array.of(0, 0, 1, 1),
  yTarget: Float64Array.of(3, -6, 9, 1.5),
  batch: 2,
});
assert.deepEqual(Array.from(solved.x, (v) => v.toFixed(6)), ["1.000000", "-2.000000", "3.000000", "0.500000"]);
console.log("ok @pg/solvers", fit.iterations, "iterations");
