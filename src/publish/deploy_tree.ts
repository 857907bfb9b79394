/**
 * The deploy's clone: its folder, syncing it with the remote branch, refusing symbolic links,
 * reading the branch's files to compare, and writing the new ones.
 *
 * @example
 * ```ts
 * import { prepareWorkDir } from "./deploy_tree.ts";
 *
 * const dir = await prepareWorkDir("/tmp/atg-deploy-work"); // missing, empty, or an old clone
 * console.log(dir);
 * ```
 *
 * @module
 */

import { writeAtomic } from "./atomic_write.ts";
import { defaultCompare, toBytes } from "./deploy_compare.ts";
import { configError, GitDeployError } from "./deploy_error.ts";
import { type DeployOptions, inSubdir, normalizePath, type Resolved } from "./deploy_options.ts";
import type { Git } from "./git_process.ts";

/**
 * The clone's folder `workDir` (relative to the cwd) made ready: created when missing, wiped
 * when it holds an earlier clone; any other content is refused (kind `"config"`).
 */
export async function prepareWorkDir(workDir: string): Promise<string> {
  const dir = workDir.startsWith("/") ? workDir : `${Deno.cwd()}/${workDir}`;
  const entries: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  if (entries.length > 0) {
    if (!entries.includes(".git")) {
      throw configError(
        `workDir ${dir} is not empty and is not an earlier deploy clone: use an empty or missing folder`,
      );
    }
    await Deno.remove(dir, { recursive: true });
  }
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

/** Fetches the branch's tip and makes the work tree exactly that; `null`: no such branch. */
export async function syncWithRemote(git: Git, cfg: Resolved): Promise<string | null> {
  const tracking = `refs/remotes/origin/${cfg.branch}`;
  const refspec = `+refs/heads/${cfg.branch}:${tracking}`;
  const fetch = await git.run(
    ["fetch", "-q", "--depth=1", "--no-tags", "origin", refspec],
    "fetch",
    true,
  );
  if (fetch.code === 0) {
    await git.run(["reset", "-q", "--hard", tracking], "reset");
    await git.run(["clean", "-q", "-ffdx"], "clean");
    return (await git.run(["rev-parse", tracking], "rev-parse")).stdout.trim();
  }
  if (!/couldn't find remote ref/i.test(fetch.stderr)) throw git.failure("fetch", fetch);
  // Empty remote or no such branch (possibly deleted since an earlier attempt): start it afresh.
  await git.run(["update-ref", "-d", `refs/heads/${cfg.branch}`], "update-ref", true);
  await git.run(["update-ref", "-d", tracking], "update-ref", true);
  await git.run(["read-tree", "--empty"], "read-tree");
  await git.run(["clean", "-q", "-ffdx"], "clean");
  return null;
}

/** A path of the clone, for one-line messages (control characters escaped, length bounded). */
function showPath(path: string): string {
  const shown = JSON.stringify(path);
  return shown.length > 120 ? `${shown.slice(0, 117)}..."` : shown;
}

function symlinkError(cfg: Resolved, path: string): GitDeployError {
  return new GitDeployError(
    `GIT_REPOSITORY_URL ${cfg.display}: ${cfg.branch} has a symbolic link at ${
      showPath(path)
    }; the deploy never follows links (remove it from the branch)`,
    "unsafe-repository",
  );
}

/** `lstat` that answers `undefined` for a missing path. */
async function lstatOrNone(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw err;
  }
}

/**
 * Refuses a clone in which any path the deploy reads or writes is, or passes through, a symbolic
 * link: the folders leading to `subdir`, everything inside it, and (for the root) each file path.
 */
export async function assertNoSymlinks(dir: string, cfg: Resolved): Promise<void> {
  const checkChain = async (rel: string) => {
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join("/");
      const info = await lstatOrNone(`${dir}/${path}`);
      if (!info) return;
      if (info.isSymlink) throw symlinkError(cfg, path);
    }
  };
  if (!cfg.subdir) {
    for (const path of cfg.files.keys()) await checkChain(path);
    return;
  }
  await checkChain(cfg.subdir);
  const walk = async (rel: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(`${dir}/${rel}`));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
      throw err;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isSymlink) throw symlinkError(cfg, path);
      if (e.isDirectory) await walk(path);
    }
  };
  await walk(cfg.subdir);
}

/**
 * The regular files under `rel` (no links: {@link assertNoSymlinks} ran first), or `undefined`
 * when together they exceed `budget.left` bytes (then nothing more is read).
 */
async function readTree(
  root: string,
  rel: string,
  out: Map<string, Uint8Array>,
  budget: { left: number },
): Promise<boolean> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(`${root}/${rel}`));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return true;
    }
    throw err;
  }
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory) {
      if (!await readTree(root, path, out, budget)) return false;
    } else if (e.isFile) {
      const content = await readCapped(`${root}/${path}`, budget);
      if (!content) return false;
      out.set(path, content);
    }
  }
  return true;
}

/** Reads a regular file if it fits in `budget.left` (then charged); `undefined` if not. */
async function readCapped(path: string, budget: { left: number }): Promise<Uint8Array | undefined> {
  const info = await Deno.lstat(path);
  if (!info.isFile || info.size > budget.left) return undefined;
  budget.left -= info.size;
  const content = await Deno.readFile(path);
  return content.length <= info.size ? content : undefined;
}

/**
 * Whether the branch's files already match the new ones (`compare`, default
 * {@link defaultCompare}), after `prepare` rebuilt `cfg.files` from them (it replaces
 * `cfg.files`). Over `cfg.maxCompareBytes`: changed, without reading the rest.
 */
export async function unchanged(
  dir: string,
  cfg: Resolved,
  compare: DeployOptions["compare"],
  prepare?: DeployOptions["prepare"],
): Promise<boolean> {
  const old = new Map<string, Uint8Array>();
  const budget = { left: cfg.maxCompareBytes };
  if (cfg.subdir) {
    // Over the budget: treat as changed; the folder is rewritten without reading the rest.
    if (!await readTree(dir, cfg.subdir, old, budget)) return false;
  } else {
    for (const path of cfg.files.keys()) {
      const info = await lstatOrNone(`${dir}/${path}`);
      if (!info) continue;
      const content = await readCapped(`${dir}/${path}`, budget);
      if (!content) return false;
      old.set(path, content);
    }
  }
  const strip = (m: Map<string, Uint8Array>) => {
    const n = cfg.subdir ? cfg.subdir.length + 1 : 0;
    return Object.fromEntries([...m].map(([p, c]) => [p.slice(n), c]));
  };
  const text = (r: Record<string, Uint8Array>) =>
    Object.fromEntries(Object.entries(r).map(([p, c]) => [p, new TextDecoder().decode(c)]));
  const oldFiles = strip(old);
  if (prepare) {
    const prepared = Object.entries(prepare(text(oldFiles)));
    cfg.files = new Map(
      prepared.map((
        [p, c],
      ) => [inSubdir(cfg.subdir, normalizePath(p, "file path", false)), toBytes(c)]),
    );
  }
  const newFiles = strip(cfg.files);
  if (!compare) return defaultCompare(oldFiles, newFiles);
  return compare(text(oldFiles), text(newFiles));
}

/** Writes every file as a temp file beside it, then renames it into place. */
export async function writeFiles(dir: string, cfg: Resolved): Promise<void> {
  if (cfg.subdir) {
    await Deno.remove(`${dir}/${cfg.subdir}`, { recursive: true }).catch(() => {});
  }
  for (const [path, content] of cfg.files) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await writeAtomic(full, content);
  }
}
