import { runCommand } from "@pg/cli";

// POISSON_GRID=64x64|80x60 pnpm --dir examples/poisson start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
// is `pg train poisson …`: the definition lives in @pg/experiments, the runner (and its figures) in @pg/cli.
process.exitCode = await runCommand(["train", "poisson", ...process.argv.slice(2)]);
