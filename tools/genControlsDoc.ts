// Writes docs/controls.md (npm run gen:controls); test/controlsDoc.test.ts fails when it is stale.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../platform/paths";
import { renderControlsDoc } from "./controlsDoc";

fs.writeFileSync(path.join(PROJECT_ROOT, "docs", "controls.md"), renderControlsDoc());
