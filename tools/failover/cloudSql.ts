import { setTimeout as sleep } from "timers/promises";
import { fetchWithCause } from "../cli/http";
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
 * https://cloud.google.com/sql/docs/postgres/replication/cross-region-replicas), its operation
 * followed until DONE (operations.get), a switchover already running found with operations.list
 * ("Lists all instance operations that have been performed on the given Cloud SQL instance in the
 * reverse chronological order of the start time"; operationType SWITCHOVER, status PENDING or
 * RUNNING until DONE: Operation.SqlOperationType / SqlOperationStatus), and the replica-lag metric
 * from Cloud Monitoring (timeSeries.list of cloudsql.googleapis.com/database/replication/replica_lag,
 * the metric the lag alert watches).
 */
export function cloudSqlClient(options: CloudSqlClientOptions): CloudSql {
  const sqlAdmin = options.sqlAdmin ?? "https://sqladmin.googleapis.com/v1";
  const monitoring = options.monitoring ?? "https://monitoring.googleapis.com/v3";
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Body = Record<string, any>;
  const call = async (method: "GET" | "POST", url: string): Promise<Body> => {
    const response = await fetchWithCause(url, {
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
    async runningSwitchover(project, instance) {
      const query = new URLSearchParams({ instance, maxResults: "20" });
      const body = await call("GET", `${sqlAdmin}/projects/${project}/operations?${query}`);
      const running = (body.items ?? []).find(
        (op: Body) => op.operationType === "SWITCHOVER" && op.status !== "DONE",
      );
      return running?.name as string | undefined;
    },
    async startSwitchover(project, instance) {
      const operation = await call(
        "POST",
        `${sqlAdmin}/projects/${project}/instances/${instance}/switchover`,
      );
      return String(operation.name);
    },
    async waitForOperation(project, name, signal) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const operation = await call("GET", `${sqlAdmin}/projects/${project}/operations/${name}`);
        if (operation.status === "DONE") {
          if (operation.error)
            throw new Error(`operation ${name} failed: ${JSON.stringify(operation.error)}`);
          return;
        }
        if (Date.now() > deadline)
          throw new Error(
            `operation ${name} not DONE after ${timeoutMs / 60_000} min; it goes on in Cloud SQL: run the failover again to follow it`,
          );
        if (signal?.aborted) throw signal.reason;
        await sleep(options.pollMs ?? 5000, undefined, { signal }).catch(() => undefined);
        if (signal?.aborted) throw signal.reason;
      }
    },
  };
}
