import { execFile } from "child_process";

/** Where tokens come from: QAIROPAY_KMS_ACCESS_TOKEN if set, else the operator's gcloud login. */
export const ACCESS_TOKEN_ENV = "QAIROPAY_KMS_ACCESS_TOKEN";

// gcloud tokens live an hour; the rotation is planned for ten minutes, but re-fetch well before expiry.
const REFRESH_MS = 30 * 60_000;

export interface AccessTokenOptions {
  /** The gcloud executable. @default "gcloud" */
  gcloud?: string;
  /** How long `gcloud auth print-access-token` may take before the tool gives up. @default 20 s */
  timeoutMs?: number;
  /** The environment the command was given. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * A cached access-token source for the Cloud KMS and Cloud SQL clients. gcloud is asked never to
 * prompt (CLOUDSDK_CORE_DISABLE_PROMPTS, https://cloud.google.com/sdk/docs/properties: core/
 * disable_prompts) and is given a deadline, so a login that is missing or expired fails with what
 * to run instead of hanging the tool.
 */
export function accessTokenSource(options: AccessTokenOptions = {}): () => Promise<string> {
  const gcloud = options.gcloud ?? "gcloud";
  const timeoutMs = options.timeoutMs ?? 20_000;
  const howTo = `log in with \`gcloud auth login\` (an account with the roles the tool needs), or set ${ACCESS_TOKEN_ENV}`;
  const env = options.env ?? process.env;
  let cached: { token: string; at: number } | undefined;
  return async () => {
    const fromEnv = env[ACCESS_TOKEN_ENV];
    if (fromEnv) return fromEnv;
    if (cached && Date.now() - cached.at < REFRESH_MS) return cached.token;
    const token = await new Promise<string>((resolve, reject) =>
      execFile(
        gcloud,
        ["auth", "print-access-token"],
        { timeout: timeoutMs, env: { ...env, CLOUDSDK_CORE_DISABLE_PROMPTS: "1" } },
        (err, stdout, stderr) => {
          if (!err) return resolve(stdout.trim());
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === "ENOENT")
            return reject(
              new Error(
                `no access token: ${gcloud} is not installed or not on PATH; install the gcloud CLI and ${howTo}`,
              ),
            );
          if (e.killed)
            return reject(
              new Error(
                `no access token: \`${gcloud} auth print-access-token\` did not answer within ${timeoutMs / 1000} s; ${howTo}`,
              ),
            );
          const said = String(stderr).trim().split("\n").filter(Boolean).slice(-2).join(" ");
          reject(
            new Error(
              `no access token: \`${gcloud} auth print-access-token\` failed${said ? ` (${said})` : ""}; ${howTo}`,
            ),
          );
        },
      ),
    );
    cached = { token, at: Date.now() };
    return token;
  };
}
