output "repository_url" {
  description = "<account>.dkr.ecr.<region>.amazonaws.com/<name>: the image name without tag or digest."
  value       = aws_ecr_repository.main.repository_url
}

output "repository_arn" {
  description = "The repository's ARN (the CI role may push only here)."
  value       = aws_ecr_repository.main.arn
}

output "kms_key_arn" {
  description = "The key encrypting the images (pushers need it)."
  value       = aws_kms_key.registry.arn
}
