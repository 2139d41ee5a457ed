import { createHash } from "crypto";
import type { MockCallArgs, MockResourceArgs, MockResourceResult, Mocks } from "@pulumi/pulumi/runtime";
import { agentOfApi, SERVICE_AGENTS, ServiceAgentName } from "../facts/google/serviceAgents";
import { DeployedSeed, EMPTY_SEED } from "./deployedSeed";

/**
 * Mocks that answer as the Google provider would, so that references between resources carry
 * the same shapes as in Google Cloud: ids and self-links from the provider's import formats,
 * service-account e-mails, KMS key ids, and project numbers in service-agent addresses.
 */

const COMPUTE = "https://www.googleapis.com/compute/v1";

/** Deterministic 12-digit project number: service-agent e-mails are built from it. */
export function mockProjectNumber(projectId: string): string {
  const digest = createHash("sha256").update(projectId).digest();
  return String(100000000000 + (digest.readUInt32BE(0) % 899999999999));
}

/** A service agent's address in a project: `service-<number>@<domain>` (facts/google/serviceAgents.ts). */
function agentEmail(number: string, agent: ServiceAgentName): string {
  return `service-${number}@${SERVICE_AGENTS[agent].domain}`;
}

type Inputs = Record<string, unknown>;
/** What a resource's id and outputs are, given its inputs, its name and the project numbers in play. */
type Computed = (
  inputs: Inputs,
  name: string,
  projectNumber: (projectId: string) => string,
) => {
  id: string;
  outputs?: Inputs;
};

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));

const isRecord = (v: unknown): v is Inputs => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * The program's inputs laid over a deployed resource's outputs, block by block: a computed field
 * nested in a block the program sets (an attestor's
 * `attestationAuthorityNote.delegationServiceAccountEmail`) keeps its deployed value, as the
 * provider's planned state keeps a computed attribute the configuration leaves unset; a value the
 * program sets, and every list, is the program's.
 */
function overlay(deployed: unknown, inputs: unknown): unknown {
  if (!isRecord(deployed) || !isRecord(inputs)) return inputs === undefined ? deployed : inputs;
  const merged: Inputs = { ...deployed };
  for (const [key, value] of Object.entries(inputs)) merged[key] = overlay(deployed[key], value);
  return merged;
}

