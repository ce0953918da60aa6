import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statfsSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { PgValidationError } from "@pg/core";
import { requirePath } from "./arguments";

/** The files of a run directory. */
export const RUN_FILE = "run.json";
export const SUMMARY_FILE = "summary.json";
export const LOCK_FILE = ".pg-lock";

/** Linux file systems that hold no files of their own: a run directory there would hang or vanish. */
const VIRTUAL_FILE_SYSTEMS: Readonly<Record<number, string>> = { 0x9fa0: "proc", 0x62656572: "sysfs", 0x1cd1: "devpts", 0x73636673: "securityfs", 0x27e0eb: "cgroup", 0x63677270: "cgroup2" };
const DEVICE_ROOTS = ["/proc", "/sys", "/dev"];

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : String(error);
}

/**
 * Checks `--out` before any work: creates it if missing (one level at a time — a recursive create on a virtual file
 * system can spin forever) and proves it writable with a probe file. Fails within a second with an error naming
 * `--out` and the path: a file in the way, a path under /proc, /sys or /dev, a directory that cannot be created or
 * written.
 * @param where - the command, for messages.
 * @returns the absolute path of the directory.
 * @example
 * import { prepareOutputDirectory } from "@pg/cli";
 * import { mkdtempSync, existsSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const out = prepareOutputDirectory("pg train", join(mkdtempSync(join(tmpdir(), "pg-")), "runs", "heat"));
 * console.log(existsSync(out)); // true
 * try {
 *   prepareOutputDirectory("pg train", "/proc/x");
 * } catch (error) {
 *   console.log(error.message); // pg train: --out must be a directory on a file system that stores files; received "/proc/x". /proc is a virtual file system.
 * }
 */
