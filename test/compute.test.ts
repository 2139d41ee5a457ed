import type { OfflineRun } from "../engine/run";
import { CapturedResource } from "../engine/model";
import { CONTAINER_DEFAULTS, NAMESPACE_QUOTA, PSA_RESTRICTED } from "../components/kubernetesBaseline";
import { WAF_RULES } from "../components/gatewayEdge";
import { named, ofType, planStack, sorted } from "./helpers/plan";
import { kubernetesKey, validateKubernetesObject } from "./helpers/kubernetesSchemas";

let prod: OfflineRun;
let drained: OfflineRun;
beforeAll(async () => {
  prod = await planStack("prod");
  drained = await planStack("prod", { drainedRegion: "us-east1" });
});

const CLUSTER = "gcp:container/cluster:Cluster";
const REGIONS = ["us-central1", "us-east1"];
const kubernetes = (run: OfflineRun) => run.resources.filter((r) => r.type.startsWith("kubernetes:"));
const inCluster = (run: OfflineRun, region: string) =>
  kubernetes(run).filter((r) => r.provider?.startsWith(named(run, `prod-gke-${region}-k8s`).urn));
const inCdeCluster = (run: OfflineRun, region: string) =>
  kubernetes(run).filter((r) => r.provider?.startsWith(named(run, `prod-cde-gke-${region}-k8s`).urn));
const kind = (rs: CapturedResource[], k: string) => rs.filter((r) => r.inputs.kind === k);
const meta = (r: CapturedResource) =>
  r.inputs.metadata as {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };

