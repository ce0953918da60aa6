// Checks of the contracts' shapes (a Physics, a solver, a scheme) shared by the public entry points of this package.
// Internal: the entry points call them once per call, never per element.
import { PgValidationError } from "./errors";
import type { Physics } from "./physics";

/** Throws unless `value` is a non-null object (arrays included). */
export function requireObject(where: string, parameter: string, value: unknown, expected: string): object {
  if (typeof value !== "object" || value === null) throw new PgValidationError(where, parameter, expected, value);
  return value;
}

/** Throws unless `value` is a function. */
export function requireFunction(where: string, parameter: string, value: unknown, expected = "a function"): void {
  if (typeof value !== "function") throw new PgValidationError(where, parameter, expected, value);
}

/** Throws unless `value` is a Float64Array. */
export function requireFloat64Array(where: string, parameter: string, value: unknown): Float64Array {
  if (!(value instanceof Float64Array)) throw new PgValidationError(where, parameter, "a Float64Array", value);
  return value;
}

function isPositiveShape(shape: unknown): boolean {
  return Array.isArray(shape) && shape.every((extent) => typeof extent === "number" && Number.isInteger(extent) && extent >= 1);
}

/** Throws unless `physics` has the members of a {@link Physics}: xShape and yShape of positive integers, forward and adjoint. */
export function requirePhysics<P extends Physics>(where: string, parameter: string, physics: unknown): P {
  const expected = "a Physics { name, xShape, yShape, forward, adjoint }";
  const object = requireObject(where, parameter, physics, expected) as Partial<Physics>;
  for (const member of ["xShape", "yShape"] as const) {
    if (!isPositiveShape(object[member])) {
      throw new PgValidationError(where, `${parameter}.${member}`, "an array of positive integers", object[member]);
    }
  }
  requireFunction(where, `${parameter}.forward`, object.forward, "a function (x, batch) => y");
  requireFunction(where, `${parameter}.adjoint`, object.adjoint, "a function (x, dy, batch) => dx");
  return physics as P;
}
