# Jenkins, only where enable_jenkins is set. Its configuration as code and
# pinned plugins are ci/jenkins/values.yaml (owned by the pipeline); this file
# adds only what Terraform knows: the agents' service account and its role.

resource "helm_release" "jenkins" {
  count = var.enable_jenkins ? 1 : 0

  name             = "jenkins"
  repository       = "https://charts.jenkins.io"
  chart            = "jenkins"
  version          = var.chart_versions.jenkins
  namespace        = "jenkins"
  create_namespace = true
  wait             = true
  timeout          = 900

  values = [
    file(var.jenkins_values_file),
    yamlencode({
      serviceAccountAgent = {
        create      = true
        name        = "jenkins-agent"
        annotations = { "eks.amazonaws.com/role-arn" = var.ci_role_arn }
      }
    }),
  ]

  lifecycle {
    precondition {
      condition     = var.jenkins_values_file != null && var.ci_role_arn != null
      error_message = "enable_jenkins needs jenkins_values_file and ci_role_arn."
    }
  }
}
