/**
 * Activities of the `patched()` example (docs/changing-workflows.md).
 * @module
 */

/** The example's activities. */
export const patchDemoActivities = {
  /** Stands for `fetchVenue`. */
  readVenue(key: string): Promise<string> {
    return Promise.resolve(`read ${key}`);
  },
  /** The step a new version adds (stands for e.g. a validation before the deploy). */
  checkData(read: string): Promise<string> {
    return Promise.resolve(`checked ${read}`);
  },
};

/** Their type, for the workflows' `proxyActivities`. */
export type PatchDemoActivities = typeof patchDemoActivities;
