variable "name" {
  description = "The repository's name, e.g. msg-server."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]{1,255}$", var.name))
    error_message = "name must be a valid ECR repository name."
  }
}

variable "untagged_expiry_days" {
  description = "Untagged images (left behind by pushes of a tag's new digest) are deleted after this many days."
  type        = number
  default     = 14
}

variable "keep_tagged_images" {
  description = "How many tagged images to keep; older ones are expired (deployments pin digests, so keep enough for rollbacks)."
  type        = number
  default     = 50
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
