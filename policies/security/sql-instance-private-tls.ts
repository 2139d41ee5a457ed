import * as gcp from "@pulumi/gcp";
import { Finding, resourcePolicy } from "../lib/define";

const STRICT_SSL_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const sqlInstancePrivateTls = resourcePolicy<gcp.sql.DatabaseInstanceArgs>(
  {
    name: "sql-instance-private-tls",
    description:
      "Cloud SQL instances have no public IP, no authorized networks, a private network, and accept only encrypted connections.",
    controls: ["NET-01", "ENC-07"],
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
      "In settings.ipConfiguration set ipv4Enabled: false, privateNetwork to the VPC, no authorizedNetworks, and sslMode ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED.",
  },
  gcp.sql.DatabaseInstance,
  (instance) => {
    const ip =
      (instance.settings as { ipConfiguration?: Record<string, unknown> } | undefined)?.ipConfiguration ?? {};
    const findings: Finding[] = [];
    if (ip.ipv4Enabled !== false) {
      findings.push({
        problem: `ipConfiguration.ipv4Enabled is ${JSON.stringify(ip.ipv4Enabled ?? "unset (true)")}`,
        fix: "set ipv4Enabled: false",
      });
    }
    const networks = (ip.authorizedNetworks as { value?: string }[] | undefined) ?? [];
    if (networks.length > 0) {
      findings.push({
        problem: `authorizedNetworks admits ${networks.map((n) => n.value).join(", ")}`,
        fix: "remove every authorized network; reach the instance over private service access",
      });
    }
    if (!ip.privateNetwork) {
      findings.push({
        problem: "ipConfiguration.privateNetwork is unset",
        fix: "set privateNetwork to the VPC with private service access",
      });
    }
    // Private Service Connect is a second way in, from whichever consumer projects it allows
    // (settings.ipConfiguration.pscConfig, magic-modules sql instance: psc_enabled,
    // allowed_consumer_projects): the platform reaches Cloud SQL over private service access only.
    const psc = (
      (ip.pscConfigs as { pscEnabled?: boolean; allowedConsumerProjects?: string[] }[]) ?? []
    ).filter((c) => c.pscEnabled);
    if (psc.length)
      findings.push({
        problem: `Private Service Connect is enabled (consumers: ${psc.flatMap((c) => c.allowedConsumerProjects ?? []).join(", ") || "none named"})`,
        fix: "remove pscConfigs; reach the instance over private service access",
      });
    const sslMode = ip.sslMode as string | undefined;
    if (!sslMode || !STRICT_SSL_MODES.includes(sslMode)) {
      findings.push({
        problem: `ipConfiguration.sslMode is ${JSON.stringify(sslMode ?? null)}`,
        fix: `set sslMode to ${STRICT_SSL_MODES.join(" or ")}`,
      });
    }
    return findings;
  },
);
