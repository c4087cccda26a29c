provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

# The Helm provider talks to the cluster this root creates, with a token from
# the AWS CLI for whoever runs terraform (they need an access entry: see
# cluster_admin_principal_arns).
provider "helm" {
  kubernetes = {
    host                   = module.environment.cluster_endpoint
    cluster_ca_certificate = base64decode(module.environment.cluster_certificate_authority_data)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.environment.cluster_name, "--region", var.region]
    }
  }
}
