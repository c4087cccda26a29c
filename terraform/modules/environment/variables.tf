variable "name" {
  description = "Environment prefix of every resource, e.g. msg-dev (also the cluster's name)."
  type        = string
}

variable "hostname" {
  description = "Public hostname of msg-server."
  type        = string
}

variable "route53_zone_id" {
  description = "Route 53 zone of hostname for certificate validation; null to validate by hand."
  type        = string
  default     = null
}

variable "vpc_cidr" {
  description = "The VPC's /16."
  type        = string
}

variable "availability_zones" {
  description = "Three zones of the region."
  type        = list(string)
}

variable "nat_gateway_per_zone" {
  description = "One NAT gateway per zone (prod) or one for all (dev)."
  type        = bool
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version."
  type        = string
}

variable "cluster_public_access_cidrs" {
  description = "Blocks allowed to the public API endpoint (empty: private endpoint only)."
  type        = list(string)
}

variable "cluster_admin_principal_arns" {
  description = "IAM principals with cluster-admin access entries (must include whoever runs terraform apply, for the Helm releases)."
  type        = list(string)
}

variable "node_instance_types" {
  description = "Node instance types."
  type        = list(string)
}

variable "node_min_size" {
  description = "Fewest nodes."
  type        = number
}

variable "node_max_size" {
  description = "Most nodes."
  type        = number
}

variable "node_desired_size" {
  description = "Nodes at creation."
  type        = number
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
}

variable "database_engine_version" {
  description = "PostgreSQL major version."
  type        = string
}

variable "database_allocated_storage_gib" {
  description = "Initial database storage, GiB."
  type        = number
}

variable "database_max_allocated_storage_gib" {
  description = "Database storage autoscaling ceiling, GiB."
  type        = number
}

variable "database_multi_az" {
  description = "Multi-AZ standby."
  type        = bool
}

variable "database_backup_retention_days" {
  description = "Automated backup retention, days."
  type        = number
}

variable "deletion_protection" {
  description = "Deletion protection on the database and the cluster."
  type        = bool
}

variable "log_retention_days" {
  description = "Retention of container, control-plane and flow logs, days."
  type        = number
}

variable "pipeline_home" {
  description = "true in the one environment that hosts what the pipeline shares: Jenkins, the CI role and the image registry (dev); false elsewhere, which then uses those by name."
  type        = bool
}

variable "jenkins_values_file" {
  description = "ci/jenkins/values.yaml (read only where pipeline_home)."
  type        = string
}

variable "registry_name" {
  description = "The one ECR repository of msg-server, shared by every environment."
  type        = string
  default     = "msg/msg-server"
}

variable "ci_deploy_cluster_names" {
  description = "Where pipeline_home: every cluster the CI role deploys to (this one and the others), by name."
  type        = list(string)
  default     = []

  validation {
    condition     = !var.pipeline_home || length(var.ci_deploy_cluster_names) > 0
    error_message = "The pipeline's home environment must name the clusters its CI role deploys to."
  }
}

variable "ci_role_arn" {
  description = "Where not pipeline_home: the CI role made by the pipeline's home environment (its ci_role_arn output)."
  type        = string
  default     = null

  validation {
    condition     = var.pipeline_home ? var.ci_role_arn == null : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/.+$", var.ci_role_arn))
    error_message = "ci_role_arn must be the home environment's CI role ARN where pipeline_home is false, and unset where it is true."
  }
}

variable "chart_versions" {
  description = "Pinned Helm chart versions."
  type = object({
    aws_load_balancer_controller = string
    kube_prometheus_stack        = string
    external_secrets             = string
    jenkins                      = string
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
