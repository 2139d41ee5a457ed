import { GUARD } from "./guard";

/**
 * The rules of the guard (what a preview must never carry to `pulumi up`: `rehearse --against`,
 * `rehearse --flip`, `failover`) and of the destroy rehearsal (`rehearse --destroy`), as users see
 * them in findings. Listed here for docs/rehearsal.md (`npm run gen:rehearsal-doc`); a test checks
 * that every rule id engine/preview/ reports is listed, and nothing else.
 */
export interface GuardRuleDoc {
  id: string;
  /** Which rehearsal reports it. */
  rehearsal: "preview" | "destroy";
  description: string;
}

/** The destroy rehearsal's rules (engine/preview/destroy.ts). */
const DESTROY_RULES: GuardRuleDoc[] = [
  {
    id: "destroy-protected",
    rehearsal: "destroy",
    description: "A protected resource: `pulumi destroy` stops at it.",
  },
  {
    id: "destroy-deletion-guard",
    rehearsal: "destroy",
    description:
      "A resource whose service refuses the deletion (a deletion-protection flag, a network an abandoned peering still holds).",
  },
  {
    id: "rebuild-name-collision",
    rehearsal: "destroy",
    description:
      "A resource that stays in the cloud after `pulumi destroy` (a name never given back, or retainOnDelete) under a name the next `pulumi up` reuses.",
  },
];

/** The guard's rules from their own metadata, then the destroy rehearsal's. */
export const GUARD_RULES: GuardRuleDoc[] = [
  ...GUARD.map(({ id, description }) => ({ id, rehearsal: "preview" as const, description })),
  ...DESTROY_RULES,
];
