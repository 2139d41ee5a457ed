import { shortUrn } from "../model";
import { GuardRule } from "./proposedUpdate";

const BINAUTHZ_POLICY = "gcp:binaryauthorization/policy:Policy";
const ATTESTOR = "gcp:binaryauthorization/attestor:Attestor";

const requiresAttestation = (inputs?: Record<string, unknown>) =>
  (inputs?.defaultAdmissionRule as { evaluationMode?: string } | undefined)?.evaluationMode ===
  "REQUIRE_ATTESTATION";

/**
 * Requiring attestations of an attestor that this same update creates: nothing running can have
 * been signed by it yet, so every pod GKE starts afterwards (a reschedule, a node upgrade) is
 * refused. A fresh stack creates its policy with it, which is fine: nothing runs yet.
 */
export const attestationBeforeSigning: GuardRule = {
  id: "attestation-before-signing",
  severity: "error",
  description:
    "A Binary Authorization policy would start requiring attestations of an attestor the same update creates: nothing running is signed by it yet.",
  sources: ["docs/artifact-registry.md: enforce only after the running images are signed"],
  check(update, report) {
    for (const c of update.changes) {
      if (c.type !== BINAUTHZ_POLICY || c.op !== "update") continue;
      if (!requiresAttestation(c.newInputs) || requiresAttestation(c.oldInputs)) continue;
      const created = update.changes.find(
        (a) => a.type === ATTESTOR && a.op === "create" && a.newInputs?.project === c.newInputs?.project,
      );
      if (created)
        report.error(
          "attestation-before-signing",
          c,
          `would require attestations of ${shortUrn(created.urn)}, which this same update creates: no image running in project ${String(c.newInputs?.project)} can be signed by it yet, and Binary Authorization would refuse every pod started afterwards. Deploy with imageAttestationEnforced: false first, sign the running images, then enforce (docs/artifact-registry.md).`,
        );
    }
  },
};