const computedByType: Record<string, Computed> = {
  "gcp:organizations/project:Project": (i, _n, num) => ({
    id: `projects/${str(i.projectId)}`,
    outputs: { number: num(str(i.projectId)) },
  }),
  "gcp:projects/service:Service": (i) => ({ id: `${str(i.project)}/${str(i.service)}` }),
  "gcp:projects/serviceIdentity:ServiceIdentity": (i, _n, num) => {
    const email = `service-${num(str(i.project))}@${agentOfApi(str(i.service))?.fact.domain}`;
    return {
      id: `projects/${str(i.project)}/services/${str(i.service)}`,
      outputs: { email, member: `serviceAccount:${email}` },
    };
  },
  "gcp:kms/keyRing:KeyRing": (i) => ({
    id: `projects/${str(i.project)}/locations/${str(i.location)}/keyRings/${str(i.name)}`,
  }),
  "gcp:kms/cryptoKey:CryptoKey": (i) => ({
    id: `${str(i.keyRing)}/cryptoKeys/${str(i.name)}`,
    outputs: {
      primaries: [
        { name: `${str(i.keyRing)}/cryptoKeys/${str(i.name)}/cryptoKeyVersions/1`, state: "ENABLED" },
      ],
    },
  }),
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": (i) => ({
    id: `${str(i.cryptoKeyId)}/${str(i.role)}/${str(i.member)}`,
    outputs: { etag: "BwXmock=" },
  }),
  "gcp:kms/keyRingIAMMember:KeyRingIAMMember": (i) => ({
    id: `${str(i.keyRingId)}/${str(i.role)}/${str(i.member)}`,
    outputs: { etag: "BwXmock=" },
  }),
  // Workload Identity Federation names pools by project number (ci-identities/).
  "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": (i, _n, num) => {
    const name = `projects/${num(str(i.project))}/locations/global/workloadIdentityPools/${str(i.workloadIdentityPoolId)}`;
    return { id: name, outputs: { name, state: "ACTIVE" } };
  },
  "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": (i, _n, num) => {
    const name = `projects/${num(str(i.project))}/locations/global/workloadIdentityPools/${str(i.workloadIdentityPoolId)}/providers/${str(i.workloadIdentityPoolProviderId)}`;
    return { id: name, outputs: { name, state: "ACTIVE" } };
  },
  "gcp:containeranalysis/note:Note": (i) => ({ id: `projects/${str(i.project)}/notes/${str(i.name)}` }),
  // Binary Authorization reads attestations as the project's service agent
  // (https://cloud.google.com/iam/docs/service-agents: gcp-sa-binaryauthorization).
  "gcp:binaryauthorization/attestor:Attestor": (i, _n, num) => ({
    id: `projects/${str(i.project)}/attestors/${str(i.name)}`,
    outputs: {
      attestationAuthorityNote: {
        ...(i.attestationAuthorityNote as Inputs),
        delegationServiceAccountEmail: agentEmail(num(str(i.project)), "binary-authorization"),
      },
    },
  }),
  "gcp:serviceaccount/account:Account": (i) => {
    const email = `${str(i.accountId)}@${str(i.project)}.iam.gserviceaccount.com`;
    return {
      id: `projects/${str(i.project)}/serviceAccounts/${email}`,
      outputs: {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${str(i.project)}/serviceAccounts/${email}`,
        uniqueId: mockProjectNumber(email) + "001",
      },
    };
  },
  "gcp:projects/iAMCustomRole:IAMCustomRole": (i) => ({
    id: `projects/${str(i.project)}/roles/${str(i.roleId)}`,
    outputs: { name: `projects/${str(i.project)}/roles/${str(i.roleId)}`, deleted: false },
  }),
  // An Offset is computed once, from the time it is created: a fixed instant keeps plans comparable.
  "time:index/offset:Offset": (i) => ({
    id: "2026-01-01T00:00:00Z",
    outputs: {
      baseRfc3339: "2026-01-01T00:00:00Z",
      rfc3339: `2026-01-01T${String(Number(i.offsetHours ?? 0)).padStart(2, "0")}:00:00Z`,
    },
  }),
  "gcp:compute/network:Network": (i) => ({
    id: `projects/${str(i.project)}/global/networks/${str(i.name)}`,
    outputs: { selfLink: `${COMPUTE}/projects/${str(i.project)}/global/networks/${str(i.name)}` },
  }),
  "gcp:compute/subnetwork:Subnetwork": (i) => ({
    id: `projects/${str(i.project)}/regions/${str(i.region)}/subnetworks/${str(i.name)}`,
    outputs: {
      selfLink: `${COMPUTE}/projects/${str(i.project)}/regions/${str(i.region)}/subnetworks/${str(i.name)}`,
    },
  }),
  "gcp:compute/router:Router": (i) => ({
    id: `projects/${str(i.project)}/regions/${str(i.region)}/routers/${str(i.name)}`,
    outputs: {
      selfLink: `${COMPUTE}/projects/${str(i.project)}/regions/${str(i.region)}/routers/${str(i.name)}`,
    },
  }),
  "gcp:compute/routerNat:RouterNat": (i) => ({
    id: `${str(i.project)}/${str(i.region)}/${str(i.router)}/${str(i.name)}`,
  }),
  "gcp:compute/globalAddress:GlobalAddress": (i) => ({
    id: `projects/${str(i.project)}/global/addresses/${str(i.name)}`,
    outputs: { selfLink: `${COMPUTE}/projects/${str(i.project)}/global/addresses/${str(i.name)}` },
  }),
  "gcp:compute/firewall:Firewall": (i) => ({
    id: `projects/${str(i.project)}/global/firewalls/${str(i.name)}`,
    outputs: { selfLink: `${COMPUTE}/projects/${str(i.project)}/global/firewalls/${str(i.name)}` },
  }),
  "gcp:servicenetworking/connection:Connection": (i) => ({
    id: `${str(i.network)}:${str(i.service)}`,
    outputs: { peering: "servicenetworking-googleapis-com" },
  }),
  "gcp:sql/databaseInstance:DatabaseInstance": (i, _n, num) => ({
    id: str(i.name),
    outputs: {
      connectionName: `${str(i.project)}:${str(i.region)}:${str(i.name)}`,
      privateIpAddress: "10.255.0.3",
      selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${str(i.project)}/instances/${str(i.name)}`,
      serviceAccountEmailAddress: `p${num(str(i.project))}-mock@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    },
  }),
  "gcp:redis/instance:Instance": (i) => ({
    id: `projects/${str(i.project)}/locations/${str(i.region)}/instances/${str(i.name)}`,
    outputs: {
      host: "10.255.16.4",
      port: 6378,
      readEndpoint: "10.255.16.5",
      authString: "offline-mock-redis-auth-string",
      serverCaCerts: [{ cert: "-----BEGIN CERTIFICATE-----\nMOCK\n-----END CERTIFICATE-----\n" }],
    },
  }),
};

const NOTIFICATION_CONFIG = "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig";

const hashId = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

Object.assign(computedByType, {
  "gcp:logging/projectBucketConfig:ProjectBucketConfig": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/${str(i.location)}/buckets/${str(i.bucketId)}`,
    outputs: {
      name: `projects/${str(i.project)}/locations/${str(i.location)}/buckets/${str(i.bucketId)}`,
      lifecycleState: "ACTIVE",
    },
  }),
  // Sink writer identities: the logging service agent of the sink's parent
  // (https://cloud.google.com/logging/docs/export/configure_export_v2#dest-auth).
  "gcp:logging/projectSink:ProjectSink": (i: Inputs, _n: string, num: (id: string) => string) => ({
    id: `projects/${str(i.project)}/sinks/${str(i.name)}`,
    outputs: {
      writerIdentity: `serviceAccount:${agentEmail(num(str(i.project)), "logging")}`,
    },
  }),
  "gcp:logging/folderSink:FolderSink": (i: Inputs) => ({
    id: `folders/${str(i.folder)}/sinks/${str(i.name)}`,
    outputs: {
      writerIdentity: `serviceAccount:service-folder-${str(i.folder)}@gcp-sa-logging.iam.gserviceaccount.com`,
    },
  }),
  "gcp:logging/organizationSink:OrganizationSink": (i: Inputs) => ({
    id: `organizations/${str(i.orgId)}/sinks/${str(i.name)}`,
    outputs: {
      writerIdentity: `serviceAccount:service-org-${str(i.orgId)}@gcp-sa-logging.iam.gserviceaccount.com`,
    },
  }),
  "gcp:logging/metric:Metric": (i: Inputs) => ({ id: str(i.name) }),
  "gcp:monitoring/notificationChannel:NotificationChannel": (i: Inputs, name: string) => {
    const channel = `projects/${str(i.project)}/notificationChannels/${BigInt("0x" + hashId(name)).toString()}`;
    return { id: channel, outputs: { name: channel } };
  },
  "gcp:monitoring/alertPolicy:AlertPolicy": (i: Inputs, name: string) => {
    const policy = `projects/${str(i.project)}/alertPolicies/${BigInt("0x" + hashId(name)).toString()}`;
    return { id: policy, outputs: { name: policy } };
  },
  "gcp:container/cluster:Cluster": (i: Inputs) => {
    const id = `projects/${str(i.project)}/locations/${str(i.location)}/clusters/${str(i.name)}`;
    return {
      id,
      outputs: {
        endpoint: "172.16.0.2",
        selfLink: `https://container.googleapis.com/v1/${id}`,
        masterAuth: {
          clusterCaCertificate: Buffer.from("mock-ca").toString("base64"),
          clientCertificateConfig: { issueClientCertificate: false },
        },
        controlPlaneEndpointsConfig: {
          ...(i.controlPlaneEndpointsConfig as Inputs),
          dnsEndpointConfig: {
            ...((i.controlPlaneEndpointsConfig as Inputs | undefined)?.dnsEndpointConfig as Inputs),
            endpoint: `gke-${hashId(id)}.${str(i.location)}.gke.goog`,
          },
        },
      },
    };
  },
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/global/dnsAuthorizations/${str(i.name)}`,
    outputs: {
      dnsResourceRecords: [
        {
          name: `_acme-challenge.${str(i.domain)}.`,
          type: "CNAME",
          data: `${hashId(str(i.domain))}.${hashId(str(i.name)).slice(0, 4)}.authorize.certificatemanager.goog.`,
        },
      ],
    },
  }),
  "gcp:certificatemanager/certificate:Certificate": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/global/certificates/${str(i.name)}`,
  }),
  "gcp:certificatemanager/certificateMap:CertificateMap": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/global/certificateMaps/${str(i.name)}`,
  }),
  "gcp:compute/sSLPolicy:SSLPolicy": (i: Inputs) => ({
    id: `projects/${str(i.project)}/global/sslPolicies/${str(i.name)}`,
  }),
  "gcp:compute/securityPolicy:SecurityPolicy": (i: Inputs) => ({
    id: `projects/${str(i.project)}/global/securityPolicies/${str(i.name)}`,
  }),
  "gcp:dns/managedZone:ManagedZone": (i: Inputs) => ({
    id: `projects/${str(i.project)}/managedZones/${str(i.name)}`,
  }),
  // `name` is the repository's short id ("The name of the repository, for example: repo1":
  // magic-modules products/artifactregistry/Repository.yaml).
  "gcp:artifactregistry/repository:Repository": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/${str(i.location)}/repositories/${str(i.repositoryId)}`,
    outputs: { name: str(i.repositoryId) },
  }),
  "gcp:serviceaccount/iAMMember:IAMMember": (i: Inputs) => ({
    id: `${str(i.serviceAccountId)}/${str(i.role)}/${str(i.member)}`,
  }),
  "gcp:cloudids/endpoint:Endpoint": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/${str(i.location)}/endpoints/${str(i.name)}`,
    outputs: {
      endpointForwardingRule: `https://www.googleapis.com/compute/v1/projects/${hashId(str(i.name))}-tp/regions/${str(i.location).replace(/-[a-z]$/, "")}/forwardingRules/ids-fw-${hashId(str(i.name)).slice(0, 8)}`,
      endpointIp: "10.69.255.10",
    },
  }),
  "gcp:iam/denyPolicy:DenyPolicy": (i: Inputs) => ({ id: `${str(i.parent)}/${str(i.name)}` }),
  // Ids as the provider sets them (their resources' id_format / self_link in magic-modules).
  "gcp:pubsub/topic:Topic": (i: Inputs) => ({ id: `projects/${str(i.project)}/topics/${str(i.name)}` }),
  "gcp:gkebackup/backupPlan:BackupPlan": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/${str(i.location)}/backupPlans/${str(i.name)}`,
  }),
  "gcp:workflows/workflow:Workflow": (i: Inputs) => ({
    id: `projects/${str(i.project)}/locations/${str(i.region)}/workflows/${str(i.name)}`,
  }),
  "gcp:storage/bucket:Bucket": (i: Inputs) => ({
    id: str(i.name),
    outputs: {
      url: `gs://${str(i.name)}`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${str(i.name)}`,
    },
  }),
  "gcp:secretmanager/secret:Secret": (i: Inputs) => {
    const name = `projects/${str(i.project)}/secrets/${str(i.secretId)}`;
    return { id: name, outputs: { name } };
  },
  // A generated suffix, deterministic offline: the same name gives the same hex on every plan.
  "random:index/randomId:RandomId": (i: Inputs, name: string) => {
    const bytes = createHash("sha256")
      .update(name)
      .digest()
      .subarray(0, Number(i.byteLength ?? 8));
    return {
      id: bytes.toString("base64url"),
      outputs: {
        hex: bytes.toString("hex"),
        b64Url: bytes.toString("base64url"),
        dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
      },
    };
  },
  "gcp:projects/iAMAuditConfig:IAMAuditConfig": (i: Inputs) => ({
    id: `${str(i.project)}/${str(i.service)}`,
    outputs: { etag: "BwXmock=" },
  }),
  "gcp:projects/iAMMember:IAMMember": (i: Inputs) => ({
    id: `${str(i.project)}/${str(i.role)}/${str(i.member)}`,
    outputs: { etag: "BwXmock=" },
  }),
});

