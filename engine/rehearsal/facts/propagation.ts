import { IAM_PROPAGATION_SECONDS } from "../../../components/lib/propagation";

/**
 * Waits that no dependency expresses: Google acknowledges the create, but the thing is usable by
 * another API only later. The rehearsal asks for a `time.Sleep` of at least this long between them.
 */
export const PROPAGATION_SECONDS = {
  /**
   * A user-defined log-based metric is unknown to Cloud Monitoring for minutes after Cloud
   * Logging creates it: an alert policy on it fails with 404 "Cannot find metric(s) that match
   * type" (terraform-provider-google issue 11102, open in 2026; the API's own error says "If a metric
   * was created recently, it could take up to 10 minutes to become available"). The provider
   * retries only 409s on alert policies (resource_monitoring_alert_policy.go), so nothing else
   * waits for it.
   */
  logMetricToMonitoring: 600,
  /**
   * The multi-cluster Services CRDs (ServiceExport, ServiceImport) are installed into each fleet
   * member by the MCS controller after the feature is enabled, with no readiness signal Pulumi
   * can wait on. Google's own multi-cluster sample polls up to 60 s for
   * `serviceexports.net.gke.io` (GoogleCloudPlatform/terraform-ecommerce-microservices-on-gke
   * infra/deploy_multi_cluster_k8s_resources.sh), and terraform-provider-google's own fleet
   * feature tests sleep 150 s after enabling GKE Hub (gkehub2/resource_gke_hub_feature_test.go).
   * pulumi-kubernetes retries "no matches for kind" for only about 31 s
   * (provider/pkg/await/await.go: WithMaxRetries(5), backoff factor 2 from 1 s).
   */
  fleetFeatureToCrds: 150,
  /**
   * An IAM grant (a role on a project, key or service account) is effective only after it
   * propagates: "Change a policy … Typically 2 minutes, potentially 7 minutes or longer"
   * (https://cloud.google.com/iam/docs/access-change-propagation). The provider retries only
   * network errors, 429/500/502/503 and 409 "operation in progress"
   * (transport/error_retry_predicates.go defaultErrorRetryPredicates); Cloud SQL's instance adds
   * only IsSqlOperationInProgressError, Artifact Registry's repository and Secret Manager's
   * secret none, so the 400/403 of a key grant not yet in effect fails the create at once.
   */
  iamGrant: IAM_PROPAGATION_SECONDS,
} as const;
