// Writes docs/controls.md (npm run gen:controls); test/controlsDoc.test.ts fails when it is stale.
import * as fs from "fs";
import * as path from "path";
import { renderControlsDoc } from "./controlsDoc";

fs.writeFileSync(path.join(__dirname, "..", "docs", "controls.md"), renderControlsDoc());
