output "principal_arn" {
  description = "The principal with access (for depends_on)."
  value       = aws_eks_access_policy_association.this.principal_arn
}
