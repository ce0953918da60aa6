import { runWavePacket } from "./run_wave_packet";

// pnpm --dir examples/wavepacket start -- --iterations N --batch B --seed S --methods adam --out DIR
// WAVEPACKET_EVALUATION_EXAMPLES sets the size of the L-BFGS-B / random-guessing evaluation set (default 10000).
try {
  const { summary } = await runWavePacket(process.argv.slice(2));
  if (Object.values(summary.methods).some((m) => "error" in m && m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
