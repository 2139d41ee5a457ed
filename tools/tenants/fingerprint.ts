import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../platform/paths";
import { TENANT_KEYS_PROJECT } from "../../tenantKeys/config";

/** What decides a shard's update: its program, what the program reads, and the policy pack `up` runs. */
const PROGRAM_DIRS = [
  "bin/tenantKeys",
  "bin/policies/tenant-keys",
  "bin/policies/lib",
  // The leaves they read: Google's facts (policies/lib) and the vocabulary (catalogue/keys).
  "bin/facts",
  "bin/facts/google",
  "bin/vocabulary",
];
const PROGRAM_FILES = [
  // What `pulumi up` starts in tenant-keys/ (its project file and entry point) and the pack's own files.
  "tenant-keys/Pulumi.yaml",
  "tenant-keys/index.js",
  "policies/tenant-keys/PulumiPolicy.yaml",
  "policies/tenant-keys/main.js",
  "policies/tenant-keys/package.json",
  "bin/catalogue/keys.js",
  "bin/platform/config/tenants.js",
  "bin/platform/paths.js",
  "bin/policies/security/kms-cryptokey-rotation.js",
  "bin/policies/security/kms-cryptokey-retention.js",
  "bin/policies/security/gcp-resource-region-residency.js",
  "bin/policies/resilience/stateful-resource-protected.js",
];
/** The SDK and provider versions the shards run with (package.json pins them exactly). */
const PINNED = ["@pulumi/gcp", "@pulumi/pulumi", "@pulumi/policy"];

/**
 * What a shard's last successful update must have had for the shard to be left alone: its
 * configuration, the program's and the pack's code, the pinned SDK and provider versions, the
 * Pulumi CLI's version, and the platform's `tenantKeys` output. Stored in the shard's
 * configuration, so the update history (`UpdateSummary.config`) records the one each update used.
 */
export function shardFingerprint(
  config: Record<string, string>,
  platformOutput: unknown,
  cliVersion: string,
  read: (file: string) => Buffer | string = (file) => fs.readFileSync(path.join(PROJECT_ROOT, file)),
): string {
  const hash = createHash("sha256");
  for (const file of fingerprintFiles()) hash.update(file).update(read(file));
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  hash.update(JSON.stringify(PINNED.map((name) => [name, pkg.dependencies[name]])));
  hash.update(`pulumi ${cliVersion}`);
  hash.update(JSON.stringify(Object.entries(config).sort()));
  hash.update(JSON.stringify(platformOutput ?? null));
  return hash.digest("hex").slice(0, 32);
}

/** The files a shard's fingerprint hashes, relative to the repository. */
export function fingerprintFiles(): string[] {
  return [
    ...PROGRAM_DIRS.flatMap((dir) =>
      fs
        .readdirSync(path.join(PROJECT_ROOT, dir))
        .filter((f) => f.endsWith(".js"))
        .sort()
        .map((f) => `${dir}/${f}`),
    ),
    ...PROGRAM_FILES,
  ];
}

export const FINGERPRINT_KEY = `${TENANT_KEYS_PROJECT}:fingerprint`;

/** A shard stack's name as the backend knows it: in the platform reference's organisation, if it names one. */
export function qualifiedShardStack(platformReference: string, stack: string): string {
  const parts = platformReference.split("/");
  return parts.length === 3 ? `${parts[0]}/${TENANT_KEYS_PROJECT}/${stack}` : stack;
}
