import { CapturedResource } from "../../model";
import { Finding, label, RehearsalContext, RehearsalRule } from "../model";
import { projectOf } from "../resourceProject";
import { plain } from "../../deployment";

const PERIMETER = "gcp:accesscontextmanager/servicePerimeter:ServicePerimeter";
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
  ingressPolicies?: Ingress[];
}

/** The project a log sink's destination lives in (`logging.googleapis.com/projects/P/…`). */
const destinationProject = (sink: CapturedResource) =>
  /projects\/([^/]+)\//.exec(String((plain(sink.inputs) as { destination?: string }).destination ?? ""))?.[1];

/**
 * Every call the plan implies from outside the perimeter into it has an ingress rule, and the
 * perimeter lets in no one else: with the platform's four projects in one perimeter, the
 * crossings are aggregated (folder, organisation) or outside-project log sinks writing into the
 * logging project, and the deployer itself. Anything an ingress rule admits beyond those is a hole.
 */
export const perimeterCrossings: RehearsalRule = {
  id: "perimeter-crossings",
  description:
    "Every call the plan implies into the VPC Service Controls perimeter from outside it (log sinks of folders, organisations or outside projects; the deployer) has an ingress rule, and the ingress rules admit no other identity.",
  sources: [
    "https://cloud.google.com/vpc-service-controls/docs/ingress-egress-rules",
    "https://cloud.google.com/logging/docs/export/configure_export_v2",
  ],
  check(ctx: RehearsalContext) {
    const findings: Finding[] = [];
    const numberOf = new Map([...ctx.stack.projectNumbers].map(([number, id]) => [id, number]));
    for (const perimeter of ctx.resources.filter((r) => r.type === PERIMETER)) {
      const inputs = plain(perimeter.inputs) as { status?: PerimeterConfig; spec?: PerimeterConfig };
      const config = inputs.status ?? inputs.spec ?? {};
      const inside = new Set((config.resources ?? []).map((r) => r.replace(/^projects\//, "")));
      const isInside = (project?: string) => !!project && inside.has(numberOf.get(project) ?? "?");
      const admitted = new Set(
        (config.ingressPolicies ?? []).flatMap((p) => p.ingressFrom?.identities ?? []),
      );
      const needed = new Set<string>(
        [ctx.stack.deployer, ctx.stack.previewer].filter((m): m is string => !!m),
      );
      for (const sink of ctx.resources.filter((r) => SINKS.includes(r.type))) {
        const from = projectOf(sink, ctx.stack);
        if (isInside(from) || !isInside(destinationProject(sink))) continue;
        const writer = String((plain(sink.outputs) as { writerIdentity?: string }).writerIdentity ?? "");
        needed.add(writer);
        if (!admitted.has(writer))
          findings.push({
            rule: this.id,
            urn: sink.urn,
            severity: "error",
            message: `${label(sink)} writes from outside the perimeter into ${destinationProject(sink)}, inside it, as ${writer}, and no ingress rule admits that identity: once enforced, the audit log stops arriving. Add an ingress rule for it (logging.googleapis.com).`,
          });
      }
      for (const identity of admitted)
        if (!needed.has(identity))
          findings.push({
            rule: this.id,
            urn: perimeter.urn,
            severity: "error",
            message: `${label(perimeter)} admits ${identity}, which no call of the plan needs: an ingress rule is a hole in the perimeter. Remove it, or declare why it is needed.`,
          });
    }
    return findings;
  },
};
