variable "name" {
  description = "The cluster's name; also the prefix of its roles, keys and security groups."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version (major.minor). Upgrade one minor version at a time."
  type        = string

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.34."
  }
}

variable "vpc_id" {
  description = "The VPC the cluster's security groups belong to."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for the control plane's network interfaces and the nodes."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two zones."
  }
}

variable "public_access_cidrs" {
  description = "Blocks allowed to reach the public API endpoint; empty turns the public endpoint off (the private one is always on)."
  type        = list(string)

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && !contains(["0.0.0.0/0", "::/0"], c)])
    error_message = "public_access_cidrs must be valid blocks and never the whole internet."
  }
}

variable "load_balancer_source_cidr" {
  description = "The block the load balancer connects to IP targets from (all public subnets)."
  type        = string
}

variable "database_cidr" {
  description = "The block holding every database subnet: nodes may open PostgreSQL connections into it and nowhere else."
  type        = string
}

variable "node_instance_types" {
  description = "Instance types of the managed node group (first one preferred)."
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
  description = "Nodes at creation (later changes are ignored: the autoscaler owns it)."
  type        = number

  validation {
    condition     = var.node_desired_size >= 1
    error_message = "node_desired_size must be at least 1."
  }
}

variable "node_disk_size_gib" {
  description = "Root volume size of each node, GiB (encrypted gp3)."
  type        = number
  default     = 50
}

variable "admin_principal_arns" {
  description = "IAM roles or users given cluster-admin through EKS access entries (the aws-auth ConfigMap is not used)."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster until this is turned off."
  type        = bool
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the control-plane logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
