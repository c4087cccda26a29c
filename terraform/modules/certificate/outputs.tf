output "arn" {
  description = "The certificate's ARN (validated, when the zone is managed here)."
  value       = var.route53_zone_id == null ? aws_acm_certificate.main.arn : aws_acm_certificate_validation.main[0].certificate_arn
}

output "validation_records" {
  description = "The DNS records that prove ownership of hostname."
  value       = aws_acm_certificate.main.domain_validation_options
}
