// Rewrites the rules section of docs/rehearsal.md from harness/rehearsal/rules (`npm run gen:rehearsal-doc`).
import * as fs from "fs";
import { REHEARSAL_DOC, renderRehearsalDoc } from "./rehearsalDoc";

fs.writeFileSync(REHEARSAL_DOC, renderRehearsalDoc(fs.readFileSync(REHEARSAL_DOC, "utf8")));
