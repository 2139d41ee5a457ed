// The crash handling's former home, kept for the tools that still run as module-level scripts
// (tenants, the benchmarks): tools/cli/command.ts holds it now.
export { EXIT_BROKEN_PIPE, EXIT_RUNTIME_ERROR, crashLocation, describeError } from "./crashReport";
export { installCrashHandlers, reportCrash, runCommand } from "./command";
