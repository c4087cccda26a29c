output "cluster_name" {
  description = "The cluster's name."
  value       = aws_eks_cluster.main.name
}

output "cluster_arn" {
  description = "The cluster's ARN."
  value       = aws_eks_cluster.main.arn
}

output "cluster_endpoint" {
  description = "The Kubernetes API endpoint."
  value       = aws_eks_cluster.main.endpoint
}

output "cluster_certificate_authority_data" {
  description = "The cluster's CA certificate, base64 (public data)."
  value       = aws_eks_cluster.main.certificate_authority[0].data
}

output "oidc_provider_arn" {
  description = "The IAM OIDC provider for IRSA roles."
  value       = aws_iam_openid_connect_provider.cluster.arn
}

output "oidc_issuer" {
  description = "The OIDC issuer without https://, as IAM condition keys spell it."
  value       = local.oidc_issuer
}

output "node_security_group_id" {
  description = "The security group of nodes and pods."
  value       = aws_security_group.nodes.id
}

output "node_group_name" {
  description = "The managed node group's name (the Helm releases wait for it)."
  value       = aws_eks_node_group.main.node_group_name
}
