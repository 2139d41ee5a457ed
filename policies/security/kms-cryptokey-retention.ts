import * as gcp from "@pulumi/gcp";
import { durationSeconds, MIN_DESTROY_DELAY_SECONDS } from "../lib/gcp";
import { Finding, resourcePolicy } from "../lib/define";

export const kmsCryptoKeyRetention = resourcePolicy<gcp.kms.CryptoKeyArgs>(
  {
    name: "kms-cryptokey-retention",
    description:
      "Key material is never destroyed by a deployment: keys are protected and destruction waits at least 30 days.",
    controls: ["ENC-05"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Create the CryptoKey with { protect: true, retainOnDelete: true }, deletionPolicy PREVENT and destroyScheduledDuration of at least 2592000s.",
  },
  gcp.kms.CryptoKey,
  (key, resource) => {
    const findings: Finding[] = [];
    // Unset means Google's default of 30 days (provider docs of destroyScheduledDuration).
    const delay = durationSeconds(key.destroyScheduledDuration ?? "2592000s");
    if (Number.isNaN(delay) || delay < MIN_DESTROY_DELAY_SECONDS) {
      findings.push({
        problem: `destroyScheduledDuration is ${JSON.stringify(key.destroyScheduledDuration)}, under 30 days`,
        fix: 'set destroyScheduledDuration: "2592000s" or longer',
      });
    }
    const deletionPolicy = key.deletionPolicy ?? "DELETE";
    if (deletionPolicy === "DELETE") {
      findings.push({
        problem: `deletionPolicy is ${JSON.stringify(deletionPolicy)}: deleting the resource destroys every key version`,
        fix: 'set deletionPolicy: "PREVENT"',
      });
    }
    if (!resource.protect) {
      findings.push({
        problem: "the key is not protected",
        fix: "add the resource option protect: true (and retainOnDelete: true)",
      });
    }
    return findings;
  },
);
