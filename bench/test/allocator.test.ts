import { describe, expect, it } from "vitest";
import { ALLOCATOR_SETTINGS, allocatorEnvironment, allocatorVariablesOf } from "../src/allocator";

describe("allocatorEnvironment", () => {
  it("tuned: adds both settings, replacing other values of them", () => {
    const env = allocatorEnvironment({ HOME: "/root", MALLOC_MMAP_MAX_: "65536", UNSET: undefined }, "tuned");
    expect(env).toEqual({ HOME: "/root", MALLOC_MMAP_MAX_: "0", MALLOC_TRIM_THRESHOLD_: "68719476736" });
    expect(ALLOCATOR_SETTINGS).toEqual({ MALLOC_MMAP_MAX_: "0", MALLOC_TRIM_THRESHOLD_: "68719476736" });
  });

  it("default: strips both settings the parent may have, keeps everything else", () => {
    const env = allocatorEnvironment({ PATH: "/usr/bin", MALLOC_MMAP_MAX_: "0", MALLOC_TRIM_THRESHOLD_: "1" }, "default");
    expect(env).toEqual({ PATH: "/usr/bin" });
  });

  it("records the allocator variables of an environment", () => {
    expect(allocatorVariablesOf({ PATH: "/usr/bin", MALLOC_TRIM_THRESHOLD_: "1", GLIBC_TUNABLES: "glibc.malloc.arena_max=2" })).toEqual({
      MALLOC_TRIM_THRESHOLD_: "1",
      GLIBC_TUNABLES: "glibc.malloc.arena_max=2",
    });
    expect(allocatorVariablesOf(allocatorEnvironment({}, "default"))).toEqual({});
  });
});
