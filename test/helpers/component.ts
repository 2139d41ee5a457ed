import { GcpMocks } from "../../engine/gcpMocks";
import { CapturedResource } from "../../engine/model";
import { runOfflineProgram } from "../../engine/run";

/**
 * One component registered alone under the engine's mocks with the harness's capturing monitor
 * (awsx vpc.test.ts style): every registration but the stack and the providers.
 */
export async function registerAlone(program: () => void): Promise<CapturedResource[]> {
  const run = await runOfflineProgram({
    project: "qairopay-platform",
    stackConfig: { stack: "test", values: {}, secretKeys: [] },
    mocks: new GcpMocks(),
    program: () => program,
  });
  return run.resources.filter(
    (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
  );
}

/** The registration of that name, or an error naming what is missing. */
export const registeredAs = (resources: CapturedResource[], name: string): CapturedResource => {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`nothing registered as ${name}`);
  return found;
};
