# Where Fluent Bit ships container logs, and the role it ships them with. The
# DaemonSet itself is deployed from k8s/components/logging (and
# logging-cloudwatch), not by a Helm release here: two Fluent Bit DaemonSets
# would ship every line twice.

resource "aws_cloudwatch_log_group" "containers" {
  name              = "/${var.name}/containers"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

# Into this one log group only; streams are created per pod by Fluent Bit.
data "aws_iam_policy_document" "fluent_bit" {
  statement {
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [
      aws_cloudwatch_log_group.containers.arn,
      "${aws_cloudwatch_log_group.containers.arn}:*",
    ]
  }
}

module "fluent_bit_role" {
  source = "../irsa_role"

  name              = "${var.name}-fluent-bit"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  namespace         = "logging"
  service_account   = "fluent-bit"
  policy_json       = data.aws_iam_policy_document.fluent_bit.json
  tags              = var.tags
}
