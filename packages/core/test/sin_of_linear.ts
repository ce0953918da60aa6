import type { Physics } from "../src/index";

/** P(x) = sin(W x) per example, x ∈ R³, y ∈ R²: small, nonlinear, with a hand-written adjoint. */
export function sinOfLinear(): Physics {
  const W = [
    [0.7, -0.3, 0.5],
    [0.2, 0.9, -0.4],
  ];
  const linear = (x: Float64Array, b: number, r: number) =>
    W[r]!.reduce((s, w, c) => s + w * (x[b * 3 + c] as number), 0);
  return {
    name: "sin(Wx)",
    xShape: [3],
    yShape: [2],
    forward(x, batch) {
      const y = new Float64Array(batch * 2);
      for (let b = 0; b < batch; b++) for (let r = 0; r < 2; r++) y[b * 2 + r] = Math.sin(linear(x, b, r));
      return y;
    },
    adjoint(x, dy, batch) {
      const dx = new Float64Array(batch * 3);
      for (let b = 0; b < batch; b++)
        for (let r = 0; r < 2; r++) {
          const s = Math.cos(linear(x, b, r)) * (dy[b * 2 + r] as number);
          for (let c = 0; c < 3; c++) dx[b * 3 + c] = (dx[b * 3 + c] as number) + W[r]![c]! * s;
        }
      return dx;
    },
  };
}

