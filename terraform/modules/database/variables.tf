variable "name" {
  description = "The instance identifier and prefix of its subnet group, parameter group and key."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,50}$", var.name))
    error_message = "name must be lower-case letters, digits or hyphens, starting with a letter."
  }
}

variable "vpc_id" {
  description = "The VPC of the database security group."
  type        = string
}

variable "subnet_ids" {
  description = "The database subnets (no route out of the VPC), in at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two zones."
  }
}

variable "client_security_group_id" {
  description = "The only security group allowed to connect on 5432 (the EKS nodes')."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version (15 or later; msg-server's tests run against 15)."
  type        = string

  validation {
    condition     = can(regex("^1[5-9]$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL major version of 15 or later, e.g. 15."
  }
}

variable "instance_class" {
  description = "RDS instance class, e.g. db.t4g.small in dev."
  type        = string
}

variable "allocated_storage_gib" {
  description = "Initial storage, GiB (gp3)."
  type        = number
}

variable "max_allocated_storage_gib" {
  description = "Ceiling for storage autoscaling, GiB."
  type        = number
}

variable "multi_az" {
  description = "A synchronous standby in another zone (prod)."
  type        = bool
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off (prod: always)."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be 7..35."
  }
}

variable "database_name" {
  description = "The database msg-server uses."
  type        = string
  default     = "msg"
}

variable "master_username" {
  description = "The master user; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "msg"
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the PostgreSQL and upgrade logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
