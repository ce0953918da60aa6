// @pg/physics-fluid alone: a marker block carried by a uniform velocity moves one cell per step, eight cells in all.
import assert from "node:assert/strict";
import { FLUID_GRID, centerOfMass, simulateFluid, uniformVelocity } from "@pg/physics-fluid";

const marker = new Float64Array(FLUID_GRID.nx * FLUID_GRID.ny);
for (let i = 28; i < 36; i++) for (let j = 28; j < 36; j++) marker[i * FLUID_GRID.ny + j] = 1; // a block at (64, 64)
const run = simulateFluid(marker, uniformVelocity(Float64Array.of(8, 0), FLUID_GRID, 1), FLUID_GRID, 1);
assert.equal(run.markers.length, 9);
const last = run.markers[8];
assert.ok(last !== undefined);
const center = Array.from(centerOfMass(last, FLUID_GRID, 1), (c) => c.toFixed(2));
assert.deepEqual(center, ["80.00", "64.00"]);
console.log("ok @pg/physics-fluid", center.join(" "));
