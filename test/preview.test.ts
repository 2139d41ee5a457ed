import { CapturedResource, isCloudResource, shortUrn } from "../engine/model";
import { IMMUTABLE_FIELDS, REPLACE_FIELDS } from "../facts/google/replaceFields";
import { BUILT_IN_CONSTRAINTS } from "../catalogue/orgConstraints/builtInConstraints";
import { CUSTOM_CONSTRAINTS } from "../catalogue/orgConstraints/customConstraints";
import { rehearseDestroy } from "../engine/preview/destroy";
import { diffStates } from "../engine/preview/diff";
import { changesFromEngineEvents } from "../engine/preview/engineEvents";
import { guardChanges } from "../engine/preview/guard";
import { previewAgainst } from "../engine/preview/preview";
import { failoverPreview, failoverPreviewWithReplacement } from "./fixtures/engineEvents";
import { clone, editResource, removeResource } from "../specs/mutate";
import { planStack } from "./helpers/plan";
import { runOffline } from "../engine/run";
import { loadStack } from "../engine/stackFile";

let prod: CapturedResource[];
let prodFlipped: CapturedResource[];
let staging: CapturedResource[];
beforeAll(async () => {
  prod = (await planStack("prod")).resources;
  prodFlipped = (await planStack("prod", { primaryRegion: "us-east1" })).resources;
  staging = (await planStack("staging")).resources;
});

const errors = (findings: { severity: string; rule: string; urn: string }[]) =>
  findings.filter((f) => f.severity === "error").map((f) => [f.rule, shortUrn(f.urn)]);

