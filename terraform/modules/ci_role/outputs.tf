output "arn" {
  description = "The CI role's ARN (annotation of jenkins/jenkins-agent)."
  value       = module.role.arn
}
