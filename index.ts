// Entry point for `pulumi up`: read the stack's configuration once (a bad value stops here, before
// any resource is registered), then build the platform from components/.
import { buildPlatform } from "./platform/build";
import { cheaperSdkStacks } from "./platform/sdkTraces";
import { readPlatformConfig } from "./platform/config/read";

cheaperSdkStacks();
const config = readPlatformConfig();

export = buildPlatform(config);
