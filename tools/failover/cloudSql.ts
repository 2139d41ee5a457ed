import { setTimeout as sleep } from "timers/promises";
import { CloudSql } from "./execute";

export interface CloudSqlClientOptions {
  accessToken: () => Promise<string>;
  /** Base URLs, overridable for tests against a local server. */
  sqlAdmin?: string;
  monitoring?: string;
  pollMs?: number;
  /** How long a switchover may take before the tool gives up waiting (it goes on in Cloud SQL). */
  timeoutMs?: number;
}

/**
 * Cloud SQL through its REST APIs: instances.get for the role, instances.switchover
 * (POST …/instances/{replica}/switchover with an empty body:
 * https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances/switchover; Enterprise Plus
 * advanced disaster recovery:
 * https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas) followed until its
 * operation is DONE, and the replica-lag metric from Cloud Monitoring (timeSeries.list of
 * cloudsql.googleapis.com/database/replication/replica_lag, the metric the lag alert watches).
 */
export function cloudSqlClient(options: CloudSqlClientOptions): CloudSql {
  const sqlAdmin = options.sqlAdmin ?? "https://sqladmin.googleapis.com/v1";
  const monitoring = options.monitoring ?? "https://monitoring.googleapis.com/v3";
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Body = Record<string, any>;
  const call = async (method: "GET" | "POST", url: string): Promise<Body> => {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${await options.accessToken()}`, "content-type": "application/json" },
    });
    const body = (await response.json().catch(() => ({}))) as Body;
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    async replicaLagSeconds(project, instance) {
      const end = new Date();
      // Only recent points: the lag of five minutes ago says little about the lag now.
      const start = new Date(end.getTime() - 5 * 60_000);
      const filter = `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.labels.database_id="${project}:${instance}"`;
      const query = new URLSearchParams({
        filter,
        "interval.startTime": start.toISOString(),
        "interval.endTime": end.toISOString(),
      });
      const body = await call("GET", `${monitoring}/projects/${project}/timeSeries?${query}`);
      const point = body.timeSeries?.[0]?.points?.[0]?.value;
      const value = point?.doubleValue ?? point?.int64Value;
      return value === undefined ? undefined : Number(value);
    },
    async isPrimary(project, instance) {
      const body = await call("GET", `${sqlAdmin}/projects/${project}/instances/${instance}`);
      return body.instanceType === "CLOUD_SQL_INSTANCE";
    },
    async switchover(project, instance) {
      let operation = await call("POST", `${sqlAdmin}/projects/${project}/instances/${instance}/switchover`);
      const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
      while (operation.status !== "DONE") {
        if (Date.now() > deadline)
          throw new Error(
            `switchover of ${instance} not DONE after ${(options.timeoutMs ?? 1_800_000) / 60_000} min (operation ${operation.name}); run the failover again to resume`,
          );
        await sleep(options.pollMs ?? 5000);
        operation = await call("GET", `${sqlAdmin}/projects/${project}/operations/${operation.name}`);
      }
      if (operation.error)
        throw new Error(`switchover of ${instance} failed: ${JSON.stringify(operation.error)}`);
    },
  };
}
