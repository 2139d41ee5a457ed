import * as path from "path";

/**
 * A path the user gave, resolved where they ran `npm run` (npm runs scripts from the package root
 * and passes the original directory as INIT_CWD).
 */
export function userPath(p: string): string;
export function userPath(p: string | undefined): string | undefined;
export function userPath(p: string | undefined): string | undefined {
  return p === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}
