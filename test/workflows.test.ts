import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { checkRepositoryWorkflows, checkWorkflow } from "../tools/ci/workflowSecurity";

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const rulesOf = (file: string, text: string) => checkWorkflow(file, text).map((f) => `${f.rule} ${f.where}`);

describe("the repository's workflows (GOV-05, issue #29)", () => {
  test("every workflow passes every rule", () => {
    expect(checkRepositoryWorkflows(ROOT)).toEqual([]);
  });

  test("every action is pinned to a 40-hex commit, with the tag it was read as beside it", () => {
    for (const file of fs.readdirSync(WORKFLOWS)) {
      const lines = fs.readFileSync(path.join(WORKFLOWS, file), "utf8").split("\n");
      for (const line of lines.filter((l) => /^\s*(-\s+)?uses:/.test(l)))
        expect([file, line.trim()]).toEqual([
          file,
          expect.stringMatching(/uses: [\w.-]+\/[\w.-]+(\/\S+)?@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/),
        ]);
    }
  });

  test("the pull request's own workflow holds no credentials at all: no id-token, no secret, no write token", () => {
    const text = fs.readFileSync(path.join(WORKFLOWS, "pull-request.yml"), "utf8");
    expect(text).not.toMatch(/id-token|secrets\.|: write/);
  });

  test("the one job with an OIDC token in the privileged preview checks out the default branch, not the pull request", () => {
    const text = fs.readFileSync(path.join(WORKFLOWS, "pull-request-preview.yml"), "utf8");
    const job = text.slice(text.indexOf("  against-deployed:"));
    expect(job).toContain("id-token: write");
    expect(job).toContain("ref: ${{ github.event.repository.default_branch }}");
    expect(text.match(/id-token: write/g)).toHaveLength(1);
  });

  test("the privileged job judges the pull request's plan as its matrix stack, never as the stack the plan's URNs claim", () => {
    const text = fs.readFileSync(path.join(WORKFLOWS, "pull-request-preview.yml"), "utf8");
    const policyRuns = text.split("\n").filter((l) => /npm run -s policy -- /.test(l));
    expect(policyRuns.length).toBeGreaterThan(0);
    for (const line of policyRuns) expect(line).toContain('--stack "$STACK"');
  });
});

