// @pg/data alone: the seeded stream, its checkpoint, the uniform sampler and the heat ground truth.
import assert from "node:assert/strict";
import { heatRectangles, random, restoreRandom, uniformSampler } from "@pg/data";

const stream = random(42);
assert.equal(stream.uniform().toFixed(6), "0.660616");
assert.equal(stream.normal().toFixed(6), "0.427826");
assert.equal(stream.integer(6), 4);
const checkpoint = JSON.parse(JSON.stringify(stream.state()));
const next = stream.uniform();
assert.equal(restoreRandom(checkpoint).uniform(), next);

const a = uniformSampler({ low: 0.1, high: 10.1 }).sample(random(0), 1000);
assert.equal(a.length, 1000);
assert.ok(a.every((v) => v >= 0.1 && v < 10.1));
const heat = heatRectangles(random(0), { batch: 2, shape: [16, 16] });
assert.equal(heat.length, 2 * 16 * 16);
assert.ok(heat.every((v) => v >= 0) && heat.some((v) => v > 0));
console.log("ok @pg/data", a.length);