/** Data sources the program is allowed to call, answered as the provider would. */
const callsByToken: Record<
  string,
  (inputs: Inputs, seed: DeployedSeed, num: (id: string) => string) => Inputs
> = {
  // A signing key's version 1 (data_source_google_kms_crypto_key_version.go: id
  // `//cloudkms.googleapis.com/v1/<key>/cryptoKeyVersions/<n>`, the public key as PEM).
  "gcp:kms/getKMSCryptoKeyVersion:getKMSCryptoKeyVersion": (i) => {
    const key = str(i.cryptoKey);
    const version = Number(i.version ?? 1);
    const algorithm = "RSA_SIGN_PKCS1_4096_SHA512";
    return {
      cryptoKey: key,
      version,
      id: `//cloudkms.googleapis.com/v1/${key}/cryptoKeyVersions/${version}`,
      name: `${key}/cryptoKeyVersions/${version}`,
      algorithm,
      protectionLevel: "HSM",
      state: "ENABLED",
      publicKeys: [
        {
          algorithm,
          pem: `-----BEGIN PUBLIC KEY-----\n${hashId(key)}\n-----END PUBLIC KEY-----\n`,
        },
      ],
    };
  },
  "gcp:organizations/getProject:getProject": (i, _s, num) => ({
    projectId: str(i.projectId),
    number: num(str(i.projectId)),
    name: str(i.projectId),
    id: `projects/${str(i.projectId)}`,
  }),
  "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": (i, _s, num) => {
    const email = agentEmail(num(str(i.project)), "storage");
    return { project: str(i.project), emailAddress: email, member: `serviceAccount:${email}`, id: email };
  },
  "gcp:logging/getProjectCmekSettings:getProjectCmekSettings": (i, seed, num) => ({
    project: str(i.project),
    name: `projects/${str(i.project)}/cmekSettings`,
    serviceAccountId:
      seed.loggingCmekAccounts.get(str(i.project)) ?? agentEmail(num(str(i.project)), "logging"),
    id: `projects/${str(i.project)}/cmekSettings`,
  }),
};

