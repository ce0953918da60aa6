import { runCommand } from "@pg/cli";

// pnpm --dir examples/fluid start -- --iterations N --batch B --seed S --methods adam,pg-inverse --out DIR
// is `pg train fluid …`; FLUID_PRESSURE_SOLVER=cg uses the authors' CG pressure solve instead of the exact spectral one.
process.exitCode = await runCommand(["train", "fluid", ...process.argv.slice(2)]);
