import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { TENANT_KEYS_PROJECT } from "../../tenantKeys/config";

/** The compiled sources a shard stack runs (its program and the key catalogue it reads). */
const PROGRAM_FILES = [
  "bin/tenantKeys/index.js",
  "bin/tenantKeys/config.js",
  "bin/tenantKeys/program.js",
  "bin/components/keyCatalogue.js",
];

/**
 * What a shard's last successful update must have had for the shard to be left alone: its
 * configuration, the program's code and the platform's `tenantKeys` output. Stored in the shard's
 * configuration, so the update history (`UpdateSummary.config`) records the one each update used.
 */
export function shardFingerprint(config: Record<string, string>, platformOutput: unknown): string {
  const hash = createHash("sha256");
  for (const file of PROGRAM_FILES) hash.update(fs.readFileSync(path.join(PROJECT_ROOT, file)));
  hash.update(JSON.stringify(Object.entries(config).sort()));
  hash.update(JSON.stringify(platformOutput ?? null));
  return hash.digest("hex").slice(0, 32);
}

export const FINGERPRINT_KEY = `${TENANT_KEYS_PROJECT}:fingerprint`;

/** A shard stack's name as the backend knows it: in the platform reference's organisation, if it names one. */
export function qualifiedShardStack(platformReference: string, stack: string): string {
  const parts = platformReference.split("/");
  return parts.length === 3 ? `${parts[0]}/${TENANT_KEYS_PROJECT}/${stack}` : stack;
}
