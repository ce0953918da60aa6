import { runTrajectoriesCommand } from "./trajectory_command";

// pnpm --filter @pg/example-trajectories start -- --out DIR   (writes DIR/trajectories.svg; --help says more)
process.exitCode = await runTrajectoriesCommand(process.argv.slice(2));
