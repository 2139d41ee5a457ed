import { execFileSync } from "child_process";
import * as path from "path";
import { ShardLedger } from "../../tenantKeys/shards";
import { parseLedger, ShardSetError } from "./shardSet";

const git = (cwd: string, args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });

/** The commit a ref names; a ref that names none (or looks like an option) is bad input. */
export function resolveRef(ref: string, cwd: string): string {
  if (ref.startsWith("-")) throw new ShardSetError(`git ref ${ref}: a ref cannot start with "-"`);
  try {
    return git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).trim();
  } catch {
    throw new ShardSetError(
      `git ref ${ref}: not a commit of the repository at ${cwd} (in CI, fetch it first: \`git fetch origin <branch>\`)`,
    );
  }
}

/** A file's text at a commit, or undefined if the commit has no such file. */
export function fileAtCommit(commit: string, file: string): string | undefined {
  const cwd = path.dirname(file);
  try {
    // `<commit>:./<name>` is relative to the working directory (gitrevisions(7)).
    return git(cwd, ["show", `${commit}:./${path.basename(file)}`]);
  } catch {
    return undefined;
  }
}

/** The ledger a file held at a git ref (undefined if it did not exist there). */
export function ledgerAtRef(ref: string, file: string): ShardLedger | undefined {
  const commit = resolveRef(ref, path.dirname(file));
  const text = fileAtCommit(commit, file);
  return text === undefined ? undefined : parseLedger(text, `${file} at ${ref}`);
}

/** The tracked files under `paths` that differ between a ref and the working tree, relative to `root`. */
export function changedFiles(ref: string, root: string, paths: string[]): string[] {
  const commit = resolveRef(ref, root);
  const out = git(root, ["diff", "--name-only", "--relative", commit, "--", ...paths]);
  return out.split("\n").filter(Boolean);
}
