output "log_group_name" {
  description = "The CloudWatch log group Fluent Bit ships container logs to."
  value       = aws_cloudwatch_log_group.containers.name
}

output "fluent_bit_role_arn" {
  description = "IRSA role of logging/fluent-bit (writes only to the log group)."
  value       = module.fluent_bit_role.arn
}

output "external_secrets_role_arn" {
  description = "IRSA role of external-secrets/external-secrets (reads only the database secret)."
  value       = module.external_secrets_role.arn
}

output "load_balancer_controller_role_arn" {
  description = "IRSA role of kube-system/aws-load-balancer-controller."
  value       = module.load_balancer_controller_role.arn
}

output "prometheus_writer_role_arn" {
  description = "IRSA role of monitoring/prometheus (remote-writes only to the workspace)."
  value       = module.prometheus_writer_role.arn
}

output "prometheus_workspace_endpoint" {
  description = "The Amazon Managed Service for Prometheus workspace's endpoint."
  value       = aws_prometheus_workspace.main.prometheus_endpoint
}
