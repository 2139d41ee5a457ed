import { execFile } from "child_process";

/** Where tokens come from: QAIROPAY_KMS_ACCESS_TOKEN if set, else the operator's gcloud login. */
export const ACCESS_TOKEN_ENV = "QAIROPAY_KMS_ACCESS_TOKEN";

// gcloud tokens live an hour; the rotation is planned for ten minutes, but re-fetch well before expiry.
const REFRESH_MS = 30 * 60_000;

/** A cached access-token source for KmsClient. */
export function accessTokenSource(): () => Promise<string> {
  let cached: { token: string; at: number } | undefined;
  return async () => {
    const fromEnv = process.env[ACCESS_TOKEN_ENV];
    if (fromEnv) return fromEnv;
    if (cached && Date.now() - cached.at < REFRESH_MS) return cached.token;
    const token = await new Promise<string>((resolve, reject) =>
      execFile("gcloud", ["auth", "print-access-token"], (err, stdout) =>
        err
          ? reject(
              new Error(`no access token: set ${ACCESS_TOKEN_ENV} or log in with gcloud (${err.message})`),
            )
          : resolve(stdout.trim()),
      ),
    );
    cached = { token, at: Date.now() };
    return token;
  };
}
