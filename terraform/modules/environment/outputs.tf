# The outputs the pipeline fills k8s/overlays/aws/environment.env from (the
# mapping is in terraform/README.md), and those it uses itself.

output "hostname" {
  description = "Public hostname of msg-server (MSG_HOSTNAME)."
  value       = var.hostname
}

output "acm_certificate_arn" {
  description = "The load balancer's certificate (MSG_ACM_CERTIFICATE_ARN)."
  value       = module.certificate.arn
}

output "database_secret_arn" {
  description = "The RDS-managed master secret, ARN only (MSG_DATABASE_SECRET_ARN)."
  value       = module.database.master_secret_arn
}

output "database_endpoint" {
  description = "host:port of PostgreSQL (MSG_DATABASE_ENDPOINT)."
  value       = module.database.endpoint
}

output "database_name" {
  description = "The database's name (MSG_DATABASE_NAME)."
  value       = module.database.database_name
}

output "fluent_bit_role_arn" {
  description = "IRSA role of logging/fluent-bit (MSG_FLUENT_BIT_ROLE_ARN)."
  value       = module.addons.fluent_bit_role_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the container logs (MSG_LOG_GROUP)."
  value       = module.addons.log_group_name
}

output "public_subnets_aggregate_cidr" {
  description = "One block around all public subnets, where the ALB connects from (MSG_LB_SOURCE_CIDR)."
  value       = module.network.public_subnets_aggregate_cidr
}

output "database_subnets_aggregate_cidr" {
  description = "One block around all database subnets (MSG_DATABASE_CIDR)."
  value       = module.network.database_subnets_aggregate_cidr
}

output "ecr_repository_url" {
  description = "The image repository, without tag or digest."
  value       = local.repository_url
}

output "cluster_name" {
  description = "The EKS cluster's name."
  value       = module.cluster.cluster_name
}

output "cluster_endpoint" {
  description = "The Kubernetes API endpoint (for the Helm provider)."
  value       = module.cluster.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "The cluster's CA, base64 (for the Helm provider)."
  value       = module.cluster.cluster_certificate_authority_data
}

output "ci_role_arn" {
  description = "IRSA role of jenkins/jenkins-agent (the same in every environment)."
  value       = local.ci_role_arn
}

output "oidc_provider_arn" {
  description = "The cluster's IAM OIDC provider."
  value       = module.cluster.oidc_provider_arn
}

output "oidc_issuer" {
  description = "The cluster's OIDC issuer without https://."
  value       = module.cluster.oidc_issuer
}

output "external_secrets_role_arn" {
  description = "IRSA role of external-secrets/external-secrets."
  value       = module.addons.external_secrets_role_arn
}

output "load_balancer_controller_role_arn" {
  description = "IRSA role of kube-system/aws-load-balancer-controller."
  value       = module.addons.load_balancer_controller_role_arn
}

output "prometheus_writer_role_arn" {
  description = "IRSA role of monitoring/prometheus."
  value       = module.addons.prometheus_writer_role_arn
}
