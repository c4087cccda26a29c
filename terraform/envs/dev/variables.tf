# What differs per AWS account; terraform.tfvars holds placeholders to
# replace before the first plan.

variable "region" {
  description = "AWS region of the environment."
  type        = string
}

variable "availability_zones" {
  description = "Three availability zones of the region."
  type        = list(string)
}

variable "hostname" {
  description = "Public hostname of msg-server in this environment."
  type        = string
}

variable "route53_zone_id" {
  description = "Public Route 53 zone of hostname (certificate validation); null to validate by hand."
  type        = string
  default     = null
}

variable "cluster_public_access_cidrs" {
  description = "Blocks allowed to the public Kubernetes API endpoint (operators, the CI's egress); empty: private only."
  type        = list(string)
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles with cluster-admin (include the one running terraform apply)."
  type        = list(string)
}
