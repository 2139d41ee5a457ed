import * as http from "http";
import { AddressInfo } from "net";
import { setTimeout as sleep } from "timers/promises";

/**
 * A local Cloud KMS REST endpoint for the calls the key rotation makes (list keys, create a version,
 * update the primary) and the provider makes for a key (create, get), answering as the API does (https://cloud.google.com/kms/docs/reference/rest),
 * including its quota: writes and reads per quota project (`x-goog-user-project`) and location over
 * a sliding window, refused with 429 RESOURCE_EXHAUSTED beyond the limit. Real HTTP, so the tool is
 * exercised exactly as against Google; only the service behind it is local.
 */
export interface KmsEmulatorOptions {
  /** Bearer token every call must carry. */
  token: string;
  writesPerMinute: number;
  /** @default 600 (the read default since February 2026) */
  readsPerMinute?: number;
  /** Length of "a minute"; tests compress time. @default 60000 */
  windowMs?: number;
  /** Added to every answer, as a network round trip would be. @default 0 */
  latencyMs?: number;
}

interface Version {
  id: number;
  createTime: string;
  state: "ENABLED";
}

interface Key {
  versions: Version[];
  primary?: number;
}

export interface KmsEmulatorStats {
  reads: number;
  writes: number;
  throttled: number;
  /** Keys created (cryptoKeys.create accepted). */
  creates: number;
  /** Most writes accepted within any one window, per quota project and location. */
  peakWritesPerWindow: number;
}

export class KmsEmulator {
  private server?: http.Server;
  private readonly keys = new Map<string, Key>();
  private readonly recent = new Map<string, { times: number[]; head: number }>();
  private readonly windowMs: number;
  public readonly stats: KmsEmulatorStats = {
    reads: 0,
    writes: 0,
    throttled: 0,
    creates: 0,
    peakWritesPerWindow: 0,
  };
  /** Called after each accepted write with the running count (tests interrupt a run here). */
  public onWrite?: (writes: number) => void;

