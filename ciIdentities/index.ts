// Entry point of the CI identities stacks (ci-identities/Pulumi.yaml): the configuration is checked
// before anything registers, then the pool, provider and service accounts are built.
import { readCiIdentitiesConfig } from "./config";
import { buildCiIdentities } from "./program";
import { cheaperSdkStacks } from "../platform/sdkTraces";

cheaperSdkStacks();
export = buildCiIdentities(readCiIdentitiesConfig());
