// @pg/physics-heat alone: forward diffusion damps the Fourier mode kx = 1/8 by exp(−(2π/8)²), keeps the mean, and is
// its own adjoint.
import assert from "node:assert/strict";
import { heatPhysics } from "@pg/physics-heat";

const physics = heatPhysics({ shape: [8, 8], diffusivityTime: 1 });
assert.deepEqual(physics.xShape, [8, 8, 1]);
const x = Float64Array.from({ length: 64 }, (_, cell) => 2 + Math.cos((2 * Math.PI * Math.floor(cell / 8)) / 8));
const y = physics.forward(x, 1);
const mean = (values: Float64Array): number => values.reduce((sum, v) => sum + v, 0) / values.length;
assert.equal(mean(y).toFixed(12), mean(x).toFixed(12));
assert.equal((((y[0] ?? 0) - 2) / ((x[0] ?? 0) - 2)).toFixed(6), "0.539641");
const dy = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i));
assert.deepEqual(Array.from(physics.adjoint(x, dy, 1)), Array.from(physics.forward(dy, 1)));
console.log("ok @pg/physics-heat", (y[0] ?? 0).toFixed(6));
