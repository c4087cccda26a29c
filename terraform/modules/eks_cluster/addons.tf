# EKS managed add-ons. Versions are left to EKS's default for the cluster's
# Kubernetes version, so a cluster upgrade brings matching add-ons; the two
# that call AWS APIs (vpc-cni, ebs-csi) run with their own IRSA roles
# instead of the node role.

module "vpc_cni_role" {
  source = "../irsa_role"

  name                = "${var.name}-vpc-cni"
  oidc_provider_arn   = aws_iam_openid_connect_provider.cluster.arn
  oidc_issuer         = local.oidc_issuer
  namespace           = "kube-system"
  service_account     = "aws-node"
  managed_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"]
  tags                = var.tags
}

module "ebs_csi_role" {
  source = "../irsa_role"

  name                = "${var.name}-ebs-csi"
  oidc_provider_arn   = aws_iam_openid_connect_provider.cluster.arn
  oidc_issuer         = local.oidc_issuer
  namespace           = "kube-system"
  service_account     = "ebs-csi-controller-sa"
  managed_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]
  tags                = var.tags
}

# Needed before any node can join (the CNI gives pods their addresses).
resource "aws_eks_addon" "vpc_cni" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "vpc-cni"
  service_account_role_arn    = module.vpc_cni_role.arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags
}

resource "aws_eks_addon" "kube_proxy" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "kube-proxy"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags
}

# These run as pods, so they wait for the node group.
resource "aws_eks_addon" "coredns" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "coredns"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.main]
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "aws-ebs-csi-driver"
  service_account_role_arn    = module.ebs_csi_role.arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.main]
}

# The HorizontalPodAutoscaler in k8s/ reads CPU from metrics-server.
resource "aws_eks_addon" "metrics_server" {
  cluster_name                = aws_eks_cluster.main.name
  addon_name                  = "metrics-server"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_eks_node_group.main]
}
