import { runCommand } from "@pg/cli";

// pnpm --dir examples/heat start -- --iterations N --batch B --seed S --methods adam,pg-inverse,pg-lbfgsb --out DIR
// is `pg train heat …`: the definition lives in @pg/experiments, the runner (and its figures) in @pg/cli.
process.exitCode = await runCommand(["train", "heat", ...process.argv.slice(2)]);