describe("GKE Autopilot clusters", () => {
  test("one private Autopilot cluster per region, keys of its own region, Binary Authorization enforced, in the fleet", () => {
    const rows = ofType(prod, CLUSTER).map((c) => {
      const i = c.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      return [
        i.name,
        i.location,
        i.enableAutopilot,
        i.privateClusterConfig.enablePrivateNodes,
        i.databaseEncryption,
        i.clusterAutoscaling.autoProvisioningDefaults.bootDiskKmsKey,
        i.binaryAuthorization.evaluationMode,
        i.fleet.project,
        i.deletionProtection,
        c.protect,
      ];
    });
    const expected = (project: "platform" | "cde", ring: string, prefix: string) =>
      REGIONS.map((r) => [
        `prod-${project === "cde" ? "cde-" : ""}${r}`,
        r,
        true,
        true,
        {
          state: "ENCRYPTED",
          keyName: `projects/qp-prod-kms/locations/${r}/keyRings/${ring}/cryptoKeys/${prefix}gke-secrets`,
        },
        `projects/qp-prod-kms/locations/${r}/keyRings/${ring}/cryptoKeys/${prefix}gke-boot-disk`,
        "PROJECT_SINGLETON_POLICY_ENFORCE",
        `qp-prod-${project}`,
        true,
        true,
      ]);
    expect(sorted(rows)).toEqual(
      sorted([...expected("platform", "platform", ""), ...expected("cde", "cardholder", "cde-")]),
    );
  });

  test("the cde's clusters: on the cde VPC, their own Workload Identity pool and fleet, labelled cardholder", () => {
    const c = named(prod, "prod-cde-gke-us-east1-cluster").inputs as Record<string, unknown>;
    expect([c.project, c.network, c.subnetwork, c.workloadIdentityConfig, c.fleet]).toEqual([
      "qp-prod-cde",
      "projects/qp-prod-cde/global/networks/prod-cde",
      "projects/qp-prod-cde/regions/us-east1/subnetworks/prod-cde-us-east1",
      { workloadPool: "qp-prod-cde.svc.id.goog" },
      { project: "qp-prod-cde" },
    ]);
    expect((c.resourceLabels as Record<string, string>)["data-class"]).toBe("cardholder");
    // Its own attestor, and no image admitted by name (issue 29: whoever could push ran code).
    expect(named(prod, "prod-cde-images-policy").inputs).toMatchObject({
      admissionWhitelistPatterns: [],
      defaultAdmissionRule: { requireAttestationsBies: ["projects/qp-prod-cde/attestors/qairopay-reviewed"] },
    });
  });

  test("one way to the control plane: the IP endpoint from named networks, or the DNS endpoint behind an enforced perimeter (IAM-06)", async () => {
    const dns = (run: OfflineRun) => [
      ...new Set(
        ofType(run, CLUSTER).map((c) =>
          JSON.stringify(
            (c.inputs.controlPlaneEndpointsConfig as { dnsEndpointConfig?: unknown }).dnsEndpointConfig,
          ),
        ),
      ),
    ];
    expect(dns(prod)).toEqual(['{"allowExternalTraffic":false}']);
    const kubeconfig = (run: OfflineRun) => String(named(run, "prod-cde-gke-us-east1-k8s").inputs.kubeconfig);
    expect(kubeconfig(prod)).toContain("certificate-authority-data:");
    const enforced = await planStack("prod", { perimeterEnforced: true });
    expect(dns(enforced)).toEqual(['{"allowExternalTraffic":true}']);
    expect([
      ...new Set(ofType(enforced, CLUSTER).map((c) => JSON.stringify(c.inputs.privateClusterConfig))),
    ]).toEqual(['{"enablePrivateEndpoint":true,"enablePrivateNodes":true}']);
    expect(kubeconfig(enforced)).not.toContain("certificate-authority-data:");
    // A private endpoint takes RFC 1918 networks only (gke-private-endpoint-networks): the operators'
    // public addresses reach the DNS endpoint through the perimeter's access level instead.
    expect(
      (named(enforced, "prod-cde-gke-us-east1-cluster").inputs as Record<string, unknown>)
        .masterAuthorizedNetworksConfig,
    ).toEqual({
      cidrBlocks: [
        { displayName: "nodes", cidrBlock: "10.76.16.0/20" },
        { displayName: "pods", cidrBlock: "10.73.0.0/16" },
      ],
      gcpPublicCidrsAccessEnabled: false,
      privateEndpointEnforcementEnabled: true,
    });
  });

  test("the control plane: named authorized networks only, private nodes, and no legacy auth", () => {
    const c = named(prod, "prod-gke-us-east1-cluster").inputs as Record<string, unknown>;
    // The cluster's own node and Pod ranges are named because the networks govern the internal
    // endpoint too (privateEndpointEnforcementEnabled): no other VM of the VPC reaches it.
    expect(c.masterAuthorizedNetworksConfig).toEqual({
      cidrBlocks: [
        { displayName: "nodes", cidrBlock: "10.68.16.0/20" },
        { displayName: "pods", cidrBlock: "10.65.0.0/16" },
        { displayName: "ops-vpn", cidrBlock: "203.0.113.0/28" },
        { displayName: "ci-runners", cidrBlock: "198.51.100.32/27" },
      ],
      gcpPublicCidrsAccessEnabled: false,
      privateEndpointEnforcementEnabled: true,
    });
    // Dry-run perimeter: the IP endpoint is the way in, from the authorized networks only.
    expect(c.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: false });
    expect([c.enableLegacyAbac, c.masterAuth]).toEqual([
      false,
      { clientCertificateConfig: { issueClientCertificate: false } },
    ]);
    expect(c.subnetwork).toBe(
      "projects/qp-prod-platform/regions/us-east1/subnetworks/prod-platform-us-east1",
    );
    expect(c.ipAllocationPolicy).toEqual({
      clusterSecondaryRangeName: "pods",
      servicesSecondaryRangeName: "services",
    });
    expect(c.releaseChannel).toEqual({ channel: "STABLE" });
    expect(c.gatewayApiConfig).toEqual({ channel: "CHANNEL_STANDARD" });
    expect(c.workloadIdentityConfig).toEqual({ workloadPool: "qp-prod-platform.svc.id.goog" });
    // Sundays 03:00-15:00 UTC: 12 hours a week, over GKE's 48-hours-in-32-days minimum.
    expect(c.maintenancePolicy).toEqual({
      recurringWindow: {
        startTime: "2026-01-04T03:00:00Z",
        endTime: "2026-01-04T15:00:00Z",
        recurrence: "FREQ=WEEKLY;BYDAY=SU",
      },
    });
  });

  test("a control plane open to the internet is refused by the configuration", async () => {
    await expect(
      planStack("prod", { controlPlaneAuthorizedNetworks: ["anywhere=0.0.0.0/0"] }),
    ).rejects.toThrow(
      'qairopay-platform:controlPlaneAuthorizedNetworks[0] = "anywhere=0.0.0.0/0": must be name=CIDR',
    );
  });

  test("Binary Authorization admits only images its attestor signed, and GKE's system images", async () => {
    const policy = named(prod, "prod-images-policy").inputs;
    expect(policy).toMatchObject({
      globalPolicyEvaluationMode: "ENABLE",
      defaultAdmissionRule: {
        evaluationMode: "REQUIRE_ATTESTATION",
        requireAttestationsBies: ["projects/qp-prod-platform/attestors/qairopay-reviewed"],
        enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG",
      },
      admissionWhitelistPatterns: [],
    });
    const attestor = named(prod, "prod-images-attestor").inputs.attestationAuthorityNote as {
      noteReference: string;
      publicKeys: { id: string; pkixPublicKey: { signatureAlgorithm: string } }[];
    };
    expect(attestor.noteReference).toBe("qairopay-reviewed");
    expect(attestor.publicKeys.map((k) => [k.id, k.pkixPublicKey.signatureAlgorithm])).toEqual(
      REGIONS.map((r) => [
        `//cloudkms.googleapis.com/v1/projects/qp-prod-kms/locations/${r}/keyRings/attestation/cryptoKeys/image-attestor/cryptoKeyVersions/1`,
        "RSA_SIGN_PKCS1_4096_SHA512",
      ]),
    );
    // While a deployed stack's running images are being signed: the repositories by name, as before.
    const transition = await planStack("prod", { imageAttestationEnforced: false });
    expect(named(transition, "prod-images-policy").inputs).toMatchObject({
      defaultAdmissionRule: {
        evaluationMode: "ALWAYS_DENY",
        enforcementMode: "ENFORCED_BLOCK_AND_AUDIT_LOG",
      },
      admissionWhitelistPatterns: REGIONS.map((r) => ({
        namePattern: `${r}-docker.pkg.dev/qp-prod-platform/containers/**`,
      })),
    });
  });

  test("fleet features: multi-cluster Services and Ingress, configured from the us-central1 cluster", () => {
    expect(named(prod, "prod-fleet-mci").inputs.spec).toEqual({
      multiclusteringress: {
        configMembership: "projects/qp-prod-platform/locations/us-central1/memberships/prod-us-central1",
      },
    });
    expect(named(prod, "prod-fleet-mcs").inputs.name).toBe("multiclusterservicediscovery");
  });
});

