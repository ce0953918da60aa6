/**
 * glibc's malloc settings of a run's process. glibc reads them once, when a process starts, so each run gets them
 * (or not) through the environment of its fresh child process.
 */

/** How a run's process allocates: `tuned` with {@link ALLOCATOR_SETTINGS}, `default` with glibc's own settings. */
export type AllocatorMode = "tuned" | "default";

/** Both modes, in the order `--allocator both` runs them. */
export const ALLOCATOR_MODES: readonly AllocatorMode[] = ["default", "tuned"];

/**
 * The settings `pg` and the examples restart themselves with on Linux (`ALLOCATOR_SETTINGS` of
 * packages/cli/src/allocator_settings.ts; docs/performance.md): `MALLOC_MMAP_MAX_=0` serves large blocks from the
 * heap instead of mapping and unmapping them, and a 64 GiB `MALLOC_TRIM_THRESHOLD_` keeps freed memory in the
 * process, so a step no longer page-faults on the memory the step before it gave back to the system.
 */
export const ALLOCATOR_SETTINGS: Readonly<Record<"MALLOC_MMAP_MAX_" | "MALLOC_TRIM_THRESHOLD_", string>> = {
  MALLOC_MMAP_MAX_: "0",
  MALLOC_TRIM_THRESHOLD_: "68719476736",
};

/** The environment variables of glibc's allocator that a run records (the two settings and glibc's tunables). */
const RECORDED_VARIABLES = [...Object.keys(ALLOCATOR_SETTINGS), "GLIBC_TUNABLES"];

/**
 * The environment of a run's process: `base` with {@link ALLOCATOR_SETTINGS} set (`tuned`) or removed (`default`),
 * whatever `base` had. Pure.
 * @example
 * allocatorEnvironment({ HOME: "/root", MALLOC_MMAP_MAX_: "0" }, "default"); // { HOME: "/root" }
 */
export function allocatorEnvironment(base: Readonly<Record<string, string | undefined>>, mode: AllocatorMode): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !(name in ALLOCATOR_SETTINGS)) env[name] = value;
  }
  return mode === "tuned" ? { ...env, ...ALLOCATOR_SETTINGS } : env;
}

/** The allocator variables present in `env` (for the JSON: what a run's process actually got). */
export function allocatorVariablesOf(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of RECORDED_VARIABLES) {
    const value = env[name];
    if (value !== undefined) found[name] = value;
  }
  return found;
}
