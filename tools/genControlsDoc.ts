// Writes docs/controls.md (npm run gen:controls); test/controlsDoc.test.ts fails when it is stale.
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { runGenerator } from "./cli/generatedFile";
import { renderControlsDoc } from "./controlsDoc";

runGenerator(
  "gen:controls",
  path.join(PROJECT_ROOT, "docs", "controls.md"),
  "the control catalogue with the policies and cases that enforce each control",
  () => renderControlsDoc(),
);
