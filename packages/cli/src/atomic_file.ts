import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { PgValidationError, requireKnownKeys } from "@pg/core";
import { requirePath } from "./arguments";

/**
 * Replaces `path` with `data` so that a reader, or a process killed at any moment, sees either the old file or the
 * new one whole: the data goes to a temporary file beside it, then a rename (atomic within a file system) puts it in
 * place. With `durable`, the file and its directory are synced too, so the new version also survives a power loss.
 * @throws {@link PgValidationError} for an empty path, data that is neither a string nor bytes, or an option other
 * than `durable` (e.g. `durabel`, with `durable` suggested).
 * @example
 * import { writeFileAtomic } from "@pg/cli";
 * import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * writeFileAtomic(join(directory, "summary.json"), "{}\n");
 * writeFileAtomic(join(directory, "summary.json"), '{"step":2}\n', { durable: true });
 * console.log(readFileSync(join(directory, "summary.json"), "utf8").trim(), readdirSync(directory).join(" ")); // {"step":2} summary.json
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { readonly durable?: boolean } = {}): void {
  const where = "writeFileAtomic";
  requirePath(where, "path", path);
  if (typeof data !== "string" && !(data instanceof Uint8Array)) throw new PgValidationError(where, "data", "a string or a Uint8Array", data);
  requireKnownKeys(where, "options", options, ["durable"]);
  if (options.durable !== undefined && typeof options.durable !== "boolean") throw new PgValidationError(where, "options.durable", "true or false", options.durable);
  const temporary = `${path}.${process.pid}.tmp`;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  try {
    const descriptor = openSync(temporary, "w");
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
      if (options.durable === true) fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  if (options.durable === true) syncDirectory(dirname(path));
}

/**
 * Makes a rename or a new file in `directory` durable (a no-op where directories cannot be opened for syncing).
 * @example
 * import { syncDirectory } from "@pg/cli";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * console.log(syncDirectory(mkdtempSync(join(tmpdir(), "pg-")))); // undefined
 */
export function syncDirectory(directory: string): void {
  requirePath("syncDirectory", "directory", directory);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(directory, "r");
    fsyncSync(descriptor);
  } catch {
    // Some platforms refuse to open or sync a directory; the rename itself is still atomic there.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