export class GcpMocks implements Mocks {
  /**
   * @param seed what a deployed stack already holds (engine/deployedSeed.ts): each resource's id
   * and outputs by URN, the project numbers, the Logging CMEK accounts. The engine answers a
   * preview with the deployed state, so a plan previewed against a stack (`rehearse --against`)
   * sees what Google computed, not what the mocks would invent.
   * @param stacks outputs of the stacks a program reads through `pulumi.StackReference`, by the
   * name it references them with (the engine reads them from the backend; offline, from a plan).
   */
  /**
   * @param sccOrganization the organisation Security Command Center is activated at, if it is: its
   * notification agent then serves every project's config; otherwise each project has its own.
   */
  constructor(
    private readonly seed: DeployedSeed = EMPTY_SEED,
    private readonly stacks: Record<string, Record<string, unknown>> = {},
    private readonly sccOrganization?: string,
  ) {}

  /** A project's number: the deployed one when the seed knows it, else the deterministic mock. */
  private readonly projectNumber = (projectId: string): string =>
    this.seed.projectNumbers.get(projectId) ?? mockProjectNumber(projectId);

  /** Every data-source call made, in order; a token the program should not call throws. */
  readonly calls: MockCallArgs[] = [];

  /** Subnets by id and by name, for what Google allocates or names from them. */
  private readonly subnets = new Map<
    string,
    { project: string; region: string; range: string; used: number }
  >();