describe("Kubernetes baseline", () => {
  test.each(REGIONS)(
    "in %s: namespaces with PSA restricted, each with default-deny ingress and egress",
    (region) => {
      for (const [objects, expected] of [
        [inCluster(prod, region), ["gateway", "ledger"]],
        // card-vault's database migration runs in the primary region's cde cluster only.
        [
          inCdeCluster(prod, region),
          region === "us-central1" ? ["card-vault", "database-migration"] : ["card-vault"],
        ],
      ] as const) {
        const namespaces = kind(objects, "Namespace");
        expect(namespaces.map((n) => meta(n).name).sort()).toEqual(expected);
        for (const ns of namespaces) expect(meta(ns).labels).toMatchObject(PSA_RESTRICTED);
        const denies = kind(objects, "NetworkPolicy").filter((p) => meta(p).name === "default-deny-all");
        // The `default` namespace denies too (issue 29): stray pods land there.
        expect(sorted(denies.map((p) => [meta(p).namespace, p.inputs.spec]))).toEqual(
          sorted(
            [...expected, "default"].map((ns) => [
              ns,
              { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            ]),
          ),
        );
      }
    },
  );

  test("the workloads may reach only DNS, Google APIs, the Gateway's front ends, their own datastores and card-vault's endpoint", () => {
    const policies = kind(inCluster(prod, "us-central1"), "NetworkPolicy").filter(
      (p) => meta(p).namespace === "ledger",
    );
    expect(policies.map((p) => meta(p).name).sort()).toEqual([
      "allow-datastores",
      "allow-dns-and-metadata",
      "allow-gateway-ingress",
      "default-deny-all",
    ]);
    const datastores = policies.find((p) => meta(p).name === "allow-datastores");
    expect(datastores?.inputs.spec).toEqual({
      podSelector: { matchLabels: { app: "ledger" } },
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "10.69.0.0/16" } }],
          ports: [5432, 3307, 6378].map((port) => ({ protocol: "TCP", port })),
        },
        // The card-vault endpoint: the us-central1 platform subnet's first free address.
        { to: [{ ipBlock: { cidr: "10.68.0.2/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ],
    });
    expect(named(prod, "prod-card-vault-path-us-central1-endpoint-ip").inputs.subnetwork).toBe(
      "projects/qp-prod-platform/regions/us-central1/subnetworks/prod-platform-us-central1",
    );
  });

  test("card-vault runs only in the cde clusters, reached from the ledger only through Private Service Connect (NET-09)", () => {
    for (const region of REGIONS) {
      const cde = inCdeCluster(prod, region);
      expect(kind(inCluster(prod, region), "Namespace").map((n) => meta(n).name)).not.toContain("card-vault");
      const service = kind(cde, "Service").find((s) => meta(s).name === "card-vault-psc");
      expect(service?.inputs.spec).toEqual({
        type: "LoadBalancer",
        selector: { app: "card-vault" },
        externalTrafficPolicy: "Local",
        loadBalancerSourceRanges: [region === "us-central1" ? "10.78.0.0/24" : "10.78.1.0/24"],
        ports: [{ name: "https", port: 443, targetPort: 8443, protocol: "TCP", appProtocol: "HTTPS" }],
      });
      expect(meta(service!).annotations).toEqual({ "networking.gke.io/load-balancer-type": "Internal" });
      const attachment = kind(cde, "ServiceAttachment")[0];
      expect(attachment.inputs.spec).toEqual({
        connectionPreference: "ACCEPT_MANUAL",
        consumerAllowList: [{ project: "qp-prod-platform", connectionLimit: 4 }],
        natSubnets: [`prod-cde-${region}-psc-nat`],
        proxyProtocol: false,
        resourceRef: { kind: "Service", name: "card-vault-psc" },
      });
      const endpoint = named(prod, `prod-card-vault-path-${region}-endpoint`).inputs;
      expect([endpoint.project, endpoint.network, endpoint.loadBalancingScheme, endpoint.target]).toEqual([
        "qp-prod-platform",
        "projects/qp-prod-platform/global/networks/prod-platform",
        "",
        (attachment.outputs.status as { serviceAttachmentURL: string } | undefined)?.serviceAttachmentURL,
      ]);
      expect(String(endpoint.target)).toMatch(
        new RegExp(
          `^https://www.googleapis.com/compute/v1/projects/qp-prod-cde/regions/${region}/serviceAttachments/`,
        ),
      );
      expect(named(prod, `prod-card-vault-path-${region}-nat`).inputs).toMatchObject({
        project: "qp-prod-cde",
        purpose: "PRIVATE_SERVICE_CONNECT",
      });
      const ingress = kind(cde, "NetworkPolicy").find((p) => meta(p).name === "allow-gateway-ingress");
      expect((ingress?.inputs.spec as { ingress: { from: unknown[] }[] }).ingress[0].from).toEqual(
        [region === "us-central1" ? "10.78.0.0/24" : "10.78.1.0/24"].map((cidr) => ({ ipBlock: { cidr } })),
      );
    }
    expect(ofType(prod, "gcp:compute/networkPeering:NetworkPeering")).toEqual([]);
  });

  test("Workload Identity: each workload's KSA and its Google service account are bound one to one", () => {
    const bindings = ofType(prod, "gcp:serviceaccount/iAMMember:IAMMember").filter(
      (b) => b.inputs.role === "roles/iam.workloadIdentityUser",
    );
    expect(sorted(bindings.map((b) => [b.inputs.serviceAccountId, b.inputs.role, b.inputs.member]))).toEqual(
      sorted([
        [
          "projects/qp-prod-platform/serviceAccounts/ledger-workload@qp-prod-platform.iam.gserviceaccount.com",
          "roles/iam.workloadIdentityUser",
          "serviceAccount:qp-prod-platform.svc.id.goog[ledger/ledger]",
        ],
        [
          "projects/qp-prod-cde/serviceAccounts/card-vault-workload@qp-prod-cde.iam.gserviceaccount.com",
          "roles/iam.workloadIdentityUser",
          "serviceAccount:qp-prod-cde.svc.id.goog[card-vault/card-vault]",
        ],
        [
          "projects/qp-prod-cde/serviceAccounts/card-vault-migrator@qp-prod-cde.iam.gserviceaccount.com",
          "roles/iam.workloadIdentityUser",
          "serviceAccount:qp-prod-cde.svc.id.goog[database-migration/migrator]",
        ],
      ]),
    );
    for (const region of REGIONS) {
      const ksas = [
        ...kind(inCluster(prod, region), "ServiceAccount"),
        ...kind(inCdeCluster(prod, region), "ServiceAccount"),
      ];
      expect(
        sorted(
          ksas.map((k) => [
            meta(k).namespace,
            meta(k).name,
            meta(k).annotations?.["iam.gke.io/gcp-service-account"],
          ]),
        ),
      ).toEqual(
        sorted([
          ["ledger", "ledger", "ledger-workload@qp-prod-platform.iam.gserviceaccount.com"],
          ["card-vault", "card-vault", "card-vault-workload@qp-prod-cde.iam.gserviceaccount.com"],
          ...(region === "us-central1"
            ? [["database-migration", "migrator", "card-vault-migrator@qp-prod-cde.iam.gserviceaccount.com"]]
            : []),
        ]),
      );
    }
  });

  test("quotas, limit ranges and the Gateway's ingress to workloads, exactly", () => {
    const ledger = inCluster(prod, "us-east1").filter((r) => meta(r).namespace === "ledger");
    expect(kind(ledger, "ResourceQuota").map((q) => q.inputs.spec)).toEqual([{ hard: NAMESPACE_QUOTA }]);
    expect(kind(ledger, "LimitRange").map((l) => l.inputs.spec)).toEqual([
      { limits: [{ type: "Container", default: CONTAINER_DEFAULTS, defaultRequest: CONTAINER_DEFAULTS }] },
    ]);
    const ingress = kind(ledger, "NetworkPolicy").find((p) => meta(p).name === "allow-gateway-ingress");
    expect(ingress?.inputs.spec).toEqual({
      podSelector: { matchLabels: { app: "ledger" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ ipBlock: { cidr: "35.191.0.0/16" } }, { ipBlock: { cidr: "130.211.0.0/22" } }],
          ports: [{ protocol: "TCP", port: 8443 }],
        },
      ],
    });
  });

  test("one immutable-tag CMEK Docker repository per region and project, the ones Binary Authorization admits", async () => {
    const repositories = (run: OfflineRun) =>
      sorted(
        ofType(run, "gcp:artifactregistry/repository:Repository").map((r) => [
          r.inputs.project,
          r.inputs.location,
          r.inputs.repositoryId,
          r.inputs.dockerConfig,
          r.inputs.kmsKeyName ?? null,
          r.protect,
        ]),
      );
    const cmek = (project: string, ring: string, key: string) =>
      REGIONS.map((r) => [
        project,
        r,
        "containers",
        { immutableTags: true },
        `projects/qp-prod-kms/locations/${r}/keyRings/${ring}/cryptoKeys/${key}`,
        true,
      ]);
    const expected = [
      ...cmek("qp-prod-platform", "platform", "images"),
      ...cmek("qp-prod-cde", "cardholder", "cde-images"),
    ];
    expect(repositories(prod)).toEqual(sorted(expected));
    // While images move, the pre-CMEK repositories stay; while running images are being attested,
    // Binary Authorization admits both by name.
    const legacy = await planStack("prod", {
      legacyImageRepositories: true,
      imageAttestationEnforced: false,
    });
    expect(repositories(legacy)).toEqual(
      sorted([
        ...expected,
        ...REGIONS.map((r) => ["qp-prod-platform", r, "images", { immutableTags: true }, null, true]),
      ]),
    );
    expect(named(legacy, "prod-images-policy").inputs.admissionWhitelistPatterns).toEqual(
      ["containers", "images"].flatMap((repo) =>
        REGIONS.map((r) => ({ namePattern: `${r}-docker.pkg.dev/qp-prod-platform/${repo}/**` })),
      ),
    );
  });

  test("every Kubernetes object validates against the Kubernetes and Gateway API schemas", () => {
    const objects = kubernetes(prod);
    expect(new Set(objects.map(kubernetesKey))).toEqual(
      new Set([
        "v1/Namespace",
        "v1/ServiceAccount",
        "v1/ConfigMap",
        "batch/v1/Job",
        "v1/Service",
        "v1/ResourceQuota",
        "v1/LimitRange",
        "networking.k8s.io/v1/NetworkPolicy",
        "net.gke.io/v1/ServiceExport",
        "gateway.networking.k8s.io/v1/Gateway",
        "gateway.networking.k8s.io/v1/HTTPRoute",
        "gateway.networking.k8s.io/v1beta1/ReferenceGrant",
        "networking.gke.io/v1/GCPBackendPolicy",
        "networking.gke.io/v1/HealthCheckPolicy",
        "networking.gke.io/v1/GCPGatewayPolicy",
        "networking.gke.io/v1/ServiceAttachment",
      ]),
    );
    expect(objects.flatMap(validateKubernetesObject)).toEqual([]);
  });

  test("the schema check catches an invalid object", () => {
    const ns = kind(kubernetes(prod), "Namespace")[0];
    const broken = { ...ns, inputs: { ...ns.inputs, metadata: { name: "x", labels: { tier: 1 } } } };
    expect(validateKubernetesObject(broken)).toHaveLength(1);
    const policy = kind(kubernetes(prod), "GCPBackendPolicy")[0];
    const unknown = {
      ...policy,
      inputs: { ...policy.inputs, spec: { ...(policy.inputs.spec as object), defualt: {} } },
    };
    expect(validateKubernetesObject(unknown)).toEqual([
      `networking.gke.io/v1/GCPBackendPolicy ${policy.name}: unknown spec.defualt`,
    ]);
  });
});

