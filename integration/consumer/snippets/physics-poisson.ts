// @pg/physics-poisson alone: P(x) solves ∇²y = x by CG, and the physics inverse recovers x* from y* = P(x*).
import assert from "node:assert/strict";
import { poissonPhysics } from "@pg/physics-poisson";

const physics = poissonPhysics({ shape: [3, 3], relativeTolerance: 1e-12 });
const x = Float64Array.of(0, 0, 0, 0, -4, 0, 0, 0, 0);
const y = physics.forward(x, 1);
assert.deepEqual(Array.from(physics.laplacian(y, 1), (v) => v.toFixed(6)), Array.from(x, (v) => v.toFixed(6)));
assert.equal(physics.lastSolve?.reasons[0], "converged");
const xStar = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
const xTilde = physics.inverse(x, physics.forward(xStar, 1), 1);
assert.deepEqual(Array.from(xTilde, (v) => v.toFixed(6)), Array.from(xStar, (v) => v.toFixed(6)));
console.log("ok @pg/physics-poisson", physics.lastSolve?.iterations[0], "CG iterations");
