variable "region" {
  description = "The region of the state bucket (and of the environments)."
  type        = string
}

variable "state_bucket_name" {
  description = "Globally unique name of the S3 bucket holding every environment's state, e.g. msg-terraform-state-<account id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{2,62}$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "noncurrent_version_days" {
  description = "Days old state versions are kept (for recovering from a bad apply)."
  type        = number
  default     = 90
}
