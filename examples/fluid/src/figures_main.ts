import { initBackend } from "@pg/backend";
import { writeFluidFigures } from "./figures";

// pnpm --dir examples/fluid figures -- RUN_DIR [RUN_DIR …]   (figures go into the first directory)
try {
  const runs = process.argv.slice(2).filter((argument) => argument !== "--");
  await initBackend();
  const files = await writeFluidFigures({ runs });
  process.stdout.write(`fluid: wrote ${files.join(", ")}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
