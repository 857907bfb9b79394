/**
 * Prints, as one JSON object, the state (`granted`, `prompt`, `denied`) of each permission
 * descriptor given as a JSON array in the first argument. Run in place of a task's script to see
 * what the task's flags really grant (`tests/task_permissions_test.ts`).
 *
 * @example
 * ```sh
 * deno run -q -P=client --config deno.json tests/helpers/permission_probe.ts '[{"name":"env","variable":"HOME"}]'
 * # {"{\"name\":\"env\",\"variable\":\"HOME\"}":"granted"}
 * ```
 * @module
 */
const descriptors: Deno.PermissionDescriptor[] = JSON.parse(Deno.args[0] ?? "[]");
const states: Record<string, Deno.PermissionState> = {};
for (const d of descriptors) states[JSON.stringify(d)] = (await Deno.permissions.query(d)).state;
console.log(JSON.stringify(states));
