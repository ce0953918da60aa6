// @pg/numerics alone: 2-D FFTs (power-of-two through fft.js, and 6 × 5 through the direct/Bluestein path), fftfreq,
// and a conjugate-gradient solve of the 5-point Laplacian.
import assert from "node:assert/strict";
import { conjugateGradient, fft2, fftfreq, ifft2, laplacian, laplacianOperator } from "@pg/numerics";

const spectrum = fft2(Float64Array.of(1, 2, 3, 4), new Float64Array(4), { batch: 1, shape: [2, 2] });
assert.deepEqual(Array.from(spectrum.real), [10, -2, -4, 0]);

const field = Float64Array.from({ length: 2 * 6 * 5 }, (_, i) => Math.sin(1.7 * i) + (i % 7));
const forward = fft2(field, new Float64Array(field.length), { batch: 2, shape: [6, 5] });
const back = ifft2(forward.real, forward.imaginary, { batch: 2, shape: [6, 5] });
const roundTrip = Math.max(...Array.from(field, (v, i) => Math.abs(v - (back.real[i] ?? Number.NaN))));
assert.ok(roundTrip < 1e-12, `ifft2(fft2(u)) − u = ${roundTrip}`);
assert.deepEqual(Array.from(fftfreq(4)), [0, 0.25, -0.5, -0.25]);

const shape = [8, 8] as const;
const b = Float64Array.from({ length: 64 }, (_, i) => Math.cos(i));
const solve = conjugateGradient({ apply: laplacianOperator({ shape, boundary: "dirichlet" }), b, size: 64, batch: 1, relativeTolerance: 1e-12 });
assert.equal(solve.reasons[0], "converged");
const residual = laplacian(solve.x, { batch: 1, shape, boundary: "dirichlet" }).map((v, i) => v - (b[i] ?? 0));
assert.ok(Math.max(...Array.from(residual, Math.abs)) < 1e-9);
console.log("ok @pg/numerics", solve.iterations[0], "CG iterations");
