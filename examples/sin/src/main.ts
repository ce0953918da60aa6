import { runCommand } from "@pg/cli";

// pnpm --dir examples/sin start -- --iterations N --batch B --seed S --methods m1,m2 --out DIR
// is `pg train sin …`: the definition lives in @pg/experiments, the runner in @pg/cli.
process.exitCode = await runCommand(["train", "sin", ...process.argv.slice(2)]);
