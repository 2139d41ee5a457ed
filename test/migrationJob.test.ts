import * as k8s from "@pulumi/kubernetes";
import {
  MIGRATION_NAMESPACE,
  MigrationJob,
  MigrationJobArgs,
  migrationEgress,
  migrationJobArgs,
} from "../components/migrationJob";
import { BASE_EGRESS } from "../components/kubernetesBaseline";
import { CapturedResource } from "../engine/model";
import { registerAlone, registeredAs } from "./helpers/component";

/*
 * MigrationJob alone, with the least arguments (awsx vpc.test.ts style): registered under the
 * engine's mocks with the harness's capturing monitor, every registration asserted by type, name,
 * parent and the inputs that carry its controls.
 */
const ARGS: Omit<MigrationJobArgs, "provider" | "dependsOn"> = {
  project: "qp-test-cde",
  connectionName: "qp-test-cde:us-east1:ledger",
  script: "select 1;",
  migrator: {
    email: "migrator@qp-test-cde.iam.gserviceaccount.com",
    member: "serviceAccount:migrator@qp-test-cde.iam.gserviceaccount.com",
  },
  databaseUser: "migrator@qp-test-cde.iam",
  databaseLoginRole: "projects/qp-test-cde/roles/databaseLogin",
  privateServiceAccess: "10.80.128.0/20",
};
const byName = (a: string[], b: string[]) => a[1].localeCompare(b[1]);
const IMAGES = { proxy: "proxy@sha256:aa", client: "psql@sha256:bb" };

async function register(args: Omit<MigrationJobArgs, "provider" | "dependsOn">): Promise<CapturedResource[]> {
  return registerAlone(() => {
    const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
    new MigrationJob("mig", { ...args, provider, dependsOn: [] });
  });
}

describe("MigrationJob before the images are mirrored", () => {
  test("registers only the namespace, its two policies and the migrator's account: no window opens, no Job runs", async () => {
    const resources = await register(ARGS);
    expect(resources.map((r) => [r.type, r.name]).sort(byName)).toEqual(
      [
        ["qairopay:database:MigrationJob", "mig"],
        ["kubernetes:core/v1:Namespace", "mig-namespace"],
        ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "mig-default-deny"],
        ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "mig-egress"],
        ["kubernetes:core/v1:ServiceAccount", "mig-ksa"],
      ].sort(byName),
    );
    const component = resources[0].urn;
    for (const r of resources.slice(1)) expect([r.name, r.parent]).toEqual([r.name, component]);
    expect(resources.find((r) => r.name === "mig-ksa")?.inputs).toMatchObject({
      metadata: {
        namespace: MIGRATION_NAMESPACE,
        annotations: { "iam.gke.io/gcp-service-account": ARGS.migrator.email },
      },
      automountServiceAccountToken: false,
    });
  });
});

describe("MigrationJob with its images", () => {
  let resources: CapturedResource[];
  const named = (name: string) => registeredAs(resources, name);
  beforeAll(async () => {
    resources = await register({ ...ARGS, images: IMAGES });
  });

  test("also registers the script, the window, the conditioned login grant, its propagation wait and the Job", () => {
    expect(resources.map((r) => r.name).sort()).toEqual(
      [
        ...["mig", "mig-namespace", "mig-default-deny", "mig-egress", "mig-ksa"],
        ...["mig-script", "mig-window", "mig-login", "mig-login-propagated", "mig-job"],
      ].sort(),
    );
    expect(named("mig-window").type).toBe("time:index/offset:Offset");
    expect(named("mig-login").type).toBe("gcp:projects/iAMMember:IAMMember");
    expect(named("mig-login-propagated").dependencies).toContain(named("mig-login").urn);
  });

  test("the login grant expires with the window (one hour by default)", () => {
    expect(named("mig-window").inputs).toMatchObject({ offsetHours: 1 });
    expect(named("mig-login").inputs).toMatchObject({
      role: ARGS.databaseLoginRole,
      member: ARGS.migrator.member,
      condition: { expression: 'request.time < timestamp("2026-01-01T01:00:00Z")' },
    });
  });

  test("the Job waits for the grant's propagation and runs as the migrator", () => {
    const job = named("mig-job");
    expect(job.dependencies).toEqual(
      expect.arrayContaining([
        named("mig-login-propagated").urn,
        named("mig-script").urn,
        named("mig-ksa").urn,
      ]),
    );
    expect(job.inputs).toMatchObject({
      metadata: { namespace: MIGRATION_NAMESPACE },
      spec: { template: { spec: { serviceAccountName: "migrator", automountServiceAccountToken: false } } },
    });
  });
});

describe("MigrationJob's arguments", () => {
  test("egress: the base allows and the instance's range on the proxy port, nothing else", () => {
    expect(migrationEgress("10.80.128.0/20").egress).toEqual([
      ...BASE_EGRESS,
      { to: [{ ipBlock: { cidr: "10.80.128.0/20" } }], ports: [{ protocol: "TCP", port: 3307 }] },
    ]);
  });

  test("the proxy connects over the private IP with IAM authentication; psql stops on the first error in one transaction", () => {
    const spec = migrationJobArgs({
      version: "v1",
      images: IMAGES,
      connectionName: ARGS.connectionName,
      databaseUser: ARGS.databaseUser,
      scriptMap: "migration-v1",
    }).spec as unknown as { template: { spec: Record<string, { args: unknown[]; image: string }[]> } };
    const [proxy] = spec.template.spec.initContainers;
    const [migrate] = spec.template.spec.containers;
    expect(proxy.image).toBe(IMAGES.proxy);
    expect(proxy.args).toEqual(
      expect.arrayContaining(["--auto-iam-authn", "--private-ip", ARGS.connectionName]),
    );
    expect(migrate.args).toEqual(expect.arrayContaining(["--set=ON_ERROR_STOP=1", "--single-transaction"]));
  });
});
