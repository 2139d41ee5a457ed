/**
 * CEL fragments shared by the organisation's custom constraints and Security Command Center's
 * custom modules: both judge Google's REST representation of a resource, so one text serves both.
 */

/** A KMS key name in the resource's own region (ENC-02): `projects/<any>/locations/<region>/keyRings/…`. */
export const celKeyInRegion = (key: string, region: string) =>
  `${key}.matches('^projects/[^/]+/locations/' + ${region} + '/keyRings/')`;

/** The Cloud SQL flags every instance keeps on (IAM-05, LOG-06; components/lib/postgresFlags.ts sets them). */
export const CEL_SQL_AUDIT_FLAGS =
  "['cloudsql.iam_authentication', 'cloudsql.enable_pgaudit', 'log_connections', 'log_disconnections', 'log_checkpoints']";

/** Every flag of CEL_SQL_AUDIT_FLAGS present and `on` in `resource.settings.databaseFlags`. */
export const CEL_SQL_AUDIT_FLAGS_ON = `${CEL_SQL_AUDIT_FLAGS}.all(flag, resource.settings.databaseFlags.exists(f, f.name == flag && f.value == 'on'))`;
