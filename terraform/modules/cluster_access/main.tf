# Lets one IAM role deploy to one cluster through an EKS access entry (no
# aws-auth ConfigMap). Applying k8s/overlays/aws creates cluster-scoped
# objects (the logging Namespace, a ClusterRole and its binding), which only
# the cluster-admin access policy allows: EKS has no narrower managed policy
# for that. The scope is this one cluster.

data "aws_partition" "current" {}

resource "aws_eks_access_entry" "this" {
  cluster_name  = var.cluster_name
  principal_arn = var.principal_arn
  type          = "STANDARD"

  tags = var.tags
}

resource "aws_eks_access_policy_association" "this" {
  cluster_name  = var.cluster_name
  principal_arn = var.principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }

  depends_on = [aws_eks_access_entry.this]
}
