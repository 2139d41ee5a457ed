import * as k8s from "@pulumi/kubernetes";
import { resourcePolicy } from "../lib/define";
import { isApplicationNamespace } from "./k8s";

export const k8sNamespacePsa = resourcePolicy<k8s.core.v1.NamespaceArgs>(
  {
    name: "k8s-namespace-psa-restricted",
    description:
      "Every application namespace enforces, audits and warns on the Pod Security Admission level restricted.",
    controls: ["K8S-01"],
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
      "Label the namespace pod-security.kubernetes.io/enforce, audit and warn = restricted (PSA_RESTRICTED).",
  },
  k8s.core.v1.Namespace,
  (ns) => {
    const metadata = (ns.metadata ?? {}) as { name?: string; labels?: Record<string, string> };
    if (!isApplicationNamespace(metadata.name)) return [];
    const labels = metadata.labels ?? {};
    const modes = ["enforce", "audit", "warn"].filter(
      (m) => labels[`pod-security.kubernetes.io/${m}`] !== "restricted",
    );
    return modes.length
      ? [
          {
            problem: `namespace ${metadata.name} does not ${modes.join("/")} restricted (${modes.map((m) => `${m}=${JSON.stringify(labels[`pod-security.kubernetes.io/${m}`] ?? null)}`).join(", ")})`,
            fix: "set the pod-security.kubernetes.io labels to restricted",
          },
        ]
      : [];
  },
);
