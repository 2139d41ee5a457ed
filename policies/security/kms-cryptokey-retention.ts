import * as gcp from "@pulumi/gcp";
import { protobufDurationSeconds } from "../../facts/durations";
import { MIN_DESTROY_DELAY_SECONDS } from "../lib/gcp";
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
  (key) => {
    const findings: Finding[] = [];
    // Unset means Google's default of 30 days (provider docs of destroyScheduledDuration).
    const delay = protobufDurationSeconds(key.destroyScheduledDuration ?? "2592000s");
    if (Number.isNaN(delay) || delay < MIN_DESTROY_DELAY_SECONDS) {
      findings.push({
        problem: `destroyScheduledDuration is ${JSON.stringify(key.destroyScheduledDuration)}, under 30 days`,
        fix: 'set destroyScheduledDuration: "2592000s" or longer',
      });
    }
    // protect, retainOnDelete and deletionPolicy PREVENT: stateful-resource-protected (ENC-05, RES-05).
    return findings;
  },
);
