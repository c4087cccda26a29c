variable "name" {
  description = "The role's name."
  type        = string
}

variable "oidc_provider_arn" {
  description = "IAM OIDC provider of the cluster Jenkins runs in (its agents' service account tokens are what the role trusts)."
  type        = string
}

variable "oidc_issuer" {
  description = "That cluster's OIDC issuer without https://."
  type        = string
}

variable "repository_arn" {
  description = "The one ECR repository the pipeline may push to."
  type        = string
}

variable "cluster_arns" {
  description = "The clusters the pipeline deploys to (staging and production); each also needs an access entry for the role (module cluster_access)."
  type        = list(string)

  validation {
    condition     = length(var.cluster_arns) > 0 && alltrue([for a in var.cluster_arns : can(regex("^arn:[a-z-]+:eks:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9-]+$", a))])
    error_message = "cluster_arns must list EKS cluster ARNs."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
