# Helm chart versions, pinned; the same in dev (a copy, changed together).
locals {
  chart_versions = {
    aws_load_balancer_controller = "1.13.0"
    kube_prometheus_stack        = "77.0.0"
    external_secrets             = "0.19.0"
    jenkins                      = "5.8.0"
  }
}