export function prepareOutputDirectory(where: string, out: string): string {
  if (typeof out !== "string" || out.trim() === "") throw new PgValidationError(where, "--out", "a directory path", out);
  const absolute = resolve(out);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(existing).isDirectory();
    } catch (error) {
      const code = errorCode(error);
      if (code !== "ENOENT") throw new PgValidationError(where, "--out", "a directory that can be created and written", out, `${existing}: ${code}.`);
      missing.unshift(existing);
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
      continue;
    }
    if (!isDirectory) {
      throw new PgValidationError(where, "--out", "a directory (or a path where one can be created)", out, `${existing} is a file.`);
    }
    break;
  }
  const real = realpathSync(existing);
  const root = DEVICE_ROOTS.find((r) => real === r || real.startsWith(`${r}${sep}`));
  let virtual: string | undefined = root === undefined ? undefined : `${root} is a virtual file system.`;
  if (virtual === undefined) {
    try {
      const name = VIRTUAL_FILE_SYSTEMS[statfsSync(real).type];
      if (name !== undefined) virtual = `${real} is on a ${name} file system.`;
    } catch {
      // statfs is not available everywhere; the create and write probes below still fail fast.
    }
  }
  if (virtual !== undefined) throw new PgValidationError(where, "--out", "a directory on a file system that stores files", out, virtual);
  for (const directory of missing) {
    try {
      mkdirSync(directory);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") {
        throw new PgValidationError(where, "--out", "a directory that can be created and written", out, `Creating ${directory} failed: ${errorCode(error)}.`);
      }
    }
  }
  const probe = join(absolute, `.pg-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "w"));
    rmSync(probe, { force: true });
  } catch (error) {
    throw new PgValidationError(where, "--out", "a directory that can be written", out, `Writing in ${absolute} failed: ${errorCode(error)}.`);
  }
  return absolute;
}

/** What a directory holds, as far as a new run is concerned. */
export type DirectoryContents = "empty" | "run" | "other";

/**
 * "run" when the directory holds a run (run.json or summary.json), "empty" when it holds nothing (or only a lock
 * file), "other" otherwise.
 * @example
 * import { directoryContents } from "@pg/cli";
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * console.log(directoryContents(directory)); // empty
 * writeFileSync(join(directory, "notes.txt"), "mine");
 * console.log(directoryContents(directory)); // other
 * writeFileSync(join(directory, "run.json"), "{}");
 * console.log(directoryContents(directory)); // run
 */
export function directoryContents(directory: string): DirectoryContents {
  requirePath("directoryContents", "directory", directory);
  const entries = existsSync(directory) ? readdirSync(directory) : [];
  if (entries.includes(RUN_FILE) || entries.includes(SUMMARY_FILE)) return "run";
  return entries.every((entry) => entry === LOCK_FILE) ? "empty" : "other";
}

/**
 * Removes everything in a run directory but the lock (what `--force` does before a new run).
 * @example
 * import { clearRunDirectory } from "@pg/cli";
 * import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const directory = mkdtempSync(join(tmpdir(), "pg-"));
 * for (const file of ["run.json", "adam.csv", ".pg-lock"]) writeFileSync(join(directory, file), "");
 * mkdirSync(join(directory, "networks"));
 * clearRunDirectory(directory);
 * console.log(readdirSync(directory).join(" ")); // .pg-lock
 */
export function clearRunDirectory(directory: string): void {
  requirePath("clearRunDirectory", "directory", directory);
  for (const entry of readdirSync(directory)) {
    if (entry !== LOCK_FILE) rmSync(join(directory, entry), { recursive: true, force: true });
  }
}

/** Who holds a run directory's lock. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  readonly command: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * Whether `pid` has ended but no parent has collected its exit status yet (Linux). A process whose parent was killed
 * (pg's restart with the allocator settings, killed with SIGKILL) stays one where the process that inherits it never
 * collects it, as some containers' first process does not; it holds no lock.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path, "utf8")) as Partial<LockOwner>;
    return typeof owner.pid === "number" && typeof owner.hostname === "string" ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lock of a run directory: a file created exclusively, naming the process that writes the run. A second writer
 * is refused while that process lives; a lock left by a process that is gone (killed) is stale — reported through
 * `log` and taken over.
 * @example
 * import { RunLock } from "@pg/cli";
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const out = mkdtempSync(join(tmpdir(), "pg-"));
 * const lock = RunLock.acquire("pg train", out, "pg train sin");
 * try {
 *   RunLock.acquire("pg train", out, "pg train sin");
 * } catch (error) {
 *   console.log(error.message.startsWith("pg train: --out must be a run directory that no other pg process is writing to")); // true
 * }
 * lock.release();
 * RunLock.acquire("pg train", out, "pg train sin").release();
 */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(readonly path: string) {
    process.on("exit", this.onExit);
  }

  /** Takes the lock of `directory`, taking over a stale one (its owner is gone) after saying so. */
  static acquire(where: string, directory: string, command: string, log: (line: string) => void = () => {}): RunLock {
    if (typeof where !== "string" || where === "") throw new PgValidationError("RunLock.acquire", "where", "the name of the caller, for messages", where);
    requirePath(where, "--out", directory);
    if (typeof command !== "string") throw new PgValidationError(where, "command", "the command line, a string", command);
    if (typeof log !== "function") throw new PgValidationError(where, "log", "a function receiving each line", log);
    const path = join(directory, LOCK_FILE);
    const me: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), command };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const descriptor = openSync(path, "wx");
        try {
          writeSync(descriptor, `${JSON.stringify(me)}\n`);
        } finally {
          closeSync(descriptor);
        }
        return new RunLock(path);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") {
          throw new PgValidationError(where, "--out", "a directory where a lock file can be created", directory, `${path}: ${errorCode(error)}.`);
        }
      }
      const owner = readOwner(path);
      const sameHost = owner !== undefined && owner.hostname === me.hostname;
      if (owner !== undefined && (!sameHost || isAlive(owner.pid))) {
        const hint = sameHost
          ? `Process ${owner.pid} (${owner.command}, since ${owner.startedAt}) holds its lock.`
          : `Process ${owner.pid} on host ${owner.hostname} holds its lock; remove ${path} if that process is gone.`;
        throw new PgValidationError(where, "--out", "a run directory that no other pg process is writing to", directory, hint);
      }
      log(
        owner === undefined
          ? `${where}: taking over an unreadable lock file in ${directory}`
          : `${where}: taking over a stale lock: process ${owner.pid} (${owner.command}, since ${owner.startedAt}) is no longer running`,
      );
      rmSync(path, { force: true });
    }
    throw new PgValidationError(where, "--out", "a run directory whose lock can be taken", directory, `Another process took ${path} first.`);
  }

  /** The process that holds `directory`'s lock and is still running (on this host, or any other host), if any. */
  static liveOwner(directory: string): LockOwner | undefined {
    requirePath("RunLock.liveOwner", "directory", directory);
    const owner = readOwner(join(directory, LOCK_FILE));
    return owner !== undefined && (owner.hostname !== hostname() || isAlive(owner.pid)) ? owner : undefined;
  }

  /** Gives the lock back (also done when the process exits). */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off("exit", this.onExit);
    const owner = readOwner(this.path);
    if (owner?.pid === process.pid) rmSync(this.path, { force: true });
  }
}
