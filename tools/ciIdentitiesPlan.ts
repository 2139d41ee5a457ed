import * as path from "path";
import { GcpMocks } from "../engine/gcpMocks";
import { CapturedResource } from "../engine/model";
import { evaluatePacks, Violation } from "../engine/policyEvaluator";
import { RehearsalFinding, rehearseApply } from "../engine/rehearsal/rehearse";
import { runOfflineProgram } from "../engine/run";
import { readStackFile } from "../engine/stackFile";
import { CI_IDENTITIES_PROJECT, readCiIdentitiesConfig } from "../ciIdentities/config";
import { buildCiIdentities } from "../ciIdentities/program";
import { PROJECT_ROOT } from "../platform/paths";
import { CI_IDENTITY_PACK } from "../policies/packs";

export interface CiIdentitiesPlan {
  resources: CapturedResource[];
  violations: Violation[];
  rehearsal: RehearsalFinding[];
}

/** The stack file of a CI identities stack: ci-identities/Pulumi.<stack>.yaml. */
export const ciIdentitiesStackFile = (stack: string): string =>
  path.join(PROJECT_ROOT, "ci-identities", `Pulumi.${stack}.yaml`);

/**
 * Plans a CI identities stack offline, as `plan` does the platform: its program under the mocks, then
 * its policy pack and the apply rehearsal. The CI project's APIs are enabled by the stack itself;
 * the organisation administrator who runs it deploys (docs/ci.md), so no deployer is assumed.
 */
export async function planCiIdentities(
  stack: string,
  file = ciIdentitiesStackFile(stack),
): Promise<CiIdentitiesPlan> {
  const run = await runOfflineProgram({
    project: CI_IDENTITIES_PROJECT,
    stackConfig: readStackFile(file, stack),
    mocks: new GcpMocks(),
    program: () => {
      const config = readCiIdentitiesConfig();
      return () => buildCiIdentities(config);
    },
  });
  return {
    resources: run.resources,
    violations: await evaluatePacks([CI_IDENTITY_PACK], run.resources),
    rehearsal: rehearseApply(run.resources),
  };
}
