import { cmekKeysOf, valuesAt } from "../../../facts/google/cmekKeyPaths";
import { SERVICE_AGENTS } from "../../../facts/google/serviceAgents";
import { CapturedResource } from "../../model";
import { plain } from "../../deployment";
import { PROPAGATION_SECONDS } from "../facts/propagation";
import { grantMembers, isGrant, projectName, waitBetween } from "../lookup";
import { label, RehearsalContext, RehearsalRule } from "../model";
import { keyGrants } from "./cmekGrantBeforeUse";

const JOB = "kubernetes:batch/v1:Job";
const KSA = "kubernetes:core/v1:ServiceAccount";
const CLUSTER = "gcp:container/cluster:Cluster";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";

/**
 * Where a resource names the service account it runs as or acts as: attaching one "requires the
 * iam.serviceAccounts.actAs permission on the service account" (https://cloud.google.com/iam/docs/attach-service-accounts),
 * checked when the resource is created or the field changes.
 */
const ATTACHED_ACCOUNT_PATHS = [
  "serviceAccount",
  "serviceAccountEmail",
  "oauthToken.serviceAccountEmail",
  "oidcToken.serviceAccountEmail",
  "httpTarget.oauthToken.serviceAccountEmail",
  "httpTarget.oidcToken.serviceAccountEmail",
  "nodeConfig.serviceAccount",
  "clusterAutoscaling.autoProvisioningDefaults.serviceAccount",
  "template.serviceAccount",
  "serviceConfig.serviceAccountEmail",
].map((p) => p.split("."));
/** Roles that carry iam.serviceAccounts.actAs (https://cloud.google.com/iam/docs/service-accounts-actas). */
const ACT_AS_ROLES = ["roles/iam.serviceAccountUser", "roles/owner", "roles/editor"];
/** `x@p.iam.gserviceaccount.com`, or `projects/-/serviceAccounts/<email>` as some resources take it. */
const accountEmail = (value: unknown): string | undefined =>
  /(?:^|\/serviceAccounts\/)([^/@\s]+@[^/@\s]+\.gserviceaccount\.com)$/.exec(String(value ?? ""))?.[1];

/** A use of fresh grants: the resource, and the grants it acts on. */
interface Use {
  user: CapturedResource;
  grants: CapturedResource[];
  what: string;
  /** Whether an unordered grant is this rule's to report (a key grant's order is cmek-grant-before-use's). */
  ordersItself: boolean;
}

/** Each CMEK-encrypted resource and the key grants of the agent that encrypts for it. */
function keyUses(ctx: RehearsalContext): Use[] {
  const uses: Use[] = [];
  for (const r of ctx.resources) {
    const project = projectName(ctx, r) ?? "";
    for (const { key, use } of cmekKeysOf(r.type, plain(r.inputs))) {
      if (!use.usedAtCreate) continue;
      const grants = keyGrants(ctx, key, SERVICE_AGENTS[use.agent].domain, project);
      if (grants.length)
        uses.push({ user: r, grants, what: `its agent's grant on ${key}`, ordersItself: false });
    }
  }
  return uses;
}

/**
 * Each Job and the grants to the Google service account its pods run as (the KSA's
 * `iam.gke.io/gcp-service-account`): roles to the account and the Workload Identity binding.
 */
function jobUses(ctx: RehearsalContext): Use[] {
  const uses: Use[] = [];
  for (const job of ctx.resources.filter((r) => r.type === JOB)) {
    const metadata = plain(job.inputs.metadata) as { namespace?: string };
    const pod = (plain(job.inputs.spec) as { template?: { spec?: { serviceAccountName?: string } } }).template
      ?.spec;
    const ksa = ctx.resources.find((k) => {
      const m = plain(k.inputs.metadata) as { name?: string; namespace?: string };
      return (
        k.type === KSA &&
        k.provider === job.provider &&
        m.namespace === metadata.namespace &&
        m.name === pod?.serviceAccountName
      );
    });
    const gsa = (plain(ksa?.inputs.metadata) as { annotations?: Record<string, string> } | undefined)
      ?.annotations?.["iam.gke.io/gcp-service-account"];
    if (!gsa) continue;
    const asGsa = `serviceAccount:${gsa}`;
    const asKsa = `[${String(metadata.namespace)}/${String(pod?.serviceAccountName)}]`;
    const grants = ctx.resources.filter(
      (g) =>
        isGrant(g) &&
        grantMembers(g).some(
          (m) => m === asGsa || (m.endsWith(asKsa) && String(g.inputs.serviceAccountId).endsWith(`/${gsa}`)),
        ),
    );
    if (grants.length)
      uses.push({
        user: job,
        grants,
        what: `the grants to ${gsa}, which its pods run as`,
        ordersItself: true,
      });
  }
  return uses;
}

/**
 * Each resource that attaches a service account, and the grants of actAs on that account to the
 * deployer in the same plan (on the account, or on its project). A cluster's own order is
 * node-service-account-ready's; this rule asks only for the wait.
 */