  newResource(args: MockResourceArgs & { urn?: string }): MockResourceResult {
    const known = args.urn ? this.seed.byUrn.get(args.urn) : undefined;
    // The provider's planned state: the program's inputs over what the deployed resource computed.
    if (known) return { id: known.id, state: overlay(known.outputs, args.inputs) as Inputs };
    if (args.type === "pulumi:pulumi:StackReference") {
      const name = str(args.inputs.name);
      const outputs = this.stacks[name];
      if (!outputs) throw new Error(`stack reference ${name}: no such stack is known to this offline run`);
      return { id: name, state: { name, outputs, secretOutputNames: [] } };
    }
    const stateful = this.allocate(args);
    if (stateful) return stateful;
    if (args.type === NOTIFICATION_CONFIG) return this.notificationConfig(args.inputs);
    const compute = computedByType[args.type];
    if (compute) {
      const { id, outputs } = compute(args.inputs, args.name, this.projectNumber);
      return { id, state: { ...args.inputs, ...outputs } };
    }
    return { id: args.custom === false ? "" : `${str(args.inputs.name) || args.name}`, state: args.inputs };
  }

  /**
   * What Google derives from other resources: an internal address is the next free one of its
   * subnet (the first two and the last two are reserved:
   * https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet); a GKE
   * ServiceAttachment's status names the Compute service attachment GKE created in the NAT
   * subnet's project and region.
   */
  private allocate(args: MockResourceArgs): MockResourceResult | undefined {
    const i = args.inputs;
    if (args.type === "gcp:compute/subnetwork:Subnetwork") {
      const result = computedByType[args.type](i, args.name, this.projectNumber);
      const subnet = { project: str(i.project), region: str(i.region), range: str(i.ipCidrRange), used: 0 };
      this.subnets.set(result.id, subnet);
      this.subnets.set(str(i.name), subnet);
      return { id: result.id, state: { ...i, ...result.outputs } };
    }
    if (args.type === "gcp:compute/address:Address" && i.address === undefined) {
      const subnet = this.subnets.get(str(i.subnetwork));
      if (!subnet) return undefined;
      const [base] = subnet.range.split("/");
      const octets = base.split(".").map(Number);
      const address = [...octets.slice(0, 3), octets[3] + 2 + subnet.used++].join(".");
      const id = `projects/${str(i.project)}/regions/${str(i.region)}/addresses/${str(i.name)}`;
      return { id, state: { ...i, address, selfLink: `${COMPUTE}/${id}` } };
    }
    if (args.type === "kubernetes:networking.gke.io/v1:ServiceAttachment") {
      const spec = (i.spec ?? {}) as { natSubnets?: string[] };
      const subnet = this.subnets.get(str(spec.natSubnets?.[0]));
      if (!subnet) return undefined;
      const name = `k8s1-sa-${hashId(args.name).slice(0, 8)}`;
      const url = `${COMPUTE}/projects/${subnet.project}/regions/${subnet.region}/serviceAttachments/${name}`;
      return { id: args.name, state: { ...i, status: { serviceAttachmentURL: url } } };
    }
    return undefined;
  }

  /**
   * The agent that publishes a project's findings is created by Security Command Center with the
   * first config and returned as the config's `serviceAccount` (magic-modules
   * mmv1/products/securitycenterv2/ProjectNotificationConfig.yaml): the organisation's
   * (`service-org-<id>@gcp-sa-scc-notification…`) when activated there, else the project's.
   */
  private notificationConfig(i: Inputs): MockResourceResult {
    const name = `projects/${str(i.project)}/locations/${str(i.location) || "global"}/notificationConfigs/${str(i.configId)}`;
    const owner = this.sccOrganization ? `org-${this.sccOrganization}` : this.projectNumber(str(i.project));
    const serviceAccount = `service-${owner}@gcp-sa-scc-notification.iam.gserviceaccount.com`;
    return { id: name, state: { ...i, name, serviceAccount } };
  }

  call(args: MockCallArgs): Inputs {
    const answer = callsByToken[args.token];
    if (!answer) {
      throw new Error(
        `unexpected data-source call ${args.token}: add an explicit answer to engine/gcpMocks.ts`,
      );
    }
    this.calls.push(args);
    return answer(args.inputs, this.seed, this.projectNumber);
  }
}
