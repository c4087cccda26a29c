# The External Secrets Operator, which writes the Secret msg-server-database
# in namespace msg from the RDS-managed master secret (the ExternalSecret and
# SecretStore are in k8s/overlays/aws). Its role may read that one secret and
# decrypt with the database key only when Secrets Manager asks on its behalf.

data "aws_region" "current" {}

data "aws_iam_policy_document" "external_secrets" {
  statement {
    sid = "ReadTheDatabaseSecret"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
    ]
    resources = [var.database_secret_arn]
  }

  statement {
    sid       = "DecryptThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = [var.database_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

module "external_secrets_role" {
  source = "../irsa_role"

  name              = "${var.name}-external-secrets"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  namespace         = "external-secrets"
  service_account   = "external-secrets"
  policy_json       = data.aws_iam_policy_document.external_secrets.json
  tags              = var.tags
}

resource "helm_release" "external_secrets" {
  name             = "external-secrets"
  repository       = "https://charts.external-secrets.io"
  chart            = "external-secrets"
  version          = var.chart_versions.external_secrets
  namespace        = "external-secrets"
  create_namespace = true
  wait             = true

  values = [yamlencode({
    installCRDs = true
    serviceAccount = {
      create      = true
      name        = "external-secrets"
      annotations = { "eks.amazonaws.com/role-arn" = module.external_secrets_role.arn }
    }
  })]
}
