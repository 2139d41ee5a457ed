import { setTimeout as sleep } from "timers/promises";
import { describeFetchError } from "../cli/http";

/**
 * The few Cloud KMS REST calls an emergency rotation needs (https://cloud.google.com/kms/docs/reference/rest):
 * list the keys of a ring, create a key version, make a version primary.
 */

export interface CryptoKeyVersion {
  /** `.../cryptoKeys/<key>/cryptoKeyVersions/<id>` */
  name: string;
  state: string;
  createTime: string;
}

export interface CryptoKey {
  name: string;
  /** Absent on a key without an enabled primary version. */
  primary?: CryptoKeyVersion;
}

/** A failed call: HTTP status, Google's error status, and whether trying again can help. */
export class KmsApiError extends Error {
  constructor(
    message: string,
    public readonly httpStatus: number,
    public readonly retryable: boolean,
  ) {
    super(message);
    this.name = "KmsApiError";
  }
}

export interface KmsClientOptions {
  /** @default "https://cloudkms.googleapis.com" */
  endpoint?: string;
  /** An OAuth access token for each call. */
  accessToken: () => Promise<string>;
  /** Project billed for quota (`x-goog-user-project`): the KMS project, whose quota the stack sizes. */
  quotaProject: string;
  /** Attempts per call on throttling or a server error. @default 8 */
  maxAttempts?: number;
  /** Length of "one second" for backoff; tests compress time. @default 1000 */
  secondMs?: number;
}

/** How a write is paced: each attempt, retries included, waits its turn; a 429 slows the pace. */
export interface WritePacing {
  take: () => Promise<void>;
  throttled: () => void;
}

// 429 is RESOURCE_EXHAUSTED (quota); 500/503 are transient. Everything else is the caller's fault.
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class KmsClient {
  private readonly endpoint: string;
  /** Calls refused for quota (429) so far: a correctly paced run has none. */
  public throttled = 0;
  /** Write calls made so far (each counted once, however often it was retried). */
  public writes = 0;

  constructor(private readonly options: KmsClientOptions) {
    this.endpoint = (options.endpoint ?? "https://cloudkms.googleapis.com").replace(/\/$/, "");
  }

  /** One page of a ring's keys, with the server's clock (`Date` header) at the time of the call. */
  async listCryptoKeys(
    ring: string,
    pageToken?: string,
  ): Promise<{ cryptoKeys: CryptoKey[]; nextPageToken?: string; serverTime: Date }> {
    const query = new URLSearchParams({ pageSize: "1000", ...(pageToken ? { pageToken } : {}) });
    const { body, date } = await this.call("GET", `/v1/${ring}/cryptoKeys?${query}`);
    const page = body as { cryptoKeys?: CryptoKey[]; nextPageToken?: string };
    return {
      cryptoKeys: page.cryptoKeys ?? [],
      nextPageToken: page.nextPageToken || undefined,
      serverTime: date,
    };
  }

  /** Every key of a ring (pages of 1,000: a read per page, against a read quota of a few hundred a minute). */
  async listAllCryptoKeys(ring: string): Promise<{ cryptoKeys: CryptoKey[]; serverTime: Date }> {
    const first = await this.listCryptoKeys(ring);
    const cryptoKeys = [...first.cryptoKeys];
    for (let token = first.nextPageToken; token;) {
      const page = await this.listCryptoKeys(ring, token);
      cryptoKeys.push(...page.cryptoKeys);
      token = page.nextPageToken;
    }
    return { cryptoKeys, serverTime: first.serverTime };
  }

  /** A key by its full name, or undefined if Cloud KMS has no such key (404). */
  async getCryptoKey(name: string): Promise<CryptoKey | undefined> {
    try {
      return (await this.call("GET", `/v1/${name}`)).body as CryptoKey;
    } catch (err) {
      if (err instanceof KmsApiError && err.httpStatus === 404) return undefined;
      throw err;
    }
  }

  /** A new, enabled version (software keys are generated synchronously). */
  async createVersion(key: string, pacing?: WritePacing): Promise<CryptoKeyVersion> {
    this.writes++;
    return (await this.call("POST", `/v1/${key}/cryptoKeyVersions`, {}, pacing)).body as CryptoKeyVersion;
  }

  async updatePrimaryVersion(key: string, versionId: string, pacing?: WritePacing): Promise<CryptoKey> {
    this.writes++;
    const path = `/v1/${key}:updatePrimaryVersion`;
    return (await this.call("POST", path, { cryptoKeyVersionId: versionId }, pacing)).body as CryptoKey;
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    pacing?: WritePacing,
  ): Promise<{ body: unknown; date: Date }> {
    const maxAttempts = this.options.maxAttempts ?? 8;
    const secondMs = this.options.secondMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        await pacing?.take();
        return await this.once(method, path, body);
      } catch (err) {
        if (!(err instanceof KmsApiError) || !err.retryable || attempt >= maxAttempts) throw err;
        if (err.httpStatus === 429) {
          this.throttled++;
          pacing?.throttled();
        }
        // Exponential backoff with full jitter, capped at 32 s (Google's retry guidance).
        const ceiling = Math.min(32, 2 ** (attempt - 1)) * secondMs;
        await sleep(Math.random() * ceiling);
      }
    }
  }

  private async once(method: string, path: string, body?: unknown): Promise<{ body: unknown; date: Date }> {
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await this.options.accessToken()}`,
          "x-goog-user-project": this.options.quotaProject,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      // Connection reset or refused: the call may or may not have happened; the caller re-checks.
      throw new KmsApiError(`${method} ${path}: ${describeFetchError(err)}`, 0, true);
    }
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : {};
    if (!response.ok) {
      const error = (parsed as { error?: { status?: string; message?: string } }).error;
      throw new KmsApiError(
        `${method} ${path}: HTTP ${response.status} ${error?.status ?? ""} ${error?.message ?? text}`.trim(),
        response.status,
        RETRYABLE.has(response.status),
      );
    }
    const date = new Date(response.headers.get("date") ?? Date.now());
    return { body: parsed, date };
  }
}

/** The version id (last path segment) of a version name. */
export function versionId(version: CryptoKeyVersion): string {
  return version.name.slice(version.name.lastIndexOf("/") + 1);
}