describe("the offline preview against a deployed state", () => {
  test("every cloud type the stacks deploy has its replace-forcing fields listed", () => {
    const listed = (t: string) => t in IMMUTABLE_FIELDS || t in REPLACE_FIELDS;
    const types = new Set([...prod, ...staging].filter(isCloudResource).map((r) => r.type));
    expect([...types].filter((t) => t.startsWith("gcp:") && !listed(t))).toEqual([]);
  });

  test("a secret's replica regions changed: replaced, and the guard stops it", () => {
    const name = "prod-secrets-redis-auth-us-central1";
    const after = editResource(name, (p) => {
      const replicas = (p.replication as { userManaged: { replicas: unknown[] } }).userManaged.replicas;
      replicas.pop();
    })(prod);
    const { changes, findings } = previewAgainst(prod, after);
    expect(changes.find((c) => shortUrn(c.urn) === name)).toMatchObject({
      op: "replace",
      replaceFields: ["replication.userManaged.replicas"],
    });
    expect(errors(findings)).toContainEqual(["stateful-replace", name]);
  });

  test("Artifact Registry CMEK: new repositories beside the old ones, and dropping the old ones is stopped", async () => {
    // The deployed state before CMEK: the `images` repositories only.
    const legacy = (await planStack("prod", { legacyImageRepositories: true })).resources;
    const deployed = legacy.filter((r) => !/^prod-images-containers-/.test(r.name));
    const migrating = previewAgainst(deployed, legacy);
    expect(
      migrating.changes.filter(
        (c) => c.type === "gcp:artifactregistry/repository:Repository" && c.op !== "same",
      ),
    ).toEqual([
      expect.objectContaining({
        op: "create",
        urn: expect.stringContaining("prod-images-containers-us-central1"),
      }),
      expect.objectContaining({
        op: "create",
        urn: expect.stringContaining("prod-images-containers-us-east1"),
      }),
    ]);
    expect(errors(migrating.findings)).toEqual([]);
    expect(errors(previewAgainst(deployed, prod).findings)).toEqual(
      expect.arrayContaining([
        ["stateful-delete", "prod-images-us-central1"],
        ["stateful-delete", "prod-images-us-east1"],
      ]),
    );
  });

  describe("Kubernetes providers (pulumi-kubernetes replaces one whose active cluster changes)", () => {
    /** A stack deployed before the providers carried clusterIdentifier: DNS endpoint, private IP endpoint. */
    const deployedBefore = (resources: CapturedResource[]) =>
      clone(resources).map((r) => {
        if (r.type === "pulumi:providers:kubernetes") {
          const inputs: Record<string, unknown> = { ...r.inputs };
          delete inputs.clusterIdentifier;
          return { ...r, inputs };
        }
        if (r.type === "gcp:container/cluster:Cluster")
          return {
            ...r,
            inputs: {
              ...r.inputs,
              privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
            },
          };
        return r;
      });
    const replaced = (before: CapturedResource[], after: CapturedResource[]) =>
      previewAgainst(before, after).findings.filter((f) => f.rule === "kubernetes-provider-replaced");

    test("moving the endpoint of providers without clusterIdentifier would replace every object: stopped", () => {
      const errors = replaced(deployedBefore(prod), prod);
      expect(errors.map((f) => [f.severity, shortUrn(f.urn)]).sort()).toEqual(
        [
          "prod-cde-gke-us-central1-k8s",
          "prod-cde-gke-us-east1-k8s",
          "prod-gke-us-central1-k8s",
          "prod-gke-us-east1-k8s",
        ].map((n) => ["error", n]),
      );
      expect(errors[0].message).toMatch(
        /moves from the dns endpoint to the ip endpoint while the provider has no clusterIdentifier yet/,
      );
    });

    test("kubernetesProviderTransition keeps the endpoint, so the identifier is added without a replacement", async () => {
      const transition = (await planStack("prod", { kubernetesProviderTransition: true })).resources;
      expect(replaced(deployedBefore(prod), transition)).toEqual([]);
    });

    test("a changed clusterIdentifier (a new cluster) replaces the provider: stopped", () => {
      const moved = editResource(
        "prod-gke-us-east1-k8s",
        (p) => (p.clusterIdentifier = "projects/p/locations/l/clusters/other"),
      )(prod);
      expect(replaced(prod, moved).map((f) => [shortUrn(f.urn), f.message])).toEqual([
        [
          "prod-gke-us-east1-k8s",
          expect.stringContaining(
            "its clusterIdentifier changed (a new cluster), which deletes and re-creates every Kubernetes object",
          ),
        ],
      ]);
    });

    test("with clusterIdentifier in place, switching to the DNS endpoint (perimeter enforced) replaces nothing", async () => {
      const enforced = (await planStack("prod", { perimeterEnforced: true })).resources;
      expect(replaced(prod, enforced)).toEqual([]);
    });
  });

  test("the same program against its own export: every resource unchanged", () => {
    const { changes, findings } = previewAgainst(prod, clone(prod));
    expect(new Set(changes.map((c) => c.op))).toEqual(new Set(["same"]));
    expect(findings).toEqual([]);
  });

  test("failing over (primaryRegion flipped) updates the four Cloud SQL instances in place and re-runs the migrations on the new primaries; deletes nothing", () => {
    const { changes, findings } = previewAgainst(prod, prodFlipped);
    const changed = changes.filter((c) => c.op !== "same");
    expect(changed.map((c) => [c.op, shortUrn(c.urn)]).sort()).toEqual(
      [
        ["update", "prod-card-vault-us-central1"],
        ["update", "prod-card-vault-us-east1"],
        ["update", "prod-ledger-us-central1"],
        ["update", "prod-ledger-us-east1"],
        // An idempotent script replaced is the script run again on the new primary (its delete does
        // nothing); card-vault's Job is replaced to run on the new primary, after a new login
        // window, its grant and the wait for it.
        ["replace", "prod-ledger-migration-script"],
        ["replace", "prod-card-vault-migration-job-job"],
        ["replace", "prod-card-vault-migration-job-script"],
        ["replace", "prod-card-vault-migration-job-window"],
        ["replace", "prod-card-vault-migration-job-login"],
        ["replace", "prod-card-vault-migration-job-login-propagated"],
        // The daily export follows the primary to the other region's bucket; its workflow and
        // schedule, which hold no state, move to that region with it (RES-10).
        ["replace", "prod-card-vault-backups-workflow"],
        ["replace", "prod-card-vault-backups-schedule"],
        ["replace", "prod-ledger-backups-workflow"],
        ["replace", "prod-ledger-backups-schedule"],
      ].sort(),
    );
    const instances = changed.filter((c) => c.type === "gcp:sql/databaseInstance:DatabaseInstance");
    expect(
      instances.every((c) => c.fields.includes("masterInstanceName") && c.replaceFields.length === 0),
    ).toBe(true);
    expect(
      changed
        .filter((c) => c.op === "replace" && c.type.startsWith("gcp:sql/"))
        .every((c) => c.replaceFields.join() === "instance"),
    ).toBe(true);
    expect(
      changed
        .filter((c) => c.op === "replace" && shortUrn(c.urn).includes("-backups-"))
        .every((c) => c.replaceFields.join() === "region"),
    ).toBe(true);
    const job = changed.find((c) => shortUrn(c.urn) === "prod-card-vault-migration-job-job");
    // A new name (the version) and a pod template that is immutable once created.
    expect(job?.replaceFields).toEqual([
      "metadata.name",
      "spec.template.spec.containers",
      "spec.template.spec.initContainers",
      "spec.template.spec.volumes",
    ]);
    expect(findings).toEqual([]);
  });

  test("a replace-forcing change of a database: stateful-replace, naming the field", () => {
    const after = editResource(
      "prod-ledger-us-east1",
      (p) => (p.encryptionKeyName = "projects/x/locations/us-east1/keyRings/r/cryptoKeys/k"),
    )(prod);
    const { changes, findings } = previewAgainst(prod, after);
    expect(changes.find((c) => shortUrn(c.urn) === "prod-ledger-us-east1")).toMatchObject({
      op: "replace",
      replaceFields: ["encryptionKeyName"],
    });
    expect(errors(findings)).toContainEqual(["stateful-replace", "prod-ledger-us-east1"]);
    expect(findings.find((f) => f.rule === "stateful-replace")?.message).toMatch(
      /would be replaced .* losing a Cloud SQL instance and its data, because encryptionKeyName changed/,
    );
  });

  test("a replaced subnet replaces the clusters whose subnetwork comes from it (the cascade the engine performs)", () => {
    const after = editResource(
      "prod-platform-net-us-east1",
      (p) => (p.name = "prod-platform-us-east1-v2"),
    )(prod);
    const { changes, findings } = previewAgainst(prod, after);
    expect(changes.find((c) => shortUrn(c.urn) === "prod-gke-us-east1-cluster")).toMatchObject({
      op: "replace",
      replaceFields: ["subnetwork"],
    });
    expect(errors(findings)).toContainEqual(["stateful-replace", "prod-gke-us-east1-cluster"]);
  });

  test("a cluster removed from the program: stateful-delete", () => {
    const after = removeResource("prod-gke-us-east1-cluster")(prod);
    expect(errors(previewAgainst(prod, after).findings)).toContainEqual([
      "stateful-delete",
      "prod-gke-us-east1-cluster",
    ]);
  });

  test("a shrinking Cloud SQL disk is a replacement (the provider cannot shrink it in place)", () => {
    const before = editResource(
      "prod-ledger-us-central1",
      (p) => ((p.settings as Record<string, unknown>).diskSize = 500),
    )(prod);
    const after = editResource(
      "prod-ledger-us-central1",
      (p) => ((p.settings as Record<string, unknown>).diskSize = 200),
    )(prod);
    const { changes, findings } = previewAgainst(before, after);
    expect(changes.find((c) => shortUrn(c.urn) === "prod-ledger-us-central1")?.replaceFields).toEqual([
      "settings.diskSize",
    ]);
    expect(errors(findings)).toContainEqual(["stateful-replace", "prod-ledger-us-central1"]);
  });

  test("any change to a locked bucket's retention", () => {
    const after = editResource("prod-audit-log-bucket", (p) => (p.retentionDays = 500))(prod);
    const { findings } = previewAgainst(prod, after);
    expect(errors(findings)).toEqual([["locked-bucket", "prod-audit-log-bucket"]]);
    expect(findings[0].message).toMatch(/retentionDays would change/);
  });

  test("removing a log bucket's CMEK is refused by the API", () => {
    const after = editResource("prod-audit-log-bucket", (p) => delete p.cmekSettings)(prod);
    expect(errors(previewAgainst(prod, after).findings)).toContainEqual([
      "in-place-rejected",
      "prod-audit-log-bucket",
    ]);
  });

  test("a key ring renamed in the program (new URN, same Google name): deleted, and its name taken again", () => {
    const after = clone(prod).map((r) =>
      r.name === "prod-keys-us-east1-tenant-kek"
        ? { ...r, urn: r.urn.replace(/::prod-keys-us-east1-tenant-kek$/, "::tenant-kek-east") }
        : r,
    );
    const rules = errors(previewAgainst(prod, after).findings);
    expect(rules).toContainEqual(["stateful-delete", "prod-keys-us-east1-tenant-kek"]);
    expect(rules).toContainEqual(["name-reuse", "tenant-kek-east"]);
  });

  test("a custom constraint's resource type changed: its replacement would take a name Google never gives back", () => {
    const after = editResource(
      "prod-guardrails-StorageBucketCmekPrivate",
      (p) => (p.resourceTypes = ["storage.googleapis.com/Object"]),
    )(prod);
    const { changes, findings } = previewAgainst(prod, after);
    expect(changes.find((c) => shortUrn(c.urn) === "prod-guardrails-StorageBucketCmekPrivate")?.op).toBe(
      "replace",
    );
    expect(errors(findings)).toContainEqual(["name-reuse", "prod-guardrails-StorageBucketCmekPrivate"]);
  });

  test("a resource added with no path to what it needs is rehearsed; what already exists is not", () => {
    const root = prod.find((x) => x.type === "pulumi:pulumi:Stack")?.urn;
    const after = clone(prod).map((r) =>
      r.name === "prod-edge-armor"
        ? {
            ...r,
            urn: r.urn.replace(/::prod-edge-armor$/, "::prod-edge-armor-v2"),
            dependencies: [],
            propertyDependencies: {},
            parent: root,
          }
        : r,
    );
    const { findings } = previewAgainst(prod, after);
    // The enablement of compute exists already: only the delete of the old policy remains, not stateful.
    expect(findings).toEqual([]);
    const fresh = previewAgainst(removeResource("prod-platform-compute")(prod), after);
    expect(errors(fresh.findings)).toContainEqual(["api-enabled", "prod-edge-armor-v2"]);
  });
});

