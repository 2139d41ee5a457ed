// Rewrites the rules section of docs/rehearsal.md from engine/rehearsal/rules (`npm run gen:rehearsal-doc`).
import { runGenerator } from "./cli/generatedFile";
import { REHEARSAL_DOC, renderRehearsalDoc } from "./rehearsalDoc";

runGenerator(
  "gen:rehearsal-doc",
  REHEARSAL_DOC,
  "the rules section, from engine/rehearsal/rules",
  renderRehearsalDoc,
);
