import { loadStack, readStackFile, StackFileError } from "../../engine/stackFile";
import { ConfigError, configFromValues } from "../../platform/config/read";
import { PlatformConfig } from "../../platform/config/types";
import { failInput } from "./exitCodes";

/** A stack's validated configuration for an operational tool; bad input exits with code 2. */
export function loadPlatformConfig(stack: string, stackFile?: string): PlatformConfig {
  try {
    const stackConfig = stackFile ? readStackFile(stackFile, stack) : loadStack(stack);
    return configFromValues(stackConfig.values, stack, stackConfig.secretKeys);
  } catch (err) {
    if (err instanceof StackFileError || err instanceof ConfigError) failInput(err.message);
    throw err;
  }
}
