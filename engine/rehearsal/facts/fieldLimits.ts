/**
 * Limits Google's APIs enforce on fields at create time that no schema of the provider checks
 * before the call, so a plan passes and the apply fails with 400.
 */
export interface FieldLimit {
  type: string;
  field: string;
  maxLength?: number;
  /** Where the API counts UTF-8 bytes rather than characters. */
  maxUtf8Bytes?: number;
  pattern?: RegExp;
  /** The API reference that documents the limit, and what it says. */
  url: string;
  quote: string;
}

export const FIELD_LIMITS: FieldLimit[] = [
  {
    type: "gcp:iam/denyPolicy:DenyPolicy",
    field: "displayName",
    maxLength: 63,
    url: "https://cloud.google.com/iam/docs/reference/rest/v2/policies",
    quote: 'displayName "A user-specified description of the Policy. This value can be up to 63 characters."',
  },
  {
    type: "gcp:serviceaccount/account:Account",
    field: "accountId",
    pattern: /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/,
    url: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create",
    quote: "accountId must be 6-30 characters and match [a-z]([-a-z0-9]*[a-z0-9])",
  },
  {
    type: "gcp:serviceaccount/account:Account",
    field: "displayName",
    maxUtf8Bytes: 100,
    url: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts",
    quote: 'displayName "must be less than or equal to 100 UTF-8 bytes"',
  },
  {
    type: "gcp:orgpolicy/customConstraint:CustomConstraint",
    field: "name",
    maxLength: 70,
    pattern: /^custom\.[A-Za-z0-9]+$/,
    url: "https://cloud.google.com/resource-manager/docs/organization-policy/creating-managing-custom-constraints",
    quote: "a custom constraint's name starts with custom., then letters and digits; at most 70 characters",
  },
  {
    type: "gcp:orgpolicy/customConstraint:CustomConstraint",
    field: "condition",
    maxLength: 1000,
    url: "https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/organizations.customConstraints",
    quote: 'condition "The maximum length is 1000 characters."',
  },
  {
    type: "gcp:orgpolicy/customConstraint:CustomConstraint",
    field: "displayName",
    maxLength: 200,
    url: "https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/organizations.customConstraints",
    quote: 'displayName "The max length of this field is 200 characters."',
  },
  {
    type: "gcp:orgpolicy/customConstraint:CustomConstraint",
    field: "description",
    maxLength: 2000,
    url: "https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/organizations.customConstraints",
    quote: 'description "The max length of this field is 2000 characters."',
  },
];