function actAsUses(ctx: RehearsalContext): Use[] {
  const uses: Use[] = [];
  const deployer = ctx.stack.deployer;
  const actAs = ctx.resources.filter(
    (g) =>
      isGrant(g) &&
      ACT_AS_ROLES.includes(String(g.inputs.role)) &&
      (!deployer || grantMembers(g).includes(deployer)),
  );
  if (!actAs.length) return uses;
  for (const r of ctx.resources.filter((x) => x.custom && x.type.startsWith("gcp:") && !isGrant(x))) {
    const inputs = plain(r.inputs);
    const emails = new Set(
      ATTACHED_ACCOUNT_PATHS.flatMap((path) => valuesAt(inputs, path))
        .map(accountEmail)
        .filter((e): e is string => !!e),
    );
    for (const email of emails) {
      const project = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
      const grants = actAs.filter((g) =>
        g.type.startsWith("gcp:serviceaccount/")
          ? String(plain(g.inputs.serviceAccountId)).endsWith(`/${email}`)
          : g.type.startsWith("gcp:projects/") && g.inputs.project === project,
      );
      if (grants.length)
        uses.push({
          user: r,
          grants,
          what: `the deployer's actAs on ${email}, which it attaches`,
          ordersItself: r.type !== CLUSTER,
        });
    }
  }
  return uses;
}

/**
 * Each Privileged Access Manager entitlement and the grant of its project to PAM's service agent:
 * PAM checks at create that its agent may manage the resource's IAM policy (the entitlement is
 * refused while the agent lacks it: components/privilegedAccess.ts).
 */
function entitlementUses(ctx: RehearsalContext): Use[] {
  const uses: Use[] = [];
  for (const e of ctx.resources.filter((r) => r.type === ENTITLEMENT)) {
    const project = /^projects\/([^/]+)$/.exec(String(plain(e.inputs.parent) ?? ""))?.[1];
    const grants = ctx.resources.filter(
      (g) =>
        isGrant(g) &&
        g.type === "gcp:projects/iAMMember:IAMMember" &&
        g.inputs.project === project &&
        grantMembers(g).some((m) => /@gcp-sa-pam\.iam\.gserviceaccount\.com$/.test(m)),
    );
    if (grants.length)
      uses.push({
        user: e,
        grants,
        what: `Privileged Access Manager's agent's grant on ${project}`,
        ordersItself: true,
      });
  }
  return uses;
}

/**
 * A fresh IAM grant is used only after it propagates: a `time.Sleep` of at least the propagation
 * time between the grant and the first resource that acts on it (a CMEK-encrypted store, whose
 * agent's key grant Google checks on create; a Job, whose pods sign in as the granted account; a
 * resource that attaches a service account, whose creator's actAs Google checks; a PAM entitlement,
 * whose agent's grant PAM checks).
 */
export const iamGrantPropagation: RehearsalRule = {
  id: "iam-grant-propagation",
  severity: "error",
  description: `A resource that acts on a grant this stack creates (a CMEK store on its agent's key grant, a Job on its service account's roles, a resource attaching a service account on the deployer's actAs, an entitlement on Privileged Access Manager's agent's grant) is created at least ${PROPAGATION_SECONDS.iamGrant / 60} minutes after the grant (a time.Sleep between them): IAM changes take up to 7 minutes to propagate and the provider does not retry a permission error.`,
  sources: [
    "https://cloud.google.com/iam/docs/access-change-propagation",
    "magic-modules mmv1/third_party/terraform/transport/error_retry_predicates.go (defaultErrorRetryPredicates)",
    "magic-modules mmv1/third_party/terraform/services/sql/resource_sql_database_instance.go.tmpl (IsSqlOperationInProgressError only)",
    "https://cloud.google.com/iam/docs/attach-service-accounts",
  ],
  check(ctx, report) {
    const need = PROPAGATION_SECONDS.iamGrant;
    const uses = [...keyUses(ctx), ...jobUses(ctx), ...actAsUses(ctx), ...entitlementUses(ctx)];
    for (const use of uses) {
      const { user, what, ordersItself } = use;
      // A grant made before this run has propagated.
      const grants = use.grants.filter((g) => !ctx.order.isExisting(g.urn));
      const unordered = grants.find((g) => !ctx.order.precedes(g.urn, user.urn));
      if (unordered && ordersItself) {
        report.asWritten.error(
          this.id,
          user,
          `${label(user)} acts on ${what}, but nothing orders it after ${unordered.name}: it can act before the grant exists. Depend on the grant, through a time.Sleep of at least ${need}s.`,
        );
        continue;
      }
      const ordered = grants.filter((g) => ctx.order.precedes(g.urn, user.urn));
      const short = ordered
        .map((g) => ({ g, waited: waitBetween(ctx, g.urn, user.urn) }))
        .filter(({ waited }) => waited < need);
      if (!short.length) continue;
      const { g, waited } = short[0];
      report.asWritten.error(
        this.id,
        user,
        `${label(user)} acts on ${what} (${g.name}) ${waited}s after it is granted: IAM grants take up to 7 minutes to take effect and the create fails on the permission error. Put a time.Sleep of at least ${need}s (createDuration) after the batch of grants and depend on it.`,
      );
    }
  },
};