describe("multi-cluster Gateway", () => {
  test("one HTTPS Gateway in the configuration cluster, with a Google-managed certificate and the TLS policy", () => {
    const gateways = kind(kubernetes(prod), "Gateway");
    expect(gateways).toHaveLength(1);
    expect(inCluster(prod, "us-central1")).toContainEqual(gateways[0]);
    expect(gateways[0].inputs.spec).toMatchObject({
      gatewayClassName: "gke-l7-global-external-managed-mc",
      addresses: [{ type: "NamedAddress", value: "prod-edge-ip" }],
    });
    expect(meta(gateways[0]).annotations).toEqual({ "networking.gke.io/certmap": "prod-edge-certs" });
    const tls = kind(kubernetes(prod), "GCPGatewayPolicy")[0];
    expect(tls.inputs.spec).toEqual({
      default: { sslPolicy: "prod-edge-tls" },
      targetRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "external" },
    });
    expect(named(prod, "prod-edge-ssl-policy").inputs).toMatchObject({
      minTlsVersion: "TLS_1_2",
      profile: "MODERN",
    });
    const redirect = kind(kubernetes(prod), "HTTPRoute").find((r) => meta(r).name === "https-redirect");
    expect((redirect?.inputs.spec as { rules: unknown }).rules).toEqual([
      { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
    ]);
  });

  test("Cloud Armor with rate limiting and preconfigured WAF rules on every backend", () => {
    const armor = named(prod, "prod-edge-armor").inputs as {
      rules: { action: string; match: { expr?: { expression: string } } }[];
    };
    expect(armor.rules.filter((r) => r.match.expr).map((r) => r.match.expr?.expression)).toEqual(
      WAF_RULES.map((w) => `evaluatePreconfiguredWaf('${w}', {'sensitivity': 1})`),
    );
    expect(armor.rules.map((r) => r.action)).toContain("rate_based_ban");
    const backends = kind(kubernetes(prod), "GCPBackendPolicy");
    expect(
      sorted(
        backends.map((b) => [
          (b.inputs.spec as { targetRef: { name: string } }).targetRef.name,
          (b.inputs.spec as { default: { securityPolicy: string } }).default.securityPolicy,
        ]),
      ),
    ).toEqual(sorted(["ledger"].flatMap((w) => REGIONS.map((r) => [`${w}-${r}`, "prod-edge-armor"]))));
  });

  test("each workload is exported per region from its own cluster and routed to both", () => {
    for (const region of REGIONS) {
      expect(
        kind(inCluster(prod, region), "ServiceExport")
          .map((e) => meta(e).name)
          .sort(),
      ).toEqual([`ledger-${region}`]);
    }
    const route = kind(kubernetes(prod), "HTTPRoute").find((r) => meta(r).name === "api");
    const weights = (
      route?.inputs.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }
    ).rules.map((rule) => rule.backendRefs.map((b) => [b.name, b.weight]));
    expect(weights).toEqual([
      [
        ["ledger-us-central1", 50],
        ["ledger-us-east1", 50],
      ],
    ]);
    // Cardholder data is never behind the public entry point (NET-09).
    expect(JSON.stringify(route?.inputs)).not.toContain("card-vault");
  });

  test("draining a region changes only the route weights, sending everything to the other region", () => {
    const before = new Map(prod.resources.map((r) => [r.urn, JSON.stringify(r.inputs)]));
    const changed = drained.resources.filter((r) => before.get(r.urn) !== JSON.stringify(r.inputs));
    expect(changed.map((r) => r.name)).toEqual(["prod-gateway-routes"]);
    expect(drained.resources.map((r) => r.urn).sort()).toEqual(prod.resources.map((r) => r.urn).sort());
    const route = changed[0].inputs.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] };
    expect(route.rules.map((rule) => rule.backendRefs.map((b) => b.weight))).toEqual([[100, 0]]);
  });
});
