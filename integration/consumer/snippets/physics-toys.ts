// @pg/physics-toys alone: sin(a/x), its adjoint and its analytic inverse; a trajectory of the 2-D toy.
import assert from "node:assert/strict";
import { sinPhysics, sinTargets, squareToyLoss, squareToySteps, trajectory } from "@pg/physics-toys";

const physics = sinPhysics({ a: Float64Array.of(1, 3) });
const x = Float64Array.of(0.5, -2);
assert.deepEqual(Array.from(physics.forward(x, 2), (y) => y.toFixed(4)), ["0.9093", "-0.9975"]);
const xTilde = physics.closestMinimum(x);
assert.deepEqual(Array.from(xTilde, (v) => v.toFixed(4)), ["0.2122", "-1.9099"]);
assert.deepEqual(Array.from(physics.forward(xTilde, 2)), Array.from(sinTargets(2)));
const dx = physics.adjoint(x, Float64Array.of(1, 1), 2);
assert.equal((dx[0] ?? 0).toFixed(6), (-(1 / 0.25) * Math.cos(2)).toFixed(6));

const path = trajectory(squareToySteps.physical, [3, 3], 0.05, 100);
assert.equal(path.length, 101);
const end = path[100];
assert.ok(end !== undefined);
assert.ok(Math.abs(squareToyLoss(end) / squareToyLoss([3, 3]) - 0.95 ** 200) < 1e-12);
console.log("ok @pg/physics-toys", Array.from(xTilde, (v) => v.toFixed(4)).join(" "));
