import { CapturedResource } from "../../model";
import { label, RehearsalRule } from "../model";
import { projectOf } from "../resourceProject";
import { plain } from "../../deployment";
import { sccScanners } from "../facts/prerequisites";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
const NOTIFICATION_CONFIG = "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig";
const DETECTION_TYPES = [
  NOTIFICATION_CONFIG,
  "gcp:securitycenter/managementProjectSecurityHealthAnalyticsCustomModule:ManagementProjectSecurityHealthAnalyticsCustomModule",
  "gcp:securitycenter/managementFolderSecurityHealthAnalyticsCustomModule:ManagementFolderSecurityHealthAnalyticsCustomModule",
];
const WORKFLOW = "gcp:workflows/workflow:Workflow";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
/**
 * What Privileged Access Manager's agent calls in a project: its grants are bindings it writes into
 * the project's IAM policy (Resource Manager's setIamPolicy), on behalf of PAM's own API.
 */
const PAM_SERVICES = ["cloudresourcemanager.googleapis.com", "privilegedaccessmanager.googleapis.com"];
const SINKS = [
  "gcp:logging/folderSink:FolderSink",
  "gcp:logging/organizationSink:OrganizationSink",
  "gcp:logging/projectSink:ProjectSink",
];

interface Ingress {
  ingressFrom?: { identities?: string[] };
}
interface PerimeterConfig {
  resources?: string[];
  restrictedServices?: string[];
  ingressPolicies?: Ingress[];
}

/** The project a log sink's destination lives in (`logging.googleapis.com/projects/P/…`). */
const destinationProject = (sink: CapturedResource) =>
  /projects\/([^/]+)\//.exec(String((plain(sink.inputs) as { destination?: string }).destination ?? ""))?.[1];

/**
 * Every call the plan implies from outside the perimeter into it has an ingress rule, and the
 * perimeter lets in no one else: with the platform's four projects in one perimeter, the
 * crossings are aggregated (folder, organisation) or outside-project log sinks writing into the
 * logging project, the deployer itself, and — where the plan deploys detection — Security Command
 * Center's scanners and the agent publishing its findings to the logging project's topic. Anything
 * an ingress rule admits beyond those is a hole.
 */
