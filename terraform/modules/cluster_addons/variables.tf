variable "name" {
  description = "Prefix of the roles and the log group, e.g. msg-dev."
  type        = string
}

variable "cluster_name" {
  description = "The EKS cluster the releases go into."
  type        = string
}

variable "oidc_provider_arn" {
  description = "The cluster's IAM OIDC provider (IRSA)."
  type        = string
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer without https://."
  type        = string
}

variable "vpc_id" {
  description = "The VPC (the load balancer controller is told it, since IMDS is out of a pod's reach)."
  type        = string
}

variable "database_secret_arn" {
  description = "The RDS-managed master secret: the only secret External Secrets may read."
  type        = string
}

variable "database_kms_key_arn" {
  description = "The key that encrypts the database secret (External Secrets decrypts through Secrets Manager only)."
  type        = string
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps msg-server's and the cluster's container logs."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts."
  }
}

variable "enable_jenkins" {
  description = "Install Jenkins into this cluster (one environment runs the pipeline for all)."
  type        = bool
  default     = false
}

variable "jenkins_values_file" {
  description = "Path of the Jenkins chart values (configuration as code, pinned plugins)."
  type        = string
  default     = null
}

variable "ci_role_arn" {
  description = "The CI role, annotated on the jenkins/jenkins-agent service account."
  type        = string
  default     = null
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
  description = "Tags added to every AWS resource."
  type        = map(string)
  default     = {}
}
