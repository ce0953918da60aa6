/**
 * The fluid step's energy rescale (step 4 of {@link fluidStep}; the authors' code rescales each component, the paper
 * speaks of the total energy) and its vector–Jacobian product. Per example and velocity
 * component: u' = u·f with f = sqrt(E₀/E₁), E₀ = mean(w²) of the component before the step (w) and E₁ = mean(u²)
 * after the projection (u); f = 0 when E₁ = 0.
 * @internal used by the fluid step and its adjoint; not part of the public API.
 */

/** mean(u²) over the samples of every example of one component, into energies[e]. */
export function meanSquares(component: Float64Array, cells: number, batch: number, energies: Float64Array): void {
  for (let e = 0; e < batch; e++) {
    let sum = 0;
    for (let k = e * cells; k < (e + 1) * cells; k++) {
      const v = component[k] as number;
      sum += v * v;
    }
    energies[e] = sum / cells;
  }
}

/** component ← component · sqrt(E₀/E₁) per example, E₀ = `before[e]`, E₁ = its own mean square; in place. */
export function rescaleEnergy(component: Float64Array, cells: number, batch: number, before: Float64Array): void {
  const after = new Float64Array(batch);
  meanSquares(component, cells, batch, after);
  for (let e = 0; e < batch; e++) {
    const energy = after[e] as number;
    const factor = energy === 0 ? 0 : Math.sqrt((before[e] as number) / energy);
    for (let k = e * cells; k < (e + 1) * cells; k++) component[k] = (component[k] as number) * factor;
  }
}

/**
 * Vector–Jacobian product of u' = u·sqrt(E₀(w)/E₁(u)) for one component: with S = Σ g·u per example,
 * ∂/∂u = f·g − (S·f/(E₁·N))·u and ∂/∂w = (S·f/(E₀·N))·w. Where f = 0 (E₁ = 0, or E₀ = 0) the output is
 * constant 0 locally and both gradients are 0.
 * @param gradient - ∂L/∂u', batch × cells.
 * @param projected - u (after the projection, before the rescale).
 * @param original - w (the component at the start of the step).
 * @returns ∂L/∂u and ∂L/∂w, new arrays.
 */
export function rescaleEnergyAdjoint(
  gradient: Float64Array,
  projected: Float64Array,
  original: Float64Array,
  cells: number,
  batch: number,
): { projected: Float64Array; original: Float64Array } {
  const before = new Float64Array(batch);
  const after = new Float64Array(batch);
  meanSquares(original, cells, batch, before);
  meanSquares(projected, cells, batch, after);
  const toProjected = new Float64Array(gradient.length);
  const toOriginal = new Float64Array(gradient.length);
  for (let e = 0; e < batch; e++) {
    const e0 = before[e] as number;
    const e1 = after[e] as number;
    if (e0 === 0 || e1 === 0) continue;
    const factor = Math.sqrt(e0 / e1);
    let s = 0;
    for (let k = e * cells; k < (e + 1) * cells; k++) s += (gradient[k] as number) * (projected[k] as number);
    const alongProjected = (s * factor) / (e1 * cells);
    const alongOriginal = (s * factor) / (e0 * cells);
    for (let k = e * cells; k < (e + 1) * cells; k++) {
      toProjected[k] = factor * (gradient[k] as number) - alongProjected * (projected[k] as number);
      toOriginal[k] = alongOriginal * (original[k] as number);
    }
  }
  return { projected: toProjected, original: toOriginal };
}