describe("the tenant-key shards' workflow (issue #23)", () => {
  const text = fs.readFileSync(path.join(WORKFLOWS, "tenant-keys.yml"), "utf8");
  const workflow = parse(text) as {
    jobs: Record<
      string,
      { if?: string; strategy?: { matrix: { group?: number[] } }; steps: { run?: string }[] }
    >;
  };
  const runs = (job: string) => workflow.jobs[job].steps.map((s) => s.run ?? "").join("\n");

  test("holds no credentials at all (it runs pull requests' code): no id-token, no secret, no write token", () => {
    expect(text).not.toMatch(/id-token|secrets\.|: write/);
  });

  test("a pull request gets the ledger check and the plans of its changed shards only", () => {
    expect(workflow.jobs.incremental.if).toBe("github.event_name == 'pull_request'");
    expect(runs("incremental")).toContain("tenants -- check --stack");
    expect(runs("incremental")).toContain('--changed-since "origin/$BASE"');
  });

  test("the full plan: one job per group 1..N of the N it plans, joined by a job that refuses a missing group", () => {
    const groups = workflow.jobs["plan-group"].strategy?.matrix.group ?? [];
    const n = Number(/--group "\$GROUP\/(\d+)"/.exec(runs("plan-group"))?.[1]);
    expect(groups).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(runs("join")).toContain('tenants -- report --join "$GROUPS_DIR"/group-*.json');
  });

  test("a group's job passes on a plan with findings (the join judges them) and fails under its own name on anything else", () => {
    // The step's own script under bash (GitHub's `bash -e`), with an `npm` that answers as the tool would.
    const planStep = workflow.jobs["plan-group"].steps
      .map((st) => st.run ?? "")
      .find((r) => r.includes("tenants -- plan"))!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-group-step-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\necho "{}"\nexit "$FAKE_CODE"\n', { mode: 0o755 });
    const outcome = (code: number) => {
      const r = spawnSync("bash", ["-e", "-c", planStep], {
        cwd: dir,
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          FAKE_CODE: String(code),
          STACK: "prod",
          GROUP: "3",
        },
      });
      const report = path.join(dir, "report", "group-3.json");
      const kept = fs.existsSync(report);
      fs.rmSync(path.join(dir, "report"), { recursive: true, force: true });
      return [r.status, kept];
    };
    try {
      expect([0, 1, 2, 3, 130].map(outcome)).toEqual([
        [0, true],
        [0, true],
        [2, false],
        [3, false],
        [130, false],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the tenant-key shards' deployment (issue #23)", () => {
  const workflow = parse(fs.readFileSync(path.join(WORKFLOWS, "deploy.yml"), "utf8")) as {
    jobs: Record<
      string,
      {
        needs?: string;
        environment?: string;
        strategy?: { matrix: { group?: number[] } };
        steps: { run?: string }[];
      }
    >;
  };
  const job = workflow.jobs["tenant-keys-up"];
  const run = job.steps.map((s) => s.run ?? "").join("\n");

  test("one job per group 1..N of the N it deploys, after the platform's apply, in the stack's approved environment", () => {
    const n = Number(/--group "\$GROUP\/(\d+)"/.exec(run)?.[1]);
    expect(job.strategy?.matrix.group).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(job.needs).toBe("apply");
    expect(job.environment).toBe(workflow.jobs.apply.environment);
    expect(run).toContain('tenants -- up --stack "$STACK" --confirm-stack "$STACK"');
  });
});

describe("the rules catch what the workflow before issue #29 did", () => {
  const before = fs.readFileSync(
    path.join(ROOT, "test", "fixtures", "workflows", "pull-request.before.yml"),
    "utf8",
  );
  const found = rulesOf("pull-request.yml", before);

  test("id-token: write and the Pulumi token in jobs that run the pull request's code", () => {
    expect(found.filter((f) => f.startsWith("untrusted-credentials"))).toEqual([
      "untrusted-credentials pull-request.yml test",
      "untrusted-credentials pull-request.yml offline-policy-report",
      "untrusted-credentials pull-request.yml pulumi-preview",
      "untrusted-credentials pull-request.yml pulumi-preview",
    ]);
    expect(checkWorkflow("pull-request.yml", before).map((f) => f.message)).toContain(
      "runs the pull request's code with secrets.PULUMI_ACCESS_TOKEN",
    );
  });

  test("actions by tag, and checkouts that leave the token in .git/config", () => {
    expect(found.filter((f) => f.startsWith("unpinned-action"))).toHaveLength(11);
    expect(found.filter((f) => f.startsWith("persisted-credentials"))).toHaveLength(3);
  });

  test("rehearse --against under bash -e before its comment: the comment never posts (issue #28)", () => {
    expect(found.filter((f) => f.startsWith("swallowed-report"))).toEqual([
      "swallowed-report pull-request.yml pulumi-preview step 7 (What the change does to what is deployed (offline diff and guard))",
    ]);
  });
});

describe("each rule, one way to break it", () => {
  const pinned = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1";
  const workflow = (on: string, job: string) => `on: ${on}\npermissions: {}\njobs:\n  j:\n${job}`;

  test("a privileged workflow that checks the pull request's head out, and hands it an OIDC token", () => {
    const text = workflow(
      "pull_request_target",
      `    runs-on: ubuntu-latest
    permissions: { id-token: write }
    steps:
      - uses: ${pinned}
        with: { ref: "\${{ github.event.pull_request.head.sha }}", persist-credentials: false }`,
    );
    expect(rulesOf("w.yml", text)).toEqual([
      "untrusted-credentials w.yml j",
      "untrusted-checkout w.yml j step 1",
    ]);
  });

  test("checkout v7's explicit opt-in to a fork's code in workflow_run", () => {
    const text = workflow(
      "workflow_run",
      `    runs-on: ubuntu-latest
    steps:
      - uses: ${pinned}
        with: { allow-unsafe-pr-checkout: true, persist-credentials: false }
      - run: echo "\${{ secrets.DEPLOY_KEY }}"`,
    );
    expect(rulesOf("w.yml", text)).toEqual([
      "untrusted-credentials w.yml j",
      "untrusted-checkout w.yml j step 1",
    ]);
  });

  test("artifacts of a pull request's run downloaded into the workspace of a privileged job", () => {
    const text = workflow(
      "workflow_run",
      `    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c
        with: { name: plan, path: . }`,
    );
    expect(rulesOf("w.yml", text)).toEqual(["untrusted-checkout w.yml j step 1"]);
  });

  test("a pull request's code on a self-hosted runner, a secret through env, no top-level permissions", () => {
    const text = `on: pull_request\nenv:\n  TOKEN: \${{ secrets.PULUMI_ACCESS_TOKEN }}\njobs:\n  j:\n    runs-on: [self-hosted, qairopay-ops]\n    steps:\n      - run: echo hi\n`;
    expect(rulesOf("w.yml", text)).toEqual([
      "explicit-permissions w.yml",
      "untrusted-credentials w.yml j",
      "untrusted-credentials w.yml j",
    ]);
  });

  test("a pull request's title expanded into a script; an action by branch; a Docker action by tag", () => {
    const text = workflow(
      "pull_request",
      `    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - uses: some/action@main
      - uses: docker://alpine:3.20`,
    );
    expect(rulesOf("w.yml", text)).toEqual([
      "script-injection w.yml j step 1",
      "unpinned-action w.yml j step 2",
      "unpinned-action w.yml j step 3",
    ]);
  });

  test("a report step that keeps going but never fails the job, or records nothing", () => {
    const comment =
      "      - uses: marocchino/sticky-pull-request-comment@5770ad5eb8f42dd2c4f34da00c94c5381e49af88\n";
    const neverFails = workflow(
      "push",
      `    runs-on: ubuntu-latest
    steps:
      - id: plan
        run: |
          set +e
          npm run -s plan -- --stack prod > report.md
          echo "exit=$?" >> "$GITHUB_OUTPUT"
${comment}`,
    );
    const recordsNothing = workflow(
      "push",
      `    runs-on: ubuntu-latest
    steps:
      - id: plan
        run: |
          set +e
          npm run -s plan -- --stack prod > report.md
${comment}      - if: steps.plan.outputs.exit != '0'
        run: exit 1`,
    );
    const noErrexit = workflow(
      "push",
      `    runs-on: ubuntu-latest
    steps:
      - id: plan
        shell: bash {0}
        run: |
          npm run -s plan -- --stack prod > report.md
          echo "exit=$?" >> "$GITHUB_OUTPUT"
${comment}      - if: steps.plan.outputs.exit != '0'
        run: exit 1`,
    );
    expect(rulesOf("w.yml", neverFails)).toEqual(["swallowed-report w.yml j step 1 (plan)"]);
    expect(rulesOf("w.yml", recordsNothing)).toEqual(["swallowed-report w.yml j step 1 (plan)"]);
    expect(rulesOf("w.yml", noErrexit)).toEqual([]);
  });
});