  constructor(private readonly options: KmsEmulatorOptions) {
    this.windowMs = options.windowMs ?? 60_000;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Keys that exist before the run, each with one primary version created at `createTime`. */
  seed(ring: string, keyIds: string[], createTime: Date): void {
    for (const id of keyIds) {
      this.keys.set(`${ring}/cryptoKeys/${id}`, {
        versions: [{ id: 1, createTime: createTime.toISOString(), state: "ENABLED" }],
        primary: 1,
      });
    }
  }

  /** Versions and primary of a key, as the test inspects them. */
  key(name: string): { versions: number; primary?: number; primaryCreateTime?: string } | undefined {
    const key = this.keys.get(name);
    if (!key) return undefined;
    const primary = key.versions.find((v) => v.id === key.primary);
    return { versions: key.versions.length, primary: key.primary, primaryCreateTime: primary?.createTime };
  }

  keyNames(): string[] {
    return [...this.keys.keys()];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, { error: { code: status, status: code, message } });
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      return fail(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    const quotaProject = req.headers["x-goog-user-project"];
    if (typeof quotaProject !== "string") return fail(403, "PERMISSION_DENIED", "no quota project");
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname).replace(/^\/v1\//, "");
    const location = /^projects\/[^/]+\/locations\/([^/]+)\//.exec(path)?.[1] ?? "global";
    const isWrite = req.method === "POST";
    if (!this.admit(`${quotaProject}/${location}/${isWrite ? "w" : "r"}`, isWrite)) {
      this.stats.throttled++;
      return fail(429, "RESOURCE_EXHAUSTED", `Quota exceeded for ${isWrite ? "write" : "read"} requests`);
    }

    let match: RegExpExecArray | null;
    if (req.method === "GET" && (match = /^(.+\/keyRings\/[^/]+)\/cryptoKeys$/.exec(path))) {
      this.stats.reads++;
      return send(200, this.list(match[1], url.searchParams));
    }
    if (req.method === "GET" && (match = /^(.+\/keyRings\/[^/]+\/cryptoKeys\/[^/:]+)$/.exec(path))) {
      this.stats.reads++;
      const key = this.keys.get(match[1]);
      if (!key) return fail(404, "NOT_FOUND", `${match[1]} not found.`);
      return send(200, this.keyJson(match[1], key));
    }
    // cryptoKeys.create: a name that exists is refused, and a key's name is never free again
    // ("Deleted CryptoKey names can't be reused", projects.locations.keyRings.cryptoKeys).
    if (isWrite && (match = /^(.+\/keyRings\/[^/]+)\/cryptoKeys$/.exec(path))) {
      const name = `${match[1]}/cryptoKeys/${url.searchParams.get("cryptoKeyId") ?? ""}`;
      if (this.keys.has(name)) return fail(409, "ALREADY_EXISTS", `CryptoKey ${name} already exists.`);
      const key: Key = {
        versions: [{ id: 1, createTime: new Date().toISOString(), state: "ENABLED" }],
        primary: 1,
      };
      this.keys.set(name, key);
      this.stats.creates++;
      this.wrote();
      return send(200, this.keyJson(name, key));
    }
    if (isWrite && (match = /^(.+\/cryptoKeys\/[^/:]+)\/cryptoKeyVersions$/.exec(path))) {
      const key = this.keys.get(match[1]);
      if (!key) return fail(404, "NOT_FOUND", `${match[1]} not found.`);
      const version: Version = {
        id: key.versions.length + 1,
        createTime: new Date().toISOString(),
        state: "ENABLED",
      };
      key.versions.push(version);
      this.wrote();
      return send(200, versionJson(match[1], version));
    }
    if (isWrite && (match = /^(.+\/cryptoKeys\/[^/:]+):updatePrimaryVersion$/.exec(path))) {
      const key = this.keys.get(match[1]);
      const id = Number((JSON.parse(body || "{}") as { cryptoKeyVersionId?: string }).cryptoKeyVersionId);
      if (!key) return fail(404, "NOT_FOUND", `${match[1]} not found.`);
      if (!key.versions.some((v) => v.id === id)) {
        return fail(400, "INVALID_ARGUMENT", `version ${id} does not exist`);
      }
      key.primary = id;
      this.wrote();
      return send(200, this.keyJson(match[1], key));
    }
    return fail(404, "NOT_FOUND", `no such method: ${req.method} ${url.pathname}`);
  }

  private list(ring: string, query: URLSearchParams) {
    const names = [...this.keys.keys()].filter((k) => k.startsWith(`${ring}/cryptoKeys/`)).sort();
    const start = Number(query.get("pageToken") ?? 0);
    const size = Math.min(Number(query.get("pageSize") ?? 1000), 1000);
    const page = names.slice(start, start + size);
    return {
      cryptoKeys: page.map((name) => this.keyJson(name, this.keys.get(name) as Key)),
      nextPageToken: start + size < names.length ? String(start + size) : undefined,
      totalSize: names.length,
    };
  }

  private keyJson(name: string, key: Key) {
    const primary = key.versions.find((v) => v.id === key.primary);
    return { name, purpose: "ENCRYPT_DECRYPT", ...(primary ? { primary: versionJson(name, primary) } : {}) };
  }

  private admit(bucket: string, isWrite: boolean): boolean {
    const now = performance.now();
    const limit = isWrite ? this.options.writesPerMinute : (this.options.readsPerMinute ?? 600);
    let window = this.recent.get(bucket);
    if (!window) this.recent.set(bucket, (window = { times: [], head: 0 }));
    while (window.head < window.times.length && window.times[window.head] <= now - this.windowMs)
      window.head++;
    if (window.head > 4096) {
      window.times = window.times.slice(window.head);
      window.head = 0;
    }
    const inWindow = window.times.length - window.head;
    if (inWindow >= limit) return false;
    window.times.push(now);
    if (isWrite) this.stats.peakWritesPerWindow = Math.max(this.stats.peakWritesPerWindow, inWindow + 1);
    return true;
  }

  private wrote(): void {
    this.stats.writes++;
    this.onWrite?.(this.stats.writes);
  }
}

function versionJson(key: string, v: Version) {
  return { name: `${key}/cryptoKeyVersions/${v.id}`, state: v.state, createTime: v.createTime };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk: Buffer) => (data += chunk.toString()));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
