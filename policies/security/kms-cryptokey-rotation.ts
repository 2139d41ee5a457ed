import * as gcp from "@pulumi/gcp";
import { protobufDurationSeconds } from "../../facts/durations";
import { MAX_ROTATION_SECONDS } from "../lib/gcp";
import { resourcePolicy } from "../lib/define";

export const kmsCryptoKeyRotation = resourcePolicy<gcp.kms.CryptoKeyArgs>(
  {
    name: "kms-cryptokey-rotation",
    description: "Every symmetric Cloud KMS key rotates automatically at least every 90 days.",
    controls: ["ENC-04"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set rotationPeriod to 7776000s (90 days) or less on the CryptoKey.",
  },
  gcp.kms.CryptoKey,
  (key) => {
    if ((key.purpose ?? "ENCRYPT_DECRYPT") !== "ENCRYPT_DECRYPT") return [];
    const seconds = protobufDurationSeconds(key.rotationPeriod);
    if (Number.isNaN(seconds) || seconds > MAX_ROTATION_SECONDS) {
      return [
        {
          problem: `rotationPeriod is ${JSON.stringify(key.rotationPeriod ?? null)}, longer than 90 days or unset`,
          fix: 'set rotationPeriod: "7776000s" or shorter',
        },
      ];
    }
    return [];
  },
);
