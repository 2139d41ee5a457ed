import { execFileSync } from "child_process";
import * as path from "path";

/*
 * The direction of imports between rooms is enforced by eslint.config.mjs (no-restricted-imports);
 * these cases prove the lint fails on an import that runs the wrong way, and passes the right one.
 * ESLint runs in one child process (its flat config is an ES module, which Jest's VM cannot load),
 * linting each probe as if it were a file at that path; a probe that fails to parse is reported
 * as fatal, so no case passes by not being linted.
 */
const FAILING: [string, string, string][] = [
  ["facts/google/probe.ts", "../../catalogue/keys", "Google's facts are a leaf"],
  ["facts/google/probe.ts", "../../vocabulary/regions", "Google's facts are a leaf"],
  ["vocabulary/probe.ts", "../platform/labels", "The vocabulary is a leaf"],
  ["catalogue/probe.ts", "../components/projects", "The catalogue is a leaf"],
  ["catalogue/orgConstraints/probe.ts", "../../policies/lib/gcp", "The catalogue is a leaf"],
  ["catalogue/probe.ts", "../engine/gcpMocks", "The catalogue is a leaf"],
  ["vocabulary/probe.ts", "../catalogue/controls", "The vocabulary is a leaf"],
  ["components/probe.ts", "../platform/labels", "Components take the platform's decisions"],
  ["components/probe.ts", "../engine/gcpMocks", "Components take the platform's decisions"],
  [
    "components/probe.ts",
    "../policies/security/orgpolicy-guardrails-applied",
    "and the catalogues through their arguments",
  ],
  ["components/probe.ts", "../policies/lib/gcp", "and the catalogues through their arguments"],
  ["policies/security/probe.ts", "../../components/network", "Policies judge the program"],
  ["policies/security/probe.ts", "../../platform/config/regions", "Policies judge the program"],
  ["platform/domains/probe.ts", "../../engine/run", "The program does not import the offline engine"],
  ["index.ts", "./tools/plan", "The program does not import the offline engine"],
  ["engine/probe.ts", "../tools/plan", "The offline engine does not import the tools"],
  ["engine/rehearsal/rules/probe.ts", "../../../test/cases/policyCases", "The offline engine"],
  ["tools/probe.ts", "../test/helpers/plan", "Nothing but a test imports test/"],
  ["specs/cases/probe.ts", "../../test/helpers/plan", "The policies' cases judge plans"],
  ["specs/cases/probe.ts", "../../components/network", "The policies' cases judge plans"],
  ["specs/probe.ts", "../tools/plan", "The policies' cases judge plans"],
  ["engine/probe.ts", "../specs/cases/policyCases", "The offline engine does not import the tools"],
];
const PASSING: [string, string][] = [
  ["components/probe.ts", "../vocabulary/regions"],
  ["catalogue/probe.ts", "../vocabulary/projects"],
  ["catalogue/probe.ts", "../facts/google/serviceAgents"],
  ["policies/security/probe.ts", "../../catalogue/controls"],
  ["components/probe.ts", "../catalogue/keys"],
  ["components/probe.ts", "../facts/google/serviceAgents"],
  ["policies/security/probe.ts", "../../facts/google/cmekKeyPaths"],
  ["engine/rehearsal/rules/probe.ts", "../facts/apis"],
  ["tools/probe.ts", "../engine/run"],
  ["tools/probe.ts", "../specs/cases/policyCases"],
  ["specs/cases/probe.ts", "../../engine/gcpMocks"],
  ["test/probe.test.ts", "./cases/policyCases"],
];

const LINT = `
const { ESLint } = require("eslint");
const probes = JSON.parse(process.argv[1]);
(async () => {
  // The probes are not files of the TypeScript program: lint them untyped (the room rules need no types).
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: { "@pulumi/no-output-in-template-literal": "off", "@pulumi/no-output-instance-in-template-literal": "off" },
    },
  });
  const out = [];
  for (const [filePath, specifier] of probes) {
    const [result] = await eslint.lintText(\`import { x } from "\${specifier}";\\nexport const y = x;\\n\`, { filePath });
    out.push(
      result.messages
        .filter((m) => m.ruleId === "no-restricted-imports" || m.fatal)
        .map((m) => (m.fatal ? "fatal: " : "") + m.message),
    );
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

let messages: string[][];
beforeAll(() => {
  const probes = [...FAILING, ...PASSING].map(([file, specifier]) => [file, specifier]);
  const out = execFileSync(process.execPath, ["-e", LINT, JSON.stringify(probes)], {
    cwd: path.join(__dirname, ".."),
    encoding: "utf8",
  });
  messages = JSON.parse(out);
}, 120000);

describe("imports run down only (eslint no-restricted-imports)", () => {
  test.each(FAILING.map((c, i) => [...c, i] as const))(
    "%s importing %s fails",
    (_file, _specifier, why, i) => {
      expect(messages[i]).toEqual([expect.stringContaining(why)]);
    },
  );

  test.each(PASSING.map((c, i) => [...c, FAILING.length + i] as const))(
    "%s importing %s passes",
    (_file, _specifier, i) => {
      expect(messages[i]).toEqual([]);
    },
  );
});