export const perimeterCrossings: RehearsalRule = {
  id: "perimeter-crossings",
  severity: "error",
  description:
    "Every call the plan implies into the VPC Service Controls perimeter from outside it (log sinks of folders, organisations or outside projects; the deployer; Security Command Center's scanners and notification agent; the backup workflows unless the perimeter restricts Workflows; Privileged Access Manager's agent where the perimeter restricts Resource Manager or PAM) has an ingress rule, and the ingress rules admit no other identity.",
  sources: [
    "https://cloud.google.com/vpc-service-controls/docs/ingress-egress-rules",
    "https://cloud.google.com/logging/docs/export/configure_export_v2",
    "https://cloud.google.com/workflows/docs/use-vpc-service-controls",
  ],
  check(ctx, report) {
    const numberOf = new Map([...ctx.stack.projectNumbers].map(([number, id]) => [id, number]));
    for (const perimeter of ctx.resources.filter((r) => r.type === PERIMETER)) {
      const inputs = plain(perimeter.inputs) as { status?: PerimeterConfig; spec?: PerimeterConfig };
      const config = inputs.status ?? inputs.spec ?? {};
      const inside = new Set((config.resources ?? []).map((r) => r.replace(/^projects\//, "")));
      const isInside = (project?: string) => !!project && inside.has(numberOf.get(project) ?? "?");
      const admitted = new Set(
        (config.ingressPolicies ?? []).flatMap((p) => p.ingressFrom?.identities ?? []),
      );
      // The people the stack declares as operators are needed by declaration (perimeterOperators).
      const needed = new Set<string>(
        [ctx.stack.deployer, ctx.stack.previewer, ...ctx.stack.operators].filter((m): m is string => !!m),
      );
      for (const sink of ctx.resources.filter((r) => SINKS.includes(r.type))) {
        const from = projectOf(sink, ctx.stack);
        if (isInside(from) || !isInside(destinationProject(sink))) continue;
        const writer = String((plain(sink.outputs) as { writerIdentity?: string }).writerIdentity ?? "");
        needed.add(writer);
        if (!admitted.has(writer))
          report.asWritten.error(
            this.id,
            sink,
            `${label(sink)} writes from outside the perimeter into ${destinationProject(sink)}, inside it, as ${writer}, and no ingress rule admits that identity: once enforced, the audit log stops arriving. Add an ingress rule for it (logging.googleapis.com).`,
          );
      }
      // Detection (DET-01, DET-02): the scanners of the declared activation, the configs' publishers.
      const scc = ctx.stack.prerequisites.securityCommandCenter;
      const detection = ctx.resources.filter((r) => DETECTION_TYPES.includes(r.type));
      if (scc && detection.length) {
        const numbers = [...inside];
        for (const scanner of sccScanners(scc, numbers)) {
          needed.add(scanner);
          if (!admitted.has(scanner))
            report.asWritten.error(
              this.id,
              perimeter,
              `${label(perimeter)} does not admit ${scanner}, Security Command Center's scanner for the ${scc.activation} activation the stack declares: once enforced, its detectors no longer see inside the projects (DET-01). Add an ingress and an egress rule for it (every service, as cloud-foundation-fabric's hardened perimeter does).`,
            );
        }
      }
      for (const config of detection.filter((r) => r.type === NOTIFICATION_CONFIG)) {
        const agent = (plain(config.outputs) as { serviceAccount?: string }).serviceAccount;
        if (!agent) continue;
        const publisher = `serviceAccount:${agent}`;
        needed.add(publisher);
        if (!admitted.has(publisher))
          report.asWritten.error(
            this.id,
            config,
            `${label(config)} publishes findings as ${publisher}, from outside the perimeter into the topic inside it, and no ingress rule admits that identity: once enforced, findings stop reaching on-call (DET-02). Add an ingress rule for it (pubsub.googleapis.com).`,
          );
      }
      // A workflow calls Google APIs as its service account (the Cloud SQL exports of RES-10). Where
      // the perimeter restricts Workflows, a workflow of a project inside it calls from inside: "HTTP
      // requests from a Workflows execution ... Authenticated requests to VPC Service
      // Controls-compliant Google Cloud endpoints are allowed"
      // (https://cloud.google.com/workflows/docs/use-vpc-service-controls), and admitting its
      // user-managed account from outside would be a hole. Otherwise its calls are an ingress.
      const workflowsInside = (config.restrictedServices ?? []).includes("workflows.googleapis.com");
      for (const workflow of ctx.resources.filter((r) => r.type === WORKFLOW)) {
        if (workflowsInside || !isInside(projectOf(workflow, ctx.stack))) continue;
        const account = String((plain(workflow.inputs) as { serviceAccount?: string }).serviceAccount ?? "");
        const identity = `serviceAccount:${account.replace(/^projects\/[^/]+\/serviceAccounts\//, "")}`;
        needed.add(identity);
        if (!admitted.has(identity))
          report.asWritten.error(
            this.id,
            workflow,
            `${label(workflow)} calls the perimeter's APIs as ${identity} from Google's infrastructure, and no ingress rule admits that identity: once enforced, its calls are refused. Add an ingress rule for it, to the one service it calls.`,
          );
      }
      // Just-in-time grants (IAM-07): only where the perimeter restricts what PAM's agent calls.
      const pam = ctx.stack.prerequisites.privilegedAccessManager;
      const restricted = PAM_SERVICES.filter((s) => (config.restrictedServices ?? []).includes(s));
      const entitled = ctx.resources.filter(
        (r) => r.type === ENTITLEMENT && isInside(projectOf(r, ctx.stack)),
      );
      if (pam && restricted.length && entitled.length) {
        const agent = `serviceAccount:service-org-${pam.organizationId}@gcp-sa-pam.iam.gserviceaccount.com`;
        needed.add(agent);
        if (!admitted.has(agent))
          report.asWritten.error(
            this.id,
            { urn: entitled[0].urn },
            `${label(entitled[0])} is granted by Privileged Access Manager's agent ${agent}, which calls ${restricted.join(" and ")} from outside the perimeter that restricts ${restricted.length > 1 ? "them" : "it"}, and no ingress rule admits it: once enforced, every approved grant fails. Add an ingress rule for it (${restricted.join(", ")}).`,
          );
      }
      for (const identity of admitted)
        if (!needed.has(identity))
          report.asWritten.error(
            this.id,
            perimeter,
            `${label(perimeter)} admits ${identity}, which no call of the plan needs: an ingress rule is a hole in the perimeter. Remove it, or declare why it is needed.`,
          );
    }
  },
};
