/**
 * The log filters that alert on privileged access (IAM-07), over the aggregated audit bucket, which
 * receives every platform project's audit logs (LOG-03). Filter syntax:
 * https://cloud.google.com/logging/docs/view/logging-query-language
 */

/** Every version of Privileged Access Manager's API that logs grants (all three are served). */
export const PAM_API_VERSIONS = ["v1", "v1alpha", "v1beta"] as const;

/**
 * A grant requested or approved — Admin Activity logs of each API version — and a grant activated,
 * which PAM records as a System Event with no principal (`PAMActivateGrant`): the elevation itself
 * is then done by PAM's service agent (https://cloud.google.com/iam/docs/audit-logging/audit-logging-pam,
 * "System events").
 */
export const PAM_GRANT_METHODS = [
  ...PAM_API_VERSIONS.flatMap((v) =>
    ["CreateGrant", "ApproveGrant"].map(
      (m) => `google.cloud.privilegedaccessmanager.${v}.PrivilegedAccessManager.${m}`,
    ),
  ),
  "PAMActivateGrant",
];

const anyOf = (field: string, values: readonly string[]) =>
  `(${values.map((v) => `${field}="${v}"`).join(" OR ")})`;

/** The alerts of IAM-07: every just-in-time grant, and any action of a break-glass account. */
export function privilegedAccessFilters(
  breakGlassAccounts: readonly string[],
): Record<string, { description: string; filter: string }> {
  return {
    "privileged-access-grant": {
      description: "A just-in-time privileged access grant was requested, approved or activated.",
      filter: anyOf("protoPayload.methodName", PAM_GRANT_METHODS),
    },
    "break-glass-activity": {
      description: "A break-glass account acted, directly or by impersonating a service account.",
      // The impersonator of a service account is its delegation chain's first party principal
      // (AuditLog.AuthenticationInfo.serviceAccountDelegationInfo).
      filter: `${anyOf("protoPayload.authenticationInfo.principalEmail", breakGlassAccounts)} OR ${anyOf(
        "protoPayload.authenticationInfo.serviceAccountDelegationInfo.firstPartyPrincipal.principalEmail",
        breakGlassAccounts,
      )}`,
    },
  };
}
