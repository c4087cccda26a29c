variable "name" {
  description = "The IAM role's name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (at most 64 characters)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (IRSA)."
  type        = string
}

variable "oidc_issuer" {
  description = "The cluster's OIDC issuer URL without the https:// prefix, as IAM condition keys spell it."
  type        = string

  validation {
    condition     = !startswith(var.oidc_issuer, "https://")
    error_message = "oidc_issuer must not start with https://."
  }
}

variable "namespace" {
  description = "Namespace of the only Kubernetes service account allowed to assume the role."
  type        = string
}

variable "service_account" {
  description = "Name of the only Kubernetes service account allowed to assume the role."
  type        = string
}

variable "policy_json" {
  description = "Inline policy document (JSON) granted to the role; null for none."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "AWS managed policies attached to the role (only where AWS publishes the exact policy a component needs)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to the role."
  type        = map(string)
  default     = {}
}
