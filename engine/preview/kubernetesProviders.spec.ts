import { runRules } from "../rule";
import { ResourceChange } from "./diff";
import { KUBERNETES_PROVIDER, kubernetesProviderReplaced } from "./kubernetesProviders";

const provider = (op: ResourceChange["op"], replaceFields: string[]): ResourceChange => ({
  urn: `urn:pulumi:prod::qairopay::${KUBERNETES_PROVIDER}::gke-east`,
  type: KUBERNETES_PROVIDER,
  op,
  fields: replaceFields,
  replaceFields,
});
const judge = (c: ResourceChange) =>
  runRules([kubernetesProviderReplaced], { changes: [c], dependedOn: new Set() });

describe("kubernetes-provider-replaced", () => {
  test("a provider updated in place passes", () => {
    expect(judge(provider("update", []))).toEqual([]);
  });

  test("a provider replaced: refused, naming the field and what it takes along", () => {
    const [finding] = judge(provider("replace", ["clusterIdentifier"]));
    expect(finding.rule).toBe("kubernetes-provider-replaced");
    expect(finding.message).toContain("(clusterIdentifier changed)");
    expect(finding.message).toContain("deletes and re-creates every Kubernetes object it manages");
  });
});
