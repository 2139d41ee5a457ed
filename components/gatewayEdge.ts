import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { StandardLabels } from "../vocabulary/labels";

/** Cloud Armor preconfigured WAF rule sets (https://cloud.google.com/armor/docs/waf-rules). */
export const WAF_RULES = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
];

/** Per-client-IP rate limit: throttle above 600 requests a minute, ban for 10 minutes above 1,200. */
export const RATE_LIMIT = { count: 600, intervalSec: 60, banCount: 1200, banDurationSec: 600 };

export interface GatewayEdgeArgs {
  project: pulumi.Input<string>;
  /** Prefix of the Google resources, e.g. `prod-edge`. */
  resourcePrefix: string;
  /** Public host name; its certificate is Google-managed through DNS authorisation. */
  domain: string;
  labels: StandardLabels;
}

/**
 * The Google-side pieces of the public entry point: a global address, a Google-managed
 * certificate in a certificate map, a TLS 1.2+ SSL policy with the MODERN profile (ENC-07), and
 * a Cloud Armor policy with rate limiting, preconfigured WAF rules and adaptive protection
 * (NET-05). The Gateway in the configuration cluster refers to them by name.
 */
export class GatewayEdge extends pulumi.ComponentResource {
  public readonly addressName: pulumi.Output<string>;
  public readonly certificateMapName: pulumi.Output<string>;
  public readonly sslPolicyName: pulumi.Output<string>;
  public readonly securityPolicyName: pulumi.Output<string>;
  /** The DNS record the domain's owner must publish for the certificate. */
  public readonly dnsAuthorizationRecord: pulumi.Output<{ name: string; type: string; data: string }>;

  constructor(name: string, args: GatewayEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("qairopay:gateway:GatewayEdge", name, {}, opts);
    const child = { parent: this };
    const prefix = args.resourcePrefix;
    const address = new gcp.compute.GlobalAddress(
      `${name}-address`,
      {
        project: args.project,
        name: `${prefix}-ip`,
        addressType: "EXTERNAL",
        ipVersion: "IPV4",
        labels: args.labels,
      },
      child,
    );
    const dnsAuthorization = new gcp.certificatemanager.DnsAuthorization(
      `${name}-dns-auth`,
      { project: args.project, name: `${prefix}-dns-auth`, domain: args.domain, labels: args.labels },
      child,
    );
    const certificate = new gcp.certificatemanager.Certificate(
      `${name}-certificate`,
      {
        project: args.project,
        name: `${prefix}-cert`,
        scope: "DEFAULT",
        managed: { domains: [args.domain], dnsAuthorizations: [dnsAuthorization.id] },
        labels: args.labels,
      },
      child,
    );
    const map = new gcp.certificatemanager.CertificateMap(
      `${name}-certificate-map`,
      { project: args.project, name: `${prefix}-certs`, labels: args.labels },
      child,
    );
    new gcp.certificatemanager.CertificateMapEntry(
      `${name}-certificate-map-entry`,
      {
        project: args.project,
        name: `${prefix}-entry`,
        map: map.name,
        hostname: args.domain,
        certificates: [certificate.id],
        labels: args.labels,
      },
      child,
    );
    const sslPolicy = new gcp.compute.SSLPolicy(
      `${name}-ssl-policy`,
      { project: args.project, name: `${prefix}-tls`, minTlsVersion: "TLS_1_2", profile: "MODERN" },
      child,
    );
    const wafRules = WAF_RULES.map((rule, i) => ({
      priority: 1000 + i,
      action: "deny(403)",
      description: `Preconfigured WAF: ${rule}`,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': 1})` } },
    }));
    const securityPolicy = new gcp.compute.SecurityPolicy(
      `${name}-armor`,
      {
        project: args.project,
        name: `${prefix}-armor`,
        type: "CLOUD_ARMOR",
        description: "QairoPay public entry point: WAF, rate limiting, adaptive protection.",
        labels: args.labels,
        adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
        advancedOptionsConfig: { logLevel: "VERBOSE", jsonParsing: "STANDARD" },
        rules: [
          ...wafRules,
          {
            priority: 2000,
            action: "rate_based_ban",
            description: "Per-client rate limit",
            match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
            rateLimitOptions: {
              conformAction: "allow",
              exceedAction: "deny(429)",
              enforceOnKey: "IP",
              rateLimitThreshold: { count: RATE_LIMIT.count, intervalSec: RATE_LIMIT.intervalSec },
              banThreshold: { count: RATE_LIMIT.banCount, intervalSec: RATE_LIMIT.intervalSec },
              banDurationSec: RATE_LIMIT.banDurationSec,
            },
          },
          {
            priority: 2147483647,
            action: "allow",
            description: "Default: allow what the rules above did not stop",
            match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
          },
        ],
      },
      child,
    );
    this.addressName = address.name;
    this.certificateMapName = map.name;
    this.sslPolicyName = sslPolicy.name;
    this.securityPolicyName = securityPolicy.name;
    this.dnsAuthorizationRecord = dnsAuthorization.dnsResourceRecords.apply((records) => {
      const r = records?.[0];
      return { name: r?.name ?? "", type: r?.type ?? "", data: r?.data ?? "" };
    });
    this.registerOutputs({
      addressName: this.addressName,
      dnsAuthorizationRecord: this.dnsAuthorizationRecord,
    });
  }
}
