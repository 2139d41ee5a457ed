// Benchmark (not a test): each drill several times on this machine's PostgreSQL 15; prints the
// median RPO and RTO of switchover and failover, and the median point-in-time restore time.
//   npm run bench:drills -- --runs 5
import { Command } from "commander";
import { runCommand } from "./cli/crash";
import { EXIT_OK, parseOrStop, verboseOption } from "./cli/exitCodes";
import { runFailoverDrill } from "./drill/failoverDrill";
import { withLocalPostgres } from "./drill/localPostgres";
import { runRestoreRehearsal } from "./drill/restoreRehearsal";

const runs = Number(
  parseOrStop(
    new Command("bench:drills").option("--runs <n>", "runs per drill", "5").addOption(verboseOption()),
  ).opts<{ runs: string }>().runs,
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) =>
  `median ${median(xs).toFixed(2)} s (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;

async function main(): Promise<void> {
  console.log(`PostgreSQL drills, ${runs} runs each, 400 commits/s of ledger load`);
  for (const mode of ["switchover", "failover"] as const) {
    const reports = [];
    for (let i = 0; i < runs; i++) {
      reports.push(
        await withLocalPostgres((pg) =>
          runFailoverDrill(pg, {
            mode,
            regions: ["us-central1", "us-east1"],
            rpoObjectiveSeconds: 60,
            rtoObjectiveSeconds: 60,
            maxReplicaLagSeconds: 60,
          }),
        ),
      );
    }
    console.log(
      `${mode.padEnd(10)} RPO ${range(reports.map((r) => r.rpo.seconds))}, lost commits ${reports.map((r) => r.rpo.lostCommits).join("/")}; ` +
        `RTO ${range(reports.map((r) => r.rto.seconds))}; re-protect ${range(reports.map((r) => r.reprotectSeconds))}; ` +
        `passed ${reports.filter((r) => r.passed).length}/${runs}`,
    );
  }
  const restores = [];
  for (let i = 0; i < runs; i++) {
    restores.push(
      await withLocalPostgres((pg) =>
        runRestoreRehearsal(pg, { region: "us-central1", rtoObjectiveSeconds: 60 }),
      ),
    );
  }
  console.log(
    `restore    base backup ${range(restores.map((r) => r.backupSeconds))}; point-in-time restore ${range(restores.map((r) => r.restoreSeconds))}; ` +
      `rows exact ${restores.filter((r) => r.missingRows + r.unexpectedRows === 0).length}/${runs}; passed ${restores.filter((r) => r.passed).length}/${runs}`,
  );
}

runCommand("bench:drills", async () => {
  await main();
  return EXIT_OK;
});
