import { PAPER_TABLE1, type Table1, type Table1SolverRow } from "../src/table1";

/** An iterative row that stopped after `iterations`, each taking `secondsEach` for the batch. */
function solverRow(outcome: Table1SolverRow["outcome"], iterations: number, cap: number, errors: readonly number[], secondsEach: number, batch: number): Table1SolverRow {
  const history = errors.map((xErr, k) => ({ iteration: k + 1, xErr, seconds: (k + 1) * secondsEach }));
  const seconds = iterations * secondsEach;
  return { outcome, startXErr: 13.9, iterations, cap, xErr: errors[errors.length - 1] as number, seconds, secondsPerExample: seconds / batch, history };
}

/**
 * A made-up table in the shape measureTable1 returns, for the formatting functions' examples and tests: the estimator
 * reaches the target in 2 iterations, gradient descent stops at its cap of 20. The numbers are illustrative, not measured.
 */
export function table1Fixture(): Table1 {
  const batch = 64;
  return {
    format: "pg-fluid-table1/1",
    experiment: "fluid",
    method: "pg-inverse",
    batch,
    seed: 12345,
    backend: "wasm",
    pressureSolver: "spectral",
    target: 6,
    network: { xErr: 6, batchSeconds: 0.64, secondsPerExample: 0.01, repeats: 7, trainingSeconds: 600, trainingIterations: 100 },
    estimator: solverRow("reached", 2, 50, [7, 5], 1.28, batch),
    gradientDescent: { ...solverRow("cap", 20, 20, Array.from({ length: 20 }, (_, k) => 13 - 0.01 * k), 2.56, batch), stepSize: 1, startNoise: 1e-3 },
    paper: PAPER_TABLE1,
  };
}