describe("a deployed ephemeral stack", () => {
  test("a plan against it takes the deployed generation suffix, so nothing changes", async () => {
    const generation = staging.find((r) => r.type === "random:index/randomId:RandomId") as CapturedResource;
    const deployed = clone(staging).map((r) =>
      r.urn === generation.urn ? { ...r, id: "vu8", outputs: { ...r.outputs, hex: "beef" } } : r,
    );
    const replanned = (await runOffline(loadStack("staging"), undefined, deployed)).resources;
    const projectIds = replanned
      .filter((r) => r.type === "gcp:organizations/project:Project")
      .map((r) => r.inputs.projectId);
    expect(projectIds).toEqual([
      "qp-stg-platform-beef",
      "qp-stg-cde-beef",
      "qp-stg-kms-beef",
      "qp-stg-logging-beef",
    ]);
    // Against the staging plan with the same suffix: every resource unchanged.
    const previous = (await runOffline(loadStack("staging"), undefined, deployed)).resources;
    expect(diffStates(previous, replanned).filter((c) => c.op !== "same")).toEqual([]);
  });
});

describe("pulumi destroy rehearsed", () => {
  test("an ephemeral stack keeps everything inside its projects on delete and deletes the projects", () => {
    const cloud = staging.filter((r) => r.custom && /^(gcp|kubernetes):/.test(r.type));
    expect(
      cloud
        .filter((r) => !r.retainOnDelete)
        .map((r) => r.type)
        .sort(),
    ).toEqual([
      "gcp:accesscontextmanager/accessLevel:AccessLevel",
      "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter",
      // The deny policies: the audit trail's on the folder, and the logging project's own.
      ...Array(2).fill("gcp:iam/denyPolicy:DenyPolicy"),
      "gcp:logging/folderSink:FolderSink",
      ...Array(4).fill("gcp:organizations/project:Project"),
      // The organisation's custom constraints and the folder's policies: a rebuild creates them again.
      ...Array(CUSTOM_CONSTRAINTS.length).fill("gcp:orgpolicy/customConstraint:CustomConstraint"),
      ...Array(CUSTOM_CONSTRAINTS.length + BUILT_IN_CONSTRAINTS.length).fill("gcp:orgpolicy/policy:Policy"),
      // The folder's Security Health Analytics custom modules (DET-01), likewise.
      ...Array(13).fill(
        "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
      ),
    ]);
  });

  test("a VPC deleted piece by piece with an ABANDONed peering cannot be deleted", () => {
    const unretained = editResource(
      "staging-platform-net-vpc",
      (_p, r) => (r.retainOnDelete = false),
    )(staging);
    expect(errors(rehearseDestroy(unretained).findings)).toEqual([
      ["destroy-deletion-guard", "staging-platform-net-vpc"],
    ]);
  });

  test("staging (ephemeral) destroys cleanly and can be rebuilt: no finding", () => {
    const { changes, findings } = rehearseDestroy(staging);
    expect(findings).toEqual([]);
    expect(changes.every((c) => c.op === "delete")).toBe(true);
    // Dependants go first: every cluster before the network it runs in.
    const at = (name: string) => changes.findIndex((c) => shortUrn(c.urn) === name);
    expect(at("staging-gke-us-central1-cluster")).toBeLessThan(at("staging-platform-net-vpc"));
  });

  test("prod refuses, naming each protection", () => {
    const rules = errors(rehearseDestroy(prod).findings);
    expect(rules).toContainEqual(["destroy-protected", "prod-ledger-us-central1"]);
    expect(rules).toContainEqual(["destroy-deletion-guard", "prod-ledger-us-central1"]);
    expect(rules).toContainEqual(["destroy-deletion-guard", "prod-gke-us-east1-cluster"]);
    expect(rules).toContainEqual(["destroy-protected", "prod-audit-log-bucket"]);
    expect(rules).toContainEqual(["rebuild-name-collision", "prod-keys-us-central1-tenant-kek"]);
  });

  test("an ephemeral stack whose projects lose their generation suffix collides on rebuild", () => {
    const fixed = clone(staging).map((r) =>
      r.type === "gcp:organizations/project:Project"
        ? { ...r, propertyDependencies: { ...r.propertyDependencies, projectId: [] } }
        : r,
    );
    expect(errors(rehearseDestroy(fixed).findings)).toContainEqual([
      "rebuild-name-collision",
      "staging-platform",
    ]);
  });
});

