variable "hostname" {
  description = "The public hostname msg-server is served on, e.g. msg.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.hostname))
    error_message = "hostname must be a lower-case DNS name."
  }
}

variable "route53_zone_id" {
  description = "Public Route 53 zone holding hostname, for DNS validation; null when the zone is elsewhere (then create the validation record from the certificate_validation_records output by hand)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to the certificate."
  type        = map(string)
  default     = {}
}
