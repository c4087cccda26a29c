variable "cluster_name" {
  description = "The EKS cluster to grant access to."
  type        = string
}

variable "principal_arn" {
  description = "The IAM role that gets cluster-admin on that cluster through an EKS access entry."
  type        = string
}

variable "tags" {
  description = "Tags added to the access entry."
  type        = map(string)
  default     = {}
}