describe("one guard for the offline diff and the engine's events", () => {
  test("engine events of a clean failover: updates only, no finding", () => {
    const changes = changesFromEngineEvents(failoverPreview());
    expect(changes.map((c) => c.op).sort()).toEqual(["same", "update", "update", "update", "update"]);
    expect(guardChanges(changes, { dependedOn: new Set() })).toEqual([]);
  });

  test("engine events announcing a replacement: one change (replace), refused", () => {
    const changes = changesFromEngineEvents(failoverPreviewWithReplacement());
    expect(changes.map((c) => [c.op, c.replaceFields])).toEqual([["replace", ["encryptionKeyName"]]]);
    expect(guardChanges(changes, { dependedOn: new Set() }).map((f) => f.rule)).toEqual(["stateful-replace"]);
  });

  test("a delete-before-replace stream (delete-replaced first, without keys) keeps the keys that force it", () => {
    const [prelude, create, replace, del, summary] = failoverPreviewWithReplacement();
    const changes = changesFromEngineEvents([prelude, del, replace, create, summary]);
    expect(changes.map((c) => [c.op, c.replaceFields])).toEqual([["replace", ["encryptionKeyName"]]]);
  });

  test("the offline diff and the engine's events of the same change get the same verdict", () => {
    const after = editResource("prod-ledger-us-east1", (p) => (p.encryptionKeyName = "k2"))(prod);
    const offline = guardChanges(diffStates(prod, after), { dependedOn: new Set() });
    const online = guardChanges(changesFromEngineEvents(failoverPreviewWithReplacement()), {
      dependedOn: new Set(),
    });
    expect(offline.map((f) => [f.rule, shortUrn(f.urn)])).toEqual(
      online.map((f) => [f.rule, shortUrn(f.urn)]),
    );
  });
});
