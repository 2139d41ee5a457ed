import { CMEK_KEY_PATHS, cmekKeysOf } from "../../../facts/google/cmekKeyPaths";
import { parseAgent, SERVICE_AGENTS } from "../../../facts/google/serviceAgents";
import { CapturedResource } from "../../model";
import { grantMembers, projectName } from "../lookup";
import { label, RehearsalContext, RehearsalRule } from "../model";
import { plain } from "../../deployment";

const KEY_ROLES = new Set([
  "roles/cloudkms.cryptoKeyEncrypterDecrypter",
  "roles/cloudkms.cryptoKeyEncrypter",
]);

/** Grants of encrypt/decrypt on `key` (or its ring) to an agent of `domain` serving `project`. */
export function keyGrants(
  ctx: RehearsalContext,
  key: string,
  domain: string,
  project: string,
): CapturedResource[] {
  const ring = key.replace(/\/cryptoKeys\/[^/]+$/, "");
  return ctx.resources.filter((g) => {
    const target = g.inputs.cryptoKeyId ?? g.inputs.keyRingId;
    if ((target !== key && target !== ring) || !KEY_ROLES.has(String(g.inputs.role))) return false;
    return grantMembers(g).some((m) => {
      const agent = parseAgent(m);
      if (!agent || agent.domain !== domain) return false;
      const owner = ctx.stack.projectNumbers.get(agent.number);
      return owner === undefined || owner === project;
    });
  });
}

/** A CMEK-encrypted resource waits until its service agent may use the key. */
export const cmekGrantBeforeUse: RehearsalRule = {
  id: "cmek-grant-before-use",
  severity: "error",
  description:
    "A resource encrypted with a customer-managed key is created only after the service agent that encrypts for it holds encrypt/decrypt on that key: Google checks the grant at create time.",
  // The source of each key path's fact, from the one table.
  sources: [
    ...new Set(
      Object.values(CMEK_KEY_PATHS)
        .flat()
        .filter((use) => use.usedAtCreate)
        .map((use) => use.source),
    ),
  ],
  check(ctx, report) {
    for (const r of ctx.resources) {
      const project = projectName(ctx, r) ?? "";
      // Where each type names its key and whose agent encrypts with it: facts/google/cmekKeyPaths.ts.
      for (const { key, use } of cmekKeysOf(r.type, plain(r.inputs))) {
        if (!use.usedAtCreate) continue;
        const domain = SERVICE_AGENTS[use.agent].domain;
        const grants = keyGrants(ctx, key, domain, project);
        if (grants.some((g) => ctx.order.precedes(g.urn, r.urn))) continue;
        const agent = domain.split(".")[0];
        report.asWritten.error(
          this.id,
          r,
          grants.length
            ? `${label(r)} encrypts with ${key} (${use.path}); the grant to its ${agent} agent (${grants[0].name}) exists but nothing orders it first, so the create can fail with a KMS permission error. Depend on ${grants[0].name}.`
            : `${label(r)} encrypts with ${key} (${use.path}), but no grant gives the ${agent} agent of ${project} encrypt/decrypt on that key: the create fails. Grant roles/cloudkms.cryptoKeyEncrypterDecrypter on the key and depend on it.`,
        );
      }
    }
  },
};
