# Same names in envs/dev and envs/prod: the pipeline fills
# k8s/overlays/aws/environment.env from them.

output "hostname" {
  description = "MSG_HOSTNAME."
  value       = module.environment.hostname
}

output "acm_certificate_arn" {
  description = "MSG_ACM_CERTIFICATE_ARN."
  value       = module.environment.acm_certificate_arn
}

output "database_secret_arn" {
  description = "MSG_DATABASE_SECRET_ARN (the ARN; the value stays in Secrets Manager)."
  value       = module.environment.database_secret_arn
}

output "database_endpoint" {
  description = "MSG_DATABASE_ENDPOINT (host:port)."
  value       = module.environment.database_endpoint
}

output "database_name" {
  description = "MSG_DATABASE_NAME."
  value       = module.environment.database_name
}

output "fluent_bit_role_arn" {
  description = "MSG_FLUENT_BIT_ROLE_ARN."
  value       = module.environment.fluent_bit_role_arn
}

output "log_group_name" {
  description = "MSG_LOG_GROUP."
  value       = module.environment.log_group_name
}

output "region" {
  description = "MSG_AWS_REGION."
  value       = var.region
}

output "public_subnets_aggregate_cidr" {
  description = "MSG_LB_SOURCE_CIDR."
  value       = module.environment.public_subnets_aggregate_cidr
}

output "database_subnets_aggregate_cidr" {
  description = "MSG_DATABASE_CIDR."
  value       = module.environment.database_subnets_aggregate_cidr
}

output "ecr_repository_url" {
  description = "Image repository for kustomize edit set image."
  value       = module.environment.ecr_repository_url
}

output "cluster_name" {
  description = "EKS cluster to deploy to."
  value       = module.environment.cluster_name
}

output "ci_role_arn" {
  description = "IRSA role of jenkins/jenkins-agent for this environment."
  value       = module.environment.ci_role_arn
}

output "oidc_provider_arn" {
  description = "This cluster's IAM OIDC provider."
  value       = module.environment.oidc_provider_arn
}

output "oidc_issuer" {
  description = "This cluster's OIDC issuer without https://."
  value       = module.environment.oidc_issuer
}
