variable "name" {
  description = "Prefix for every resource name and Name tag, e.g. msg-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "cidr_block" {
  description = "The VPC's IPv4 block, a /16: three /18 private subnets (nodes and pods), three /22 public and three /22 database subnets (see locals in main.tf)."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && endswith(var.cidr_block, "/16")
    error_message = "cidr_block must be a valid IPv4 /16 block."
  }
}

variable "availability_zones" {
  description = "Exactly three availability zones of the region, one subnet of each tier in each."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) == 3
    error_message = "availability_zones must list exactly three zones."
  }
}

variable "nat_gateway_per_zone" {
  description = "true: one NAT gateway per zone (a zone outage keeps the others' egress); false: one NAT gateway for all private subnets (cheaper, for dev)."
  type        = bool
}

variable "cluster_name" {
  description = "The EKS cluster's name, for the kubernetes.io/cluster tag the load balancer controller uses to find subnets."
  type        = string
}

variable "flow_log_retention_days" {
  description = "Days CloudWatch keeps the VPC flow log."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of the values CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
