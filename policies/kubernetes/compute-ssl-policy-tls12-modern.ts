import * as gcp from "@pulumi/gcp";
import { resourcePolicy } from "../lib/define";

export const computeSslPolicy = resourcePolicy<gcp.compute.SSLPolicyArgs>(
  {
    name: "compute-ssl-policy-tls12-modern",
    description: "Every SSL policy requires TLS 1.2 or later with a MODERN or RESTRICTED profile.",
    controls: ["ENC-07"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set minTlsVersion TLS_1_2 and profile MODERN (or RESTRICTED).",
  },
  gcp.compute.SSLPolicy,
  (ssl) =>
    ["TLS_1_2", "TLS_1_3"].includes(String(ssl.minTlsVersion)) &&
    ["MODERN", "RESTRICTED"].includes(String(ssl.profile))
      ? []
      : [
          {
            problem: `minTlsVersion is ${JSON.stringify(ssl.minTlsVersion ?? "TLS_1_0 (default)")} with profile ${JSON.stringify(ssl.profile ?? "COMPATIBLE (default)")}`,
            fix: "set minTlsVersion TLS_1_2 and profile MODERN",
          },
        ],
);
