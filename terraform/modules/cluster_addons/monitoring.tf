# kube-prometheus-stack in namespace monitoring, with the values k8s/ relies
# on: Prometheus selects every ServiceMonitor, PodMonitor and PrometheusRule
# in the cluster (not only those labelled for this release), and Grafana's
# sidecar loads every ConfigMap labelled grafana_dashboard: "1" from all
# namespaces. Prometheus also remote-writes to an Amazon Managed Service for
# Prometheus workspace, so metrics outlive the cluster; the "Prometheus
# writer" role may write to that workspace and nothing else.

resource "aws_prometheus_workspace" "main" {
  alias = var.name

  tags = var.tags
}

data "aws_iam_policy_document" "prometheus_writer" {
  statement {
    actions   = ["aps:RemoteWrite"]
    resources = [aws_prometheus_workspace.main.arn]
  }
}

module "prometheus_writer_role" {
  source = "../irsa_role"

  name              = "${var.name}-prometheus-writer"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer       = var.oidc_issuer
  namespace         = "monitoring"
  service_account   = "prometheus"
  policy_json       = data.aws_iam_policy_document.prometheus_writer.json
  tags              = var.tags
}

resource "helm_release" "kube_prometheus_stack" {
  name             = "kube-prometheus-stack"
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.chart_versions.kube_prometheus_stack
  namespace        = "monitoring"
  create_namespace = true
  wait             = true
  timeout          = 900

  values = [yamlencode({
    prometheus = {
      serviceAccount = {
        create      = true
        name        = "prometheus"
        annotations = { "eks.amazonaws.com/role-arn" = module.prometheus_writer_role.arn }
      }
      prometheusSpec = {
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        ruleSelectorNilUsesHelmValues           = false
        retention                               = "15d"
        remoteWrite = [{
          url   = "${aws_prometheus_workspace.main.prometheus_endpoint}api/v1/remote_write"
          sigv4 = { region = data.aws_region.current.region }
        }]
      }
    }
    grafana = {
      # No default password: the admin credentials come from a Secret made
      # once by hand (terraform/README.md, "Apply the add-ons").
      admin = {
        existingSecret = "grafana-admin"
        userKey        = "admin-user"
        passwordKey    = "admin-password"
      }
      sidecar = {
        dashboards = {
          enabled         = true
          label           = "grafana_dashboard"
          labelValue      = "1"
          searchNamespace = "ALL"
        }
      }
    }
  })]
}
