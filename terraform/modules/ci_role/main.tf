# The pipeline's AWS identity: Jenkins agent pods run as the service account
# jenkins/jenkins-agent, whose token this role trusts (IRSA). It may push
# images to one repository and find the clusters it deploys to, nothing
# else: no IAM, no Terraform state, no other repository. What it may do
# inside a cluster is that cluster's access entry (module cluster_access).

data "aws_iam_policy_document" "ci" {
  # GetAuthorizationToken has no resource-level permissions in IAM: AWS only
  # accepts "*" for it. The token alone grants nothing; the repository
  # statement below decides what it can do.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPushOneRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:DescribeImageScanFindings",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.repository_arn]
  }

  # Enough for `aws eks update-kubeconfig`.
  statement {
    sid       = "DescribeTheDeployClusters"
    actions   = ["eks:DescribeCluster"]
    resources = var.cluster_arns
  }
}

module "role" {
  source = "../irsa_role"

  name              = var.name
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  namespace         = "jenkins"
  service_account   = "jenkins-agent"
  policy_json       = data.aws_iam_policy_document.ci.json
  tags              = var.tags
}
