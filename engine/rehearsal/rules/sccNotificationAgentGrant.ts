import { plain } from "../../deployment";
import { label, RehearsalRule } from "../model";

const NOTIFICATION_CONFIG = "gcp:securitycenter/v2ProjectNotificationConfig:V2ProjectNotificationConfig";
const NOTIFICATION_AGENT = /@gcp-sa-scc-notification\.iam\.gserviceaccount\.com$/;

/**
 * Security Command Center creates its notification agent with the first notification config, and
 * returns it as the config's `serviceAccount` ("The service account that needs
 * pubsub.topics.publish permission": magic-modules mmv1/products/securitycenterv2/
 * ProjectNotificationConfig.yaml). A grant to it that can start before a config exists fails: the
 * principal does not exist yet.
 */
export const sccNotificationAgentGrant: RehearsalRule = {
  id: "scc-notification-agent-grant",
  severity: "error",
  description:
    "A grant to Security Command Center's notification agent waits for a notification config, which creates the agent; take the member from the config's serviceAccount output.",
  sources: [
    "magic-modules mmv1/products/securitycenterv2/ProjectNotificationConfig.yaml (serviceAccount, output)",
    "https://cloud.google.com/security-command-center/docs/how-to-notifications",
  ],
  check(ctx, report) {
    const configs = ctx.resources.filter((r) => r.type === NOTIFICATION_CONFIG);
    for (const grant of ctx.resources.filter((r) => r.custom && typeof r.inputs.role === "string")) {
      const member = String((plain(grant.inputs) as { member?: string }).member ?? "");
      if (!NOTIFICATION_AGENT.test(member)) continue;
      if (configs.some((c) => ctx.order.precedes(c.urn, grant.urn))) continue;
      report.asWritten.error(
        this.id,
        grant,
        `${label(grant)} grants to ${member.replace(/^serviceAccount:/, "")}, Security Command Center's notification agent, which exists only once a notification config is created, and nothing orders a config first: the grant can fail ("Service account … does not exist"). Take the member from a config's serviceAccount output.`,
      );
    }
  },
};
