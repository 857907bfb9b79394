/**
 * The named permission sets of `deno.json` (`"permissions"`), which the tasks use as
 * `deno run -q -P=<set>` (`-q` hides the notice Deno 2.9 prints for every `-P`: permission sets
 * are experimental), rendered as `--allow-*` flags for `deno compile`, which bakes flags into the
 * binary. One source of truth: change a set in `deno.json` and the tasks and the compiled binary
 * follow.
 *
 * @example
 * ```ts
 * import { permissionSetFlags, readPermissionSet } from "./permission_sets.ts";
 * const flags = permissionSetFlags(await readPermissionSet("worker"));
 * console.log(flags); // ["--allow-env=INIT_CWD,PATH,…", "--allow-read", "--allow-write", …]
 * ```
 * @module
 */
import { DENO_JSON, readConfig } from "./tasks.ts";

/** A permission set is missing from `deno.json`, or has a shape this module refuses. */
export class PermissionSetError extends Error {
  override name = "PermissionSetError";
}

/**
 * One named permission set: per kind, `true` (unscoped) or the allowed values. Paths are
 * relative to the folder of `deno.json`.
 */
export type PermissionSet = Partial<Record<PermissionKind, true | string[]>>;

/** The permission kinds a set may grant, in the order {@link permissionSetFlags} renders them. */
export const PERMISSION_KINDS = ["env", "read", "write", "net", "sys", "ffi", "run"] as const;

/** One of {@link PERMISSION_KINDS}. */
export type PermissionKind = typeof PERMISSION_KINDS[number];

/**
 * The named permission set `name` from `deno.json`'s `"permissions"`. Refuses `-A`-like sets
 * (`"all": true`), `allow`/`deny` objects and unknown kinds, so that every set stays a plain
 * list of scoped grants. `configPath` defaults to {@link DENO_JSON}.
 */
export async function readPermissionSet(
  name: string,
  configPath = DENO_JSON,
): Promise<PermissionSet> {
  const sets = (await readConfig(configPath)).permissions as Record<string, unknown> | undefined;
  const set = sets?.[name];
  if (!set || typeof set !== "object") {
    throw new PermissionSetError(`${configPath}: no permission set "${name}"`);
  }
  for (const [kind, value] of Object.entries(set)) {
    const ok = (PERMISSION_KINDS as readonly string[]).includes(kind) &&
      (value === true || (Array.isArray(value) && value.every((v) => typeof v === "string")));
    if (!ok) {
      throw new PermissionSetError(
        `${configPath}: permission set "${name}": "${kind}" must be one of ${
          PERMISSION_KINDS.join(", ")
        } with true or a list of strings`,
      );
    }
  }
  return set as PermissionSet;
}

/** The `--allow-*` flags granting exactly `set` (for `deno compile`, which takes flags). */
export function permissionSetFlags(set: PermissionSet): string[] {
  return PERMISSION_KINDS.flatMap((kind) => {
    const value = set[kind];
    if (value === undefined) return [];
    return [value === true ? `--allow-${kind}` : `--allow-${kind}=${value.join(",")}`];
  });
}
