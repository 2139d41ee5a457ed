import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";
import { parseKeyRingId } from "../lib/gcp";

/** Cardholder keys live in the `cardholder` ring, carry data-class cardholder, and are HSM-backed. */
export const kmsCardholderHsm = resourcePolicy<gcp.kms.CryptoKeyArgs>(
  {
    name: "kms-cardholder-key-hsm",
    description:
      "Cardholder-data keys are HSM-protected and kept in the cardholder key ring, apart from tenant keys.",
    controls: ["ENC-03"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "Create cardholder keys in the `cardholder` key ring with versionTemplate.protectionLevel HSM and label data-class=cardholder.",
  },
  gcp.kms.CryptoKey,
  (key) => {
    const ring = parseKeyRingId(key.keyRing)?.ring;
    const labels = (key.labels ?? {}) as Record<string, string>;
    const cardholder = ring === "cardholder" || labels["data-class"] === "cardholder";
    if (!cardholder) return [];
    const findings = [];
    const level =
      (key.versionTemplate as { protectionLevel?: string } | undefined)?.protectionLevel ?? "SOFTWARE";
    if (level !== "HSM") {
      findings.push({
        problem: `protectionLevel is ${level}`,
        fix: "set versionTemplate.protectionLevel: HSM",
      });
    }
    if (ring !== "cardholder") {
      findings.push({
        problem: `a cardholder key is in key ring "${ring}"`,
        fix: "move it to the cardholder key ring",
      });
    }
    if (labels["data-class"] !== "cardholder") {
      findings.push({
        problem: `key in the cardholder ring has data-class ${JSON.stringify(labels["data-class"] ?? null)}`,
        fix: "label it data-class: cardholder",
      });
    }
    return findings;
  },
);
