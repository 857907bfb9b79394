/**
 * The one error of the git deploy ({@link GitDeployError}) and its kinds, for callers deciding
 * whether to retry.
 *
 * @example
 * ```ts
 * import { GitDeployError } from "./deploy_error.ts";
 *
 * const err = new GitDeployError("GIT_REPOSITORY_URL x: could not reach it", "unreachable");
 * console.log(err.retryable); // true
 * ```
 *
 * @module
 */

/** What went wrong, for callers deciding whether to retry. */
export type GitDeployErrorKind =
  | "config" // bad option value: fix the configuration
  | "git-missing" // git is not installed or may not be run
  | "unreachable" // remote not found, refused, DNS, …
  | "auth" // credentials missing or rejected
  | "timeout" // a git command exceeded timeoutMs
  | "rejected" // the remote refused the push (protected branch, hook, …)
  | "contention" // pushes kept being rejected because others kept pushing
  | "aborted" // options.signal fired
  | "unsafe-repository" // the branch holds a symbolic link where the deploy reads or writes
  | "git"; // any other git failure

/** A one-line, user-facing deploy failure that never contains the token. */
export class GitDeployError extends Error {
  override name = "GitDeployError";
  /** Whether trying again later may succeed (network trouble, timeouts, contention). */
  readonly retryable: boolean;
  constructor(message: string, readonly kind: GitDeployErrorKind) {
    super(message);
    this.retryable = kind === "unreachable" || kind === "timeout" ||
      kind === "contention" || kind === "git";
  }
}

/** A {@link GitDeployError} of kind `"config"`: a bad option value. */
export function configError(message: string): GitDeployError {
  return new GitDeployError(message, "config");
}
