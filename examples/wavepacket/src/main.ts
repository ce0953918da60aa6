import { restartWithAllocatorSettings } from "@pg/cli/allocator";

// On Linux with glibc, runs this script again with malloc settings that make training steps faster
// (docs/performance.md; PG_ALLOCATOR=default keeps glibc's defaults). The rest is imported after that.
await restartWithAllocatorSettings();

// pnpm --dir examples/wavepacket start -- --iterations N --batch B --seed S --methods adam --out DIR
// WAVEPACKET_EVALUATION_EXAMPLES sets the size of the L-BFGS-B / random-guessing evaluation set (default 10000).
const { runWavePacket } = await import("./run_wave_packet");
try {
  const { summary } = await runWavePacket(process.argv.slice(2));
  if (Object.values(summary.methods).some((m) => "error" in m && m.error !== undefined)) process.exitCode = 1;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
