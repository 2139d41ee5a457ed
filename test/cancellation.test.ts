import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SAME_SIGNAL_WINDOW_MS, SignalCounter } from "../tools/cli/cancellation";
import { until } from "./helpers/pulumiDouble";

const CANCELLATION = path.join(__dirname, "..", "bin", "tools", "cli", "cancellation.js");

describe("one Ctrl-C is one Ctrl-C", () => {
  test("signals within the window of the last counted one are its echoes; later ones escalate, then exit", () => {
    let now = 0;
    const counter = new SignalCounter(() => now);
    expect(counter.receive()).toBe("cancel");
    now += 5; // npm's forwarded copy of the same keypress
    expect(counter.receive()).toBe("echo");
    now = SAME_SIGNAL_WINDOW_MS - 1;
    expect(counter.receive()).toBe("echo");
    now = SAME_SIGNAL_WINDOW_MS + 200; // the operator presses again
    expect(counter.receive()).toBe("terminate");
    now += 3;
    expect(counter.receive()).toBe("echo");
    now += SAME_SIGNAL_WINDOW_MS;
    expect(counter.receive()).toBe("exit");
  });

  // Under `npm run` with bash as the script shell (macOS's /bin/sh), bash execs the script's
  // command, so the tool gets the terminal's SIGINT and npm's forwarded one
  // (@npmcli/run-script/lib/signal-manager.js). Measured here: mostly both arrive; when npm's copy
  // comes while the first is still pending, the kernel merges them. So the scene is repeated until
  // both copies were seen.
  test("through a real `npm run` with bash as script shell: one Ctrl-C cancels, it does not stop Pulumi at once", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qairopay-npm-signal-"));
    try {
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name: "probe", version: "1.0.0", scripts: { probe: "node probe.js" } }),
      );
      fs.writeFileSync(
        path.join(dir, "probe.js"),
        `let raw = 0;\n` +
          `process.on("SIGINT", () => console.error("raw SIGINT " + ++raw));\n` +
          `require(${JSON.stringify(CANCELLATION)}).trapSignals((l) => console.error(l));\n` +
          `console.error("ready");\n` +
          `setTimeout(() => process.exit(0), 20000);\n`,
      );
      let bothSeen = false;
      for (let attempt = 0; attempt < 6 && !bothSeen; attempt++) {
        const npm = spawn("npm", ["run", "-s", "probe"], {
          cwd: dir,
          detached: true, // its own group, as a shell runs a foreground job: the terminal's Ctrl-C reaches the group
          env: { ...process.env, npm_config_script_shell: "/bin/bash" },
        });
        let err = "";
        npm.stderr.on("data", (d: Buffer) => (err += d.toString()));
        npm.stdout.on("data", (d: Buffer) => (err += d.toString()));
        const closed = new Promise((r) => npm.on("close", r));
        try {
          await until(() => err.includes("ready"), 20_000, "the probe under npm");
          process.kill(-npm.pid!, "SIGINT");
          await until(() => err.includes("raw SIGINT 1"), 5_000, `the Ctrl-C (${err})`);
          await new Promise((r) => setTimeout(r, SAME_SIGNAL_WINDOW_MS / 2));
          expect(err).toContain("SIGINT received: cancelling.");
          if (!err.includes("raw SIGINT 2")) continue;
          bothSeen = true;
          // Both copies arrived, and they are one cancel.
          expect(err).not.toContain("received again");

          await new Promise((r) => setTimeout(r, SAME_SIGNAL_WINDOW_MS));
          process.kill(-npm.pid!, "SIGINT");
          await until(() => err.includes("received again"), 5_000, "the second Ctrl-C");
          await new Promise((r) => setTimeout(r, 200));
          expect(err.match(/received again/g)).toHaveLength(1);
        } finally {
          process.kill(-npm.pid!, "SIGKILL");
          await closed;
        }
      }
      expect(bothSeen).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
