/**
 * Which clusters' instances allow the Cloud SQL Data API (executeSql): the ledger's migration runs
 * through it; cardholder instances turn it off (DISALLOW_DATA_API), so no internet path reaches
 * cardholder data (NET-09). Read by the data domain (platform/domains/data.ts) and by the restore
 * drill (tools/drill/cloudSqlRestore.ts), which verifies a restored copy through it; a module of
 * its own so the drill loads no Pulumi code.
 */
export const DATA_API = { ledger: true, "card-vault": false } as const;
